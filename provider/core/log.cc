#include "provider/core/log.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace vpcep::core {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kWarn)};
std::mutex g_sink_mu;  // guards g_sink and serialises writes to it
std::FILE* g_sink = stderr;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "trace";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: break;
  }
  return "off";
}

}  // namespace

LogLevel ParseLogLevel(absl::string_view text, LogLevel fallback) {
  std::string upper = absl::AsciiStrToUpper(text);
  if (upper == "TRACE" || upper == "JSON") return LogLevel::kTrace;
  if (upper == "DEBUG") return LogLevel::kDebug;
  if (upper == "INFO") return LogLevel::kInfo;
  if (upper == "WARN") return LogLevel::kWarn;
  if (upper == "ERROR") return LogLevel::kError;
  if (upper == "OFF") return LogLevel::kOff;
  return fallback;
}

LogLevel LogLevelFromEnvironment() {
  for (const char* name : {"TF_LOG_PROVIDER", "TF_LOG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return ParseLogLevel(value, LogLevel::kTrace);
  }
  return LogLevel::kWarn;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }
bool LogEnabled(LogLevel level) {
  return level != LogLevel::kOff && static_cast<int>(level) >= g_level.load();
}

void SetLogSink(std::FILE* sink) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  g_sink = sink;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["@level"] = LevelName(level);
  line["@message"] = std::string(message);
  line["@module"] = "provider.vpcep";
  // hclog parses exactly six fractional digits; other precisions make the line opaque.
  line["@timestamp"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  for (const auto& [key, value] : fields) line[key] = value;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  std::lock_guard<std::mutex> lock(g_sink_mu);
  std::fwrite(text.data(), 1, text.size(), g_sink);
  std::fflush(g_sink);
}

}  // namespace vpcep::core
