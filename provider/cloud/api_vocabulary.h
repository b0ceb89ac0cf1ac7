// The VPCEP API's words and limits, as the contract (vpcep-api.md) spells
// them: connection statuses, actions, list sort keys, page and description
// limits, and the error codes this project reacts to or answers with.
//
// One list for the provider's validation, the client, the simulator and the
// docs test, so that they cannot drift apart. Data only: the simulator uses
// it without linking any provider code. tests/unit/vocabulary_test.cc checks
// every entry against the contract.
#ifndef VPCEP_PROVIDER_CLOUD_API_VOCABULARY_H_
#define VPCEP_PROVIDER_CLOUD_API_VOCABULARY_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace vpcep::api {

// Connection statuses ("Connection object").
inline constexpr absl::string_view kPendingAcceptance = "pendingAcceptance";
inline constexpr absl::string_view kCreating = "creating";
inline constexpr absl::string_view kAccepted = "accepted";
inline constexpr absl::string_view kRejected = "rejected";
inline constexpr absl::string_view kFailed = "failed";
inline constexpr absl::string_view kDeleting = "deleting";
inline constexpr absl::string_view kConnectionStatuses[] = {
    kPendingAcceptance, kCreating, kAccepted, kRejected, kFailed, kDeleting};
// The values the list call documents for its `status` filter (editions
// differ on `rejected`; clients pass any value through).
inline constexpr absl::string_view kListStatusFilters[] = {kPendingAcceptance, kCreating,
                                                           kAccepted, kRejected, kFailed};

// Endpoint service statuses ("Service details").
inline constexpr absl::string_view kServiceStatuses[] = {"creating", "available", "failed",
                                                         "deleting"};

// The `action` of the accept-or-reject call.
inline constexpr absl::string_view kReceive = "receive";
inline constexpr absl::string_view kReject = "reject";
inline constexpr absl::string_view kActions[] = {kReceive, kReject};

// The list call's `sort_key` and `sort_dir`; the first of each is the default.
inline constexpr absl::string_view kSortByCreation = "create_at";
inline constexpr absl::string_view kSortByUpdate = "update_at";
inline constexpr absl::string_view kSortKeys[] = {kSortByCreation, kSortByUpdate};
inline constexpr absl::string_view kDescending = "desc";
inline constexpr absl::string_view kAscending = "asc";
inline constexpr absl::string_view kSortDirs[] = {kDescending, kAscending};

// The list call's `limit` (page size) and `offset`. The offset is a record
// offset; it must stay below the number of matches.
inline constexpr int kMinPageSize = 1;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kDefaultPageSize = 10;
inline constexpr int64_t kMinOffset = 0;

// Connection descriptions: counted in characters (Unicode code points).
inline constexpr size_t kMaxDescriptionLength = 512;
inline constexpr absl::string_view kDescriptionForbiddenChars = "<>";

// Error codes ("Errors"), spelled as in the error table. Bodies may spell
// the prefix `Endpoint.`: compare without regard to case.
namespace codes {
inline constexpr absl::string_view kSystemError = "EndPoint.0001";       // 500, retry
inline constexpr absl::string_view kInvalidParameter = "EndPoint.0002";  // 400
inline constexpr absl::string_view kNotFound = "EndPoint.0005";          // 404
inline constexpr absl::string_view kInvalidLimit = "EndPoint.0006";      // 400
inline constexpr absl::string_view kInvalidOffset = "EndPoint.0010";     // 400
inline constexpr absl::string_view kInvalidSortKey = "EndPoint.0017";    // 400
inline constexpr absl::string_view kInvalidSortDir = "EndPoint.0018";    // 400
inline constexpr absl::string_view kInvalidStatus = "EndPoint.0019";     // 400
inline constexpr absl::string_view kInvalidMarkerId = "EndPoint.0021";   // 400
inline constexpr absl::string_view kThrottled = "EndPoint.0022";         // 400, retry
inline constexpr absl::string_view kServiceNotFound = "EndPoint.2003";   // 400 (sic)
inline constexpr absl::string_view kServiceUnavailable = "EndPoint.2004";
inline constexpr absl::string_view kEndpointNotFound = "EndPoint.2006";  // 404
inline constexpr absl::string_view kEndpointDeleted = "EndPoint.2008";   // 404
inline constexpr absl::string_view kNotServiceEndpoint = "EndPoint.2013";
inline constexpr absl::string_view kAlreadyConnected = "EndPoint.2014";
inline constexpr absl::string_view kEndpointDeleting = "EndPoint.2018";
inline constexpr absl::string_view kEndpointCreating = "EndPoint.2019";
inline constexpr absl::string_view kInvalidAction = "EndPoint.2027";
inline constexpr absl::string_view kOneEndpointOnly = "EndPoint.2031";
inline constexpr absl::string_view kEndpointFailed = "EndPoint.2047";
inline constexpr absl::string_view kGatewayAuth = "APIGW.0301";       // 401
inline constexpr absl::string_view kGatewayThrottled = "APIGW.0308";  // 429, retry

inline constexpr absl::string_view kAll[] = {
    kSystemError,       kInvalidParameter,   kNotFound,          kInvalidLimit,
    kInvalidOffset,     kInvalidSortKey,     kInvalidSortDir,    kInvalidStatus,
    kInvalidMarkerId,   kThrottled,          kServiceNotFound,   kServiceUnavailable,
    kEndpointNotFound,  kEndpointDeleted,    kNotServiceEndpoint, kAlreadyConnected,
    kEndpointDeleting,  kEndpointCreating,   kInvalidAction,     kOneEndpointOnly,
    kEndpointFailed,    kGatewayAuth,        kGatewayThrottled};
}  // namespace codes

}  // namespace vpcep::api

#endif  // VPCEP_PROVIDER_CLOUD_API_VOCABULARY_H_
