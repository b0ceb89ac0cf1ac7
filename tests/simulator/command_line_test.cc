// Tests of the vpcep-sim command line parser.

#include "simulator/command_line.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "simulator/simulator.h"

namespace vpcep::sim {
namespace {

TEST(CommandLineTest, DefaultsAreLoopbackAnyPortOneSecond) {
  auto parsed = ParseCommandLine({});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.host, "127.0.0.1");
  EXPECT_EQ(parsed->options.port, 0);
  EXPECT_EQ(parsed->options.project_id, kDefaultProjectId);
  EXPECT_EQ(parsed->options.transition_delay, absl::Seconds(1));
  EXPECT_TRUE(parsed->options.token.empty());
  EXPECT_TRUE(parsed->options.log_requests);
  EXPECT_FALSE(parsed->help);
}

TEST(CommandLineTest, ParsesEveryFlag) {
  auto parsed = ParseCommandLine(
      {"--listen", "[::1]:8080", "--project-id=p1", "--token", "t", "--transition-delay", "250ms",
       "--seed", "s.json", "--allow-remote", "--quiet", "--threads=4", "--random-seed", "7"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->options.host, "[::1]");
  EXPECT_EQ(parsed->options.port, 8080);
  EXPECT_EQ(parsed->options.project_id, "p1");
  EXPECT_EQ(parsed->options.token, "t");
  EXPECT_EQ(parsed->options.transition_delay, absl::Milliseconds(250));
  EXPECT_EQ(parsed->options.seed_file, "s.json");
  EXPECT_TRUE(parsed->options.allow_remote);
  EXPECT_FALSE(parsed->options.log_requests);
  EXPECT_EQ(parsed->options.threads, 4);
  EXPECT_EQ(parsed->options.random_seed, 7u);
}

TEST(CommandLineTest, DelayInMillisecondsAndZero) {
  EXPECT_EQ(ParseCommandLine({"--transition-delay-ms", "40"})->options.transition_delay,
            absl::Milliseconds(40));
  EXPECT_EQ(ParseCommandLine({"--transition-delay=0"})->options.transition_delay,
            absl::ZeroDuration());
}

TEST(CommandLineTest, RejectsBadInput) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--listen", "127.0.0.1"},
           {"--listen", "127.0.0.1:99999"},
           {"--listen", "::1:80"},
           {"--transition-delay", "soon"},
           {"--transition-delay", "-1s"},
           {"--transition-delay-ms", "-3"},
           {"--token"},
           {"--quiet=yes"},
           {"--what"},
       }) {
    EXPECT_FALSE(ParseCommandLine(args).ok()) << args[0];
  }
}

TEST(CommandLineTest, HelpDocumentsEveryFlag) {
  EXPECT_TRUE(ParseCommandLine({"--help"})->help);
  EXPECT_TRUE(ParseCommandLine({"-h"})->help);
  const std::string usage = Usage();
  for (const char* flag :
       {"--listen", "--allow-remote", "--project-id", "--token", "--transition-delay",
        "--transition-delay-ms", "--seed", "--threads", "--random-seed", "--quiet", "--help"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

TEST(CommandLineTest, ParsesFaultFlags) {
  auto parsed = ParseCommandLine({"--fault-500",
                                  "0.1",
                                  "--fault-502=0.05",
                                  "--fault-503",
                                  "0.05",
                                  "--fault-504",
                                  "0.05",
                                  "--fault-429",
                                  "0.1",
                                  "--fault-throttle",
                                  "0.1",
                                  "--fault-drop",
                                  "0.05",
                                  "--fault-latency",
                                  "200ms",
                                  "--fault-jitter=50ms",
                                  "--fault-after-effect",
                                  "0.5",
                                  "--fault-operations",
                                  "list,action",
                                  "--fault-seed",
                                  "42"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const FaultConfig& f = parsed->options.faults;
  EXPECT_DOUBLE_EQ(f.rate_500, 0.1);
  EXPECT_DOUBLE_EQ(f.rate_502, 0.05);
  EXPECT_DOUBLE_EQ(f.rate_503, 0.05);
  EXPECT_DOUBLE_EQ(f.rate_504, 0.05);
  EXPECT_DOUBLE_EQ(f.rate_429, 0.1);
  EXPECT_DOUBLE_EQ(f.rate_throttle, 0.1);
  EXPECT_DOUBLE_EQ(f.rate_drop, 0.05);
  EXPECT_EQ(f.latency, absl::Milliseconds(200));
  EXPECT_EQ(f.jitter, absl::Milliseconds(50));
  EXPECT_DOUBLE_EQ(f.after_effect_rate, 0.5);
  EXPECT_TRUE(f.list);
  EXPECT_TRUE(f.action);
  EXPECT_FALSE(f.service);
  EXPECT_FALSE(f.description);
  EXPECT_EQ(parsed->options.fault_seed, 42u);
}

TEST(CommandLineTest, RejectsBadFaultFlags) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--fault-500", "1.5"},
                                             {"--fault-500", "x"},
                                             {"--fault-500", "0.6", "--fault-drop", "0.6"},
                                             {"--fault-latency", "soon"},
                                             {"--fault-operations", "list,everything"},
                                             {"--fault-seed", "-1"},
                                             {"--fault-bogus", "1"}}) {
    EXPECT_FALSE(ParseCommandLine(args).ok()) << args[0] << " " << args[1];
  }
}

TEST(CommandLineTest, ParsesLoadAndVariantFlags) {
  auto parsed =
      ParseCommandLine({"--list-item-cost", "100us", "--rate-limit=50", "--churn-create", "0.2",
                        "--churn-delete=0.1", "--churn-seed", "9", "--strict-offset",
                        "--error-code-spelling", "Endpoint", "--time-format=fractional"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const FaultConfig& f = parsed->options.faults;
  EXPECT_EQ(f.list_item_cost, absl::Microseconds(100));
  EXPECT_DOUBLE_EQ(f.rate_limit, 50);
  EXPECT_DOUBLE_EQ(f.churn_create, 0.2);
  EXPECT_DOUBLE_EQ(f.churn_delete, 0.1);
  EXPECT_EQ(parsed->options.churn_seed, 9u);
  EXPECT_TRUE(f.strict_offset);
  EXPECT_EQ(f.error_code_spelling, CodeSpelling::kEndpoint);
  EXPECT_EQ(f.time_format, TimeFormat::kFractional);

  auto defaults = ParseCommandLine({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->options.faults.list_item_cost, absl::ZeroDuration());
  EXPECT_EQ(defaults->options.faults.rate_limit, 0);
  EXPECT_FALSE(defaults->options.faults.strict_offset);
  EXPECT_EQ(defaults->options.faults.error_code_spelling, CodeSpelling::kEndPoint);
  EXPECT_EQ(defaults->options.faults.time_format, TimeFormat::kSeconds);
}

TEST(CommandLineTest, RejectsBadLoadAndVariantFlags) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--list-item-cost", "soon"},
           {"--list-item-cost", "2s"},
           {"--rate-limit", "-1"},
           {"--rate-limit", "fast"},
           {"--churn-create", "1.5"},
           {"--churn-delete", "x"},
           {"--churn-seed", "-2"},
           {"--strict-offset=yes"},
           {"--error-code-spelling", "endpoint"},
           {"--time-format", "millis"},
       }) {
    EXPECT_FALSE(ParseCommandLine(args).ok()) << args[0];
  }
}

TEST(CommandLineTest, ParsesMisbehavingFrontFlags) {
  auto parsed =
      ParseCommandLine({"--page-cap", "500", "--unstable-order", "--ignore-id-filter"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->options.faults.page_cap, 500);
  EXPECT_TRUE(parsed->options.faults.unstable_order);
  EXPECT_TRUE(parsed->options.faults.ignore_id_filter);
  auto defaults = ParseCommandLine({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->options.faults.page_cap, 0);
  EXPECT_FALSE(defaults->options.faults.unstable_order);
  EXPECT_FALSE(defaults->options.faults.ignore_id_filter);
  for (const char* bad : {"-1", "1001", "many"}) {
    EXPECT_FALSE(ParseCommandLine({"--page-cap", bad}).ok()) << bad;
  }
  const std::string usage = Usage();
  for (const char* flag : {"--page-cap", "--unstable-order", "--ignore-id-filter"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

TEST(CommandLineTest, ParsesAkSkPairs) {
  auto parsed = ParseCommandLine({"--ak", "A1", "--sk", "S1", "--ak=A2", "--sk=S2"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->options.aksk_keys,
            (std::map<std::string, std::string>{{"A1", "S1"}, {"A2", "S2"}}));
  EXPECT_FALSE(ParseCommandLine({"--ak", "A1"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--sk", "S1"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--ak", "A1", "--ak", "A2", "--sk", "S"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--ak", "", "--sk", "S"}).ok());
}

TEST(CommandLineTest, UsageMentionsNewFlags) {
  const std::string usage = Usage();
  for (const char* flag : {"--ak",
                           "--sk",
                           "--fault-500",
                           "--fault-502",
                           "--fault-503",
                           "--fault-504",
                           "--fault-429",
                           "--fault-throttle",
                           "--fault-drop",
                           "--fault-latency",
                           "--fault-jitter",
                           "--fault-after-effect",
                           "--fault-operations",
                           "--fault-seed",
                           "--list-item-cost",
                           "--rate-limit",
                           "--churn-create",
                           "--churn-delete",
                           "--churn-seed",
                           "--strict-offset",
                           "--error-code-spelling",
                           "--time-format"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

TEST(LoopbackTest, RecognizesLoopbackHosts) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "10.0.0.1", "::", "example.com", ""}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(LoopbackTest, StartRefusesRemoteHostUnlessAllowed) {
  Simulator::Options options;
  options.host = "0.0.0.0";
  auto refused = Simulator::Start(options);
  EXPECT_FALSE(refused.ok());
}

}  // namespace
}  // namespace vpcep::sim
