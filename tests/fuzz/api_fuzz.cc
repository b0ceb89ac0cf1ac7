// libFuzzer target: parsers of API responses (connection objects, error bodies).
#include <cstddef>
#include <cstdint>
#include <string>

#include "provider/cloud/api_error.h"
#include "provider/cloud/client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)vpcep::cloud::ParseConnection(text);
  vpcep::cloud::HttpResponse response{400, {{"x-request-id", "r"}}, text};
  vpcep::cloud::ApiError e = vpcep::cloud::ParseApiError(response);
  (void)vpcep::cloud::ApiErrorStatus("fuzz", e);
  return 0;
}
