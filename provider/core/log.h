// Structured logging to stderr in go-hclog's JSON line format, which Terraform
// parses and re-logs under the provider's name when TF_LOG / TF_LOG_PROVIDER is
// set. Thread-safe. Callers must never pass secrets as values.
#ifndef VPCEP_PROVIDER_CORE_LOG_H_
#define VPCEP_PROVIDER_CORE_LOG_H_

#include <cstdio>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

namespace vpcep::core {

enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

// Parses TF_LOG-style level names (TRACE, DEBUG, INFO, WARN, ERROR, OFF, JSON).
// Unknown or empty text yields `fallback`.
LogLevel ParseLogLevel(absl::string_view text, LogLevel fallback);

// The level from TF_LOG_PROVIDER, else TF_LOG, else warnings only.
LogLevel LogLevelFromEnvironment();

using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);
// Where lines go; stderr by default. Tests may point it elsewhere.
void SetLogSink(std::FILE* sink);

// Writes one JSON line: {"@level":..,"@message":..,"@module":"provider.vpcep",
// "@timestamp":.., key: value...}.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

inline void LogTrace(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kTrace, m, f); }
inline void LogDebug(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kDebug, m, f); }
inline void LogInfo(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarn(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kWarn, m, f); }
inline void LogError(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_LOG_H_
