// The project's proto files against the upstream definitions in
// ../shared/reference/proto: every service and method we declare exists
// upstream with the same name and streaming, and every field reachable from
// our messages has the same number, type and label there (recursively).
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"

namespace vpcep {
namespace {

namespace fs = std::filesystem;
namespace pb = google::protobuf;

// Runs protoc to get a descriptor set of `files` (relative to `include_dir`).
bool BuildPool(const std::string& include_dir, const std::vector<std::string>& files,
               pb::DescriptorPool& pool, std::string& error) {
  std::string out = absl::StrCat(fs::temp_directory_path().string(), "/vpcep-desc-", getpid(),
                                 "-", std::hash<std::string>()(include_dir), ".pb");
  std::string cmd = absl::StrCat(VPCEP_PROTOC, " --include_imports -I", include_dir,
                                 " -I/usr/include --descriptor_set_out=", out);
  for (const auto& f : files) absl::StrAppend(&cmd, " ", f);
  cmd += " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    error = "protoc failed: " + cmd;
    return false;
  }
  std::ifstream in(out, std::ios::binary);
  pb::FileDescriptorSet set;
  if (!set.ParseFromIstream(&in)) {
    error = "cannot parse descriptor set";
    return false;
  }
  fs::remove(out);
  for (const auto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      error = "cannot build " + file.name();
      return false;
    }
  }
  return true;
}

class Comparer {
 public:
  std::vector<std::string> problems;

  void Message(const pb::Descriptor* ours, const pb::Descriptor* theirs) {
    std::string key = ours->full_name() + "|" + theirs->full_name();
    if (!seen_.insert(key).second) return;
    for (int i = 0; i < ours->field_count(); ++i) {
      const pb::FieldDescriptor* f = ours->field(i);
      const pb::FieldDescriptor* t = theirs->FindFieldByNumber(f->number());
      std::string where = absl::StrCat(ours->full_name(), ".", f->name(), " (#", f->number(), ")");
      if (t == nullptr) {
        problems.push_back(where + ": no such field number upstream");
        continue;
      }
      if (t->name() != f->name()) problems.push_back(where + ": upstream name " + t->name());
      if (t->type() != f->type()) problems.push_back(where + ": type differs");
      if (t->is_repeated() != f->is_repeated()) problems.push_back(where + ": label differs");
      if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) Message(f->message_type(), t->message_type());
      if (f->type() == pb::FieldDescriptor::TYPE_ENUM) Enum(f->enum_type(), t->enum_type());
    }
  }

  void Enum(const pb::EnumDescriptor* ours, const pb::EnumDescriptor* theirs) {
    for (int i = 0; i < ours->value_count(); ++i) {
      const pb::EnumValueDescriptor* v = ours->value(i);
      const pb::EnumValueDescriptor* t = theirs->FindValueByName(v->name());
      if (t == nullptr || t->number() != v->number()) {
        problems.push_back(absl::StrCat(ours->full_name(), ".", v->name(), ": value differs"));
      }
    }
  }

  void Service(const pb::ServiceDescriptor* ours, const pb::DescriptorPool& upstream) {
    const pb::ServiceDescriptor* theirs = upstream.FindServiceByName(ours->full_name());
    if (theirs == nullptr) {
      problems.push_back(ours->full_name() + ": no such service upstream");
      return;
    }
    for (int i = 0; i < ours->method_count(); ++i) {
      const pb::MethodDescriptor* m = ours->method(i);
      const pb::MethodDescriptor* t = theirs->FindMethodByName(m->name());
      if (t == nullptr) {
        problems.push_back(absl::StrCat("/", ours->full_name(), "/", m->name(), ": not upstream"));
        continue;
      }
      if (t->client_streaming() != m->client_streaming() ||
          t->server_streaming() != m->server_streaming()) {
        problems.push_back(m->full_name() + ": streaming differs");
      }
      Message(m->input_type(), t->input_type());
      Message(m->output_type(), t->output_type());
    }
  }

 private:
  std::set<std::string> seen_;
};

TEST(ProtoCompat, ProjectProtosAreWireIdenticalToUpstream) {
  fs::path ref = fs::path(VPCEP_SHARED_DIR) / "reference/proto";
  if (!fs::exists(ref / "tfplugin5.proto")) {
    GTEST_SKIP() << "reference protos not found at " << ref << ": comparison skipped";
  }
  // Upstream v5/v6 declare `message GetMetadata`, which protoc's C++ generator
  // rejects but descriptor sets handle fine.
  pb::DescriptorPool upstream, ours;
  std::string error;
  ASSERT_TRUE(BuildPool(ref.string(),
                        {"tfplugin5.proto", "tfplugin6.proto", "goplugin/grpc_controller.proto",
                         "goplugin/grpc_stdio.proto"},
                        upstream, error))
      << error;
  ASSERT_TRUE(BuildPool(VPCEP_SOURCE_DIR,
                        {"proto/tfplugin5.proto", "proto/tfplugin6.proto",
                         "proto/grpc_controller.proto", "proto/grpc_stdio.proto"},
                        ours, error))
      << error;
  Comparer c;
  int services = 0;
  for (const char* name : {"tfplugin5.Provider", "tfplugin6.Provider", "plugin.GRPCController",
                           "plugin.GRPCStdio"}) {
    const pb::ServiceDescriptor* s = ours.FindServiceByName(name);
    ASSERT_NE(s, nullptr) << name;
    c.Service(s, upstream);
    ++services;
  }
  EXPECT_EQ(services, 4);
  EXPECT_TRUE(c.problems.empty()) << absl::StrJoin(c.problems, "\n");
}

}  // namespace
}  // namespace vpcep
