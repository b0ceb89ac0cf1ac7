#include "resources/connection_approval/connection_approval.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/watcher.h"
#include "provider/core/log.h"
#include "provider/core/plan.h"
#include "provider/core/utf8.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Attribute;
using core::Diagnostics;
using core::PathStep;
using core::Type;
using core::Value;

constexpr absl::Duration kDefaultTimeout = absl::Minutes(10);
constexpr size_t kMaxIdLength = 64;

core::Schema ApprovalSchema() {
  core::Schema s;
  s.block.description =
      "Approves one connection from a VPC endpoint to a VPC endpoint service. Destroying it "
      "rejects the connection (unless `reject_on_delete` is false).";
  Attribute service = core::RequiredAttribute(
      "service_id", Type::String(), "ID of the VPC endpoint service. Changing it forces a new "
      "approval.");
  service.force_new = true;
  Attribute endpoint = core::RequiredAttribute(
      "endpoint_id", Type::String(), "ID of the VPC endpoint whose connection is approved. "
      "Changing it forces a new approval.");
  endpoint.force_new = true;
  s.block.attributes = {
      service,
      endpoint,
      core::OptionalComputedAttribute(
          "description", Type::String(),
          absl::StrCat("Description of the connection (up to ", api::kMaxDescriptionLength,
                       " characters, no `<` or `>`), updated in place. When unset, the "
                       "connection's current description is shown.")),
      core::OptionalAttribute(
          "reject_on_delete", Type::Bool(),
          "Whether destroying this resource rejects the connection (default true). Set false "
          "to stop managing an approval while leaving the connection accepted."),
      core::ComputedAttribute("id", Type::String(), "`<service_id>/<endpoint_id>`, also the "
                              "import id."),
      core::ComputedAttribute("status", Type::String(), "Connection status, `accepted` once "
                              "approved."),
      core::ComputedAttribute("marker_id", Type::Number(), "Packet id of the VPC endpoint."),
      core::OptionalComputedAttribute(
          "domain_id", Type::String(),
          "Account (domain) id of the endpoint's owner. Known at plan time when the connection "
          "exists. When set, plan and apply fail unless the endpoint belongs to this account "
          "(an owner guard: changing it never replaces the approval)."),
      core::ComputedAttribute("created_at", Type::String(), "When the connection was created "
                              "(UTC)."),
      core::ComputedAttribute("updated_at", Type::String(), "When the connection last changed "
                              "(UTC)."),
  };
  core::NestedBlock timeouts;
  timeouts.type_name = "timeouts";
  timeouts.nesting = core::NestedBlock::Nesting::kSingle;
  timeouts.block.description = "How long to wait for the API to confirm a change.";
  timeouts.block.attributes = {
      core::OptionalAttribute("create", Type::String(),
                              "Go duration such as `30s`, `10m`, `1h30m` bounding the wait for "
                              "`accepted` (default 10m)."),
      core::OptionalAttribute("delete", Type::String(),
                              "Go duration bounding the wait for `rejected` (default 10m)."),
  };
  s.block.blocks.push_back(timeouts);
  return s;
}

bool ValidIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

void ValidateId(const Value& v, const char* attr, Diagnostics& diags) {
  if (!v.is_known() || v.is_null()) return;  // unknown until apply; null caught by Terraform
  const std::string& s = v.AsString();
  if (s.empty() || s.size() > kMaxIdLength || !std::all_of(s.begin(), s.end(), ValidIdChar)) {
    diags.AddError(absl::StrCat("Invalid ", attr),
                   absl::StrCat("\"", s, "\" is not a valid id: use 1 to ", kMaxIdLength,
                                " letters, digits, '-' or '_'."),
                   {PathStep::Attr(attr)});
  }
}

// The API counts characters, not bytes; text that is not UTF-8 could not
// even be encoded as the JSON request.
void ValidateDescription(const Value& v, Diagnostics& diags) {
  if (!v.is_known() || v.is_null()) return;
  const std::string& text = v.AsString();
  std::string problem;
  if (!core::ValidUtf8(text)) {
    problem = "The description is not valid UTF-8 text.";
  } else if (size_t n = core::CountCodePoints(text); n > api::kMaxDescriptionLength) {
    problem = absl::StrCat("A description has at most ", api::kMaxDescriptionLength,
                           " characters; this one has ", n, ".");
  } else if (absl::string_view(text).find_first_of(api::kDescriptionForbiddenChars) !=
             absl::string_view::npos) {
    problem = "A description may not contain '<' or '>'.";
  }
  if (!problem.empty()) {
    diags.AddError("Invalid description", problem, {PathStep::Attr("description")});
  }
}

// Whether a fresh lookup shows the connection in one of `statuses`; nullopt
// when the lookup itself failed.
std::optional<bool> ShowsStatus(const cloud::ServiceWatcher& watcher,
                                const std::string& service_id, const std::string& endpoint_id,
                                std::initializer_list<absl::string_view> statuses,
                                absl::Time deadline) {
  absl::StatusOr<std::optional<cloud::Connection>> now =
      watcher.Find(service_id, endpoint_id, {}, deadline);
  if (!now.ok()) return std::nullopt;
  if (!now->has_value()) return false;
  for (absl::string_view s : statuses) {
    if ((*now)->status == s) return true;
  }
  return false;
}

// After an action failed in a way that leaves its outcome open (no answer, a
// server error, throttling once retries ran out), a lookup tells whether it
// landed after all; trusting only the error would misreport the state.
// nullopt: the lookup failed too, so the outcome stays unknown.
std::optional<bool> ActionTookEffect(const cloud::ServiceWatcher& watcher,
                                     const std::string& service_id,
                                     const std::string& endpoint_id, const absl::Status& failure,
                                     std::initializer_list<absl::string_view> effect_statuses,
                                     absl::Time deadline) {
  if (!cloud::IsRetryable(failure) && !cloud::OutcomeUnknown(failure)) return false;
  return ShowsStatus(watcher, service_id, endpoint_id, effect_statuses, deadline);
}

// A plan waits this long for the API before planning unknowns instead.
constexpr absl::Duration kPlanLookupTimeout = absl::Seconds(20);

std::string OwnerMismatch(const std::string& endpoint_id, const std::string& actual,
                          const std::string& expected) {
  return absl::StrCat("Endpoint ", endpoint_id, " belongs to account ", actual, ", not ",
                      expected, ". Check the endpoint id, or update domain_id if the new owner "
                      "is trusted.");
}

// The endpoint has no connection to the service: say which id is wrong when
// the service itself is missing (or hidden from these credentials).
void AddMissingConnectionError(const cloud::ServiceWatcher& watcher, const std::string& service_id,
                               const std::string& endpoint_id, absl::Time deadline,
                               Diagnostics& diags) {
  absl::StatusOr<cloud::Service> service = watcher.ServiceDetails(service_id, deadline);
  if (!service.ok() && !cloud::IsRetryable(service.status())) {
    diags.AddStatus(absl::StrCat("Service ", service_id,
                                 " does not exist or is not visible to these credentials"),
                    service.status(), {PathStep::Attr("service_id")});
    return;
  }
  diags.AddError(absl::StrCat("No connection of endpoint ", endpoint_id),
                 absl::StrCat("Endpoint ", endpoint_id, " has no connection to service ",
                              service_id,
                              ". Check both ids; the endpoint must request the connection first."),
                 {PathStep::Attr("endpoint_id")});
}

// What differs between the facts planned for a new approval (known values
// only) and the connection as it is now; "" when nothing does.
std::string ChangedSincePlan(const Value& planned, const cloud::Connection& c) {
  std::vector<std::string> changes;
  auto check = [&](const char* attr, const Value& now, const std::string& now_text) {
    const Value& v = planned.Attr(attr);
    if (!v.is_known() || v.is_null() || v.Equals(now)) return;
    std::string was = v.type() == Type::String() ? v.AsString() : v.AsInt().value_or(-1) >= 0
                          ? std::to_string(*v.AsInt()) : "?";
    changes.push_back(absl::StrCat(attr, " was \"", was, "\", now \"", now_text, "\""));
  };
  check("domain_id", Value::String(c.domain_id), c.domain_id);
  check("marker_id", Value::Int(c.marker_id), std::to_string(c.marker_id));
  check("created_at", Value::String(c.created_at), c.created_at);
  return absl::StrJoin(changes, "; ");
}

// State that shows a receive on its way (Read keeps only `accepted` and
// `creating` connections).
bool StillCreating(const Value& state) {
  const Value& status = state.Attr("status");
  return status.is_known() && !status.is_null() && status.AsString() == api::kCreating;
}

bool Interrupted(const cloud::VpcepClient& client) {
  return client.stop() != nullptr && client.stop()->stopped();
}

// Terraform was interrupted (Ctrl-C) after the receive went out. An error
// here would taint the approval, and the next apply would replace it: reject,
// then receive again. So it is recorded as planned, with a warning that says
// what is known; the next refresh reads its real status, and the next apply
// waits for a `creating` connection or, if the receive never landed, plans
// the approval again.
void RecordInterrupted(const Value& planned, const std::string& service_id,
                       const cloud::Connection& last, const std::string& known,
                       core::ApplyResponse& resp) {
  Value state = ConnectionState(planned, service_id, last);
  state = state.WithAttr("status", planned.Attr("status").is_known()
                                       ? planned.Attr("status")
                                       : Value::String(std::string(api::kAccepted)));
  const Value& description = planned.Attr("description");
  if (description.is_known() && !description.is_null()) {
    state = state.WithAttr("description", description);
  }
  resp.new_state = state;
  resp.diags.AddWarning(
      absl::StrCat("Approval of ", service_id, "/", last.id, " interrupted"),
      absl::StrCat(known, " It is recorded in state as planned, so that it is neither lost nor "
                   "sent again: the next plan reads its real status, and the next apply waits "
                   "for it to be accepted (or approves it again if the receive did not land)."),
      {PathStep::Attr("status")});
}

}  // namespace

ConnectionApproval::ConnectionApproval(VpcepProvider& provider)
    : provider_(provider), schema_(ApprovalSchema()) {}

Value ConnectionState(const Value& base, const std::string& service_id,
                      const cloud::Connection& c) {
  Value v = base;
  for (auto& [name, value] : std::initializer_list<std::pair<const char*, Value>>{
           {"service_id", Value::String(service_id)},
           {"endpoint_id", Value::String(c.id)},
           {"id", Value::String(absl::StrCat(service_id, "/", c.id))},
           {"status", Value::String(c.status)},
           {"marker_id", Value::Int(c.marker_id)},
           {"domain_id", Value::String(c.domain_id)},
           {"created_at", Value::String(c.created_at)},
           {"updated_at", Value::String(c.updated_at)},
           {"description", Value::String(c.description)}}) {
    v = v.WithAttr(name, value);
  }
  return v;
}

absl::StatusOr<absl::Duration> ParseTimeout(const Value& timeouts, const char* which) {
  if (timeouts.is_null() || !timeouts.is_known()) return kDefaultTimeout;
  const Value& v = timeouts.Attr(which);
  if (v.is_null() || !v.is_known()) return kDefaultTimeout;
  absl::Duration d;
  // Go's time.ParseDuration syntax ("1h30m", "90s", "500ms") is what users know.
  if (!absl::ParseDuration(v.AsString(), &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", v.AsString(), "\" is not a positive duration such as \"30s\", \"10m\" or \"1h30m\""));
  }
  return d;
}

void ConnectionApproval::ValidateConfig(const Value& config, Diagnostics& diags) const {
  ValidateId(config.Attr("service_id"), "service_id", diags);
  ValidateId(config.Attr("endpoint_id"), "endpoint_id", diags);
  for (const char* which : {"create", "delete"}) {
    absl::StatusOr<absl::Duration> d = ParseTimeout(config.Attr("timeouts"), which);
    if (!d.ok()) {
      diags.AddError("Invalid timeout", std::string(d.status().message()),
                     {PathStep::Attr("timeouts"), PathStep::Attr(which)});
    }
  }
  ValidateDescription(config.Attr("description"), diags);
}

void ConnectionApproval::Plan(const core::PlanRequest& req, core::PlanResponse& resp) {
  core::PlanFromSchema(schema_, req, resp);
  if (req.proposed_new_state.is_null()) return;  // destroy
  if (req.prior_state.is_null()) {
    PlanCreate(req.config, resp);
    return;
  }
  if (!resp.requires_replace.empty()) return;  // re-planned as a create next
  const Value& owner = req.config.Attr("domain_id");
  const Value& actual = req.prior_state.Attr("domain_id");
  if (owner.is_known() && !owner.is_null() && actual.is_known() && !actual.is_null() &&
      owner.AsString() != actual.AsString()) {
    resp.diags.AddError("Endpoint owned by another account",
                        OwnerMismatch(req.prior_state.Attr("endpoint_id").AsString(),
                                      actual.AsString(), owner.AsString()),
                        {PathStep::Attr("domain_id")});
    return;
  }
  if (StillCreating(req.prior_state)) {
    // The receive went out but was not confirmed (an interrupted apply, an
    // import): apply waits for it, and the plan says so.
    resp.planned_state = resp.planned_state.WithAttr("status", Value::String(std::string(api::kAccepted)));
    resp.planned_state = resp.planned_state.WithAttr("updated_at", Value::Unknown(Type::String()));
  }
  if (!req.proposed_new_state.Attr("description").Equals(req.prior_state.Attr("description"))) {
    resp.planned_state = resp.planned_state.WithAttr("updated_at", Value::Unknown(Type::String()));
  }
}

// A new approval: look the connection up so the plan shows whose endpoint is
// let in, and a mistyped id fails now rather than at apply. A lookup that
// fails for a transient reason leaves the values unknown, with a warning.
void ConnectionApproval::PlanCreate(const Value& config, core::PlanResponse& resp) {
  const Value& service = config.Attr("service_id");
  const Value& endpoint = config.Attr("endpoint_id");
  if (!service.is_known() || service.is_null() || !endpoint.is_known() || endpoint.is_null()) {
    return;
  }
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) return;  // configured with values unknown until apply
  const std::string service_id = service.AsString();
  const std::string endpoint_id = endpoint.AsString();
  const cloud::ServiceWatcher& watcher = (*client)->watcher();
  const absl::Time deadline = absl::Now() + kPlanLookupTimeout;
  absl::StatusOr<std::optional<cloud::Connection>> found =
      watcher.Find(service_id, endpoint_id, cloud::Freshness::ForNewApproval(kReadListingMaxAge),
                   deadline);
  if (!found.ok()) {
    if (cloud::IsRetryable(found.status()) ||
        found.status().code() == absl::StatusCode::kDeadlineExceeded) {
      resp.diags.AddWarning(
          "Connection not looked up at plan time",
          absl::StrCat("The API could not be asked about endpoint ", endpoint_id, " of service ",
                       service_id, " (", found.status().message(),
                       "). Its owner and other details will be known after apply."));
      return;
    }
    resp.diags.AddStatus(absl::StrCat("Cannot look up ", service_id, "/", endpoint_id),
                         found.status(), {PathStep::Attr("service_id")});
    return;
  }
  if (!found->has_value()) {
    AddMissingConnectionError(watcher, service_id, endpoint_id, deadline, resp.diags);
    return;
  }
  const cloud::Connection& c = **found;
  const Value& owner = config.Attr("domain_id");
  if (owner.is_known() && !owner.is_null() && owner.AsString() != c.domain_id) {
    resp.diags.AddError("Endpoint owned by another account",
                        OwnerMismatch(endpoint_id, c.domain_id, owner.AsString()),
                        {PathStep::Attr("domain_id")});
    return;
  }
  if (c.status == api::kFailed) {
    resp.diags.AddWarning(absl::StrCat("Connection of endpoint ", endpoint_id, " has failed"),
                          absl::StrCat("Apply will not be able to approve it: ",
                                       cloud::FailureDetails(c)),
                          {PathStep::Attr("endpoint_id")});
  }
  absl::StatusOr<cloud::Service> details = watcher.ServiceDetails(service_id, deadline);
  if (details.ok() && !details->approval_enabled) {
    resp.diags.AddWarning(
        "Service does not require approval",
        absl::StrCat("Service ", service_id, " has approval disabled, so connections are "
                     "accepted automatically. This approval records the connection; "
                     "destroying it still rejects the connection."),
        {PathStep::Attr("service_id")});
  }
  // Facts that cannot change for this connection, and what apply produces.
  Value planned = resp.planned_state;
  planned = planned.WithAttr("id", Value::String(absl::StrCat(service_id, "/", endpoint_id)));
  planned = planned.WithAttr("domain_id", Value::String(c.domain_id));
  planned = planned.WithAttr("marker_id", Value::Int(c.marker_id));
  planned = planned.WithAttr("created_at", Value::String(c.created_at));
  planned = planned.WithAttr("status", Value::String(std::string(api::kAccepted)));
  resp.planned_state = planned;
}

void ConnectionApproval::Read(const core::ReadRequest& req, core::ReadResponse& resp) {
  const Value& state = req.current_state;
  if (state.is_null()) return;
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    resp.diags.AddStatus("Provider not configured", client.status());
    return;
  }
  std::string service_id = state.Attr("service_id").AsString();
  std::string endpoint_id = state.Attr("endpoint_id").AsString();
  absl::StatusOr<std::optional<cloud::Connection>> found =
      (*client)->watcher().Find(service_id, endpoint_id,
                                cloud::Freshness::ForRead(kReadListingMaxAge));
  if (!found.ok()) {
    resp.diags.AddStatus(absl::StrCat("Cannot read approval ", service_id, "/", endpoint_id),
                         found.status());
    return;
  }
  // Anything but accepted (or on its way there) means the approval is gone:
  // a null state makes the next plan create it again.
  if (!found->has_value() ||
      ((*found)->status != api::kAccepted && (*found)->status != api::kCreating)) {
    core::LogInfo("approval no longer in effect; removing from state",
                  {{"service_id", service_id},
                   {"endpoint_id", endpoint_id},
                   {"status", found->has_value() ? (*found)->status : "absent"}});
    resp.new_state = Value::Null(state.type());
    return;
  }
  resp.new_state = ConnectionState(state, service_id, **found);
}

void ConnectionApproval::Apply(const core::ApplyRequest& req, core::ApplyResponse& resp) {
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    resp.diags.AddStatus("Provider not configured", client.status());
    return;
  }
  // Terraform resolves every value before apply; an id still unknown (or a
  // null one) would send a malformed request, so refuse it plainly.
  const Value& target = req.planned_state.is_null() ? req.prior_state : req.planned_state;
  for (const char* attr : {"service_id", "endpoint_id"}) {
    const Value& v = target.Attr(attr);
    if (!v.is_known() || v.is_null() || v.AsString().empty()) {
      resp.diags.AddError(absl::StrCat("Missing ", attr),
                          absl::StrCat(attr, " must be known and non-empty to apply."),
                          {PathStep::Attr(attr)});
    }
  }
  if (resp.diags.HasError()) return;
  if (req.planned_state.is_null()) {
    Delete(**client, req.prior_state, resp);
  } else if (req.prior_state.is_null()) {
    Create(**client, req.planned_state, resp);
  } else {
    Update(**client, req.prior_state, req.planned_state, resp);
  }
}

// In place: waiting for a connection that state shows `creating`, and the
// description; timeouts and reject_on_delete live in state only.
void ConnectionApproval::Update(const cloud::VpcepClient& client, const Value& prior,
                                const Value& planned, core::ApplyResponse& resp) {
  resp.new_state = planned;
  Value current = prior;
  if (StillCreating(prior)) {
    std::string service_id = planned.Attr("service_id").AsString();
    std::string endpoint_id = planned.Attr("endpoint_id").AsString();
    absl::Duration timeout =
        ParseTimeout(planned.Attr("timeouts"), "create").value_or(kDefaultTimeout);
    std::optional<cloud::Connection> last;
    cloud::WaitSpec spec{std::string(api::kAccepted), false, absl::Now() + timeout, timeout, ""};
    absl::StatusOr<std::optional<cloud::Connection>> done =
        client.watcher().Wait(service_id, endpoint_id, spec, last);
    if (!done.ok()) {
      // An update is not tainted on error: the next apply waits again.
      resp.new_state = last.has_value() ? ConnectionState(prior, service_id, *last) : prior;
      resp.diags.AddStatus(absl::StrCat("Approval of ", service_id, "/", endpoint_id,
                                        " did not complete"),
                           done.status(), {PathStep::Attr("status")});
      return;
    }
    current = ConnectionState(prior, service_id, **done);
    resp.new_state = ConnectionState(planned, service_id, **done);
  }
  if (planned.Attr("description").Equals(current.Attr("description"))) return;
  resp.new_state = current;
  SetDescription(client, planned, resp);
}

void ConnectionApproval::Create(const cloud::VpcepClient& client, const Value& planned,
                                core::ApplyResponse& resp) {
  const cloud::ServiceWatcher& watcher = client.watcher();
  std::string service_id = planned.Attr("service_id").AsString();
  std::string endpoint_id = planned.Attr("endpoint_id").AsString();
  std::string what = absl::StrCat(service_id, "/", endpoint_id);
  resp.new_state = Value::Null(planned.type());
  absl::Duration timeout =
      ParseTimeout(planned.Attr("timeouts"), "create").value_or(kDefaultTimeout);
  absl::Time deadline = absl::Now() + timeout;

  absl::StatusOr<std::optional<cloud::Connection>> current = watcher.Find(
      service_id, endpoint_id, cloud::Freshness::ForNewApproval(kReadListingMaxAge), deadline);
  if (!current.ok()) {
    resp.diags.AddStatus(absl::StrCat("Cannot approve ", what), current.status());
    return;
  }
  if (!current->has_value()) {
    resp.diags.AddError(
        absl::StrCat("Cannot approve ", what),
        absl::StrCat("Endpoint ", endpoint_id, " has no connection to service ", service_id,
                     ". Check both ids; the endpoint must request the connection first."),
        {PathStep::Attr("endpoint_id")});
    return;
  }
  if (std::string changed = ChangedSincePlan(planned, **current); !changed.empty()) {
    // Terraform holds the provider to the planned values; and what the
    // reviewer approved is no longer what would be let in.
    resp.diags.AddError(
        absl::StrCat("Connection of endpoint ", endpoint_id, " changed since the plan"),
        absl::StrCat(changed, ". Nothing was sent; plan again to review the new connection."),
        {PathStep::Attr("domain_id")});
    return;
  }
  const std::string& status = (*current)->status;
  if (status == api::kFailed) {
    resp.diags.AddError(absl::StrCat("Cannot approve ", what),
                        absl::StrCat("The connection of endpoint ", endpoint_id,
                                     " has failed: ", cloud::FailureDetails(**current)),
                        {PathStep::Attr("endpoint_id")});
    return;
  }
  std::string receive_request_id;
  if (status == api::kAccepted) {
    // Adopted without a POST (the plan warned if the service accepts
    // everything by itself).
  } else if (status == api::kCreating) {
    // A receive already went out (an earlier apply that was killed, or
    // another client): wait for it instead of sending a second one.
    core::LogInfo("connection already being accepted; waiting without a new receive",
                  {{"service_id", service_id}, {"endpoint_id", endpoint_id}});
  } else {
    // A receive that landed leaves the connection `creating` at once (then
    // `accepted` or `failed`), which a lookup shows.
    const std::initializer_list<absl::string_view> landed_statuses = {
        api::kCreating, api::kAccepted, api::kFailed};
    auto landed = [&] {
      return ShowsStatus(watcher, service_id, endpoint_id, landed_statuses, deadline)
          .value_or(false);
    };
    absl::StatusOr<std::vector<cloud::Connection>> acted =
        client.Act(service_id, api::kReceive, endpoint_id, deadline, landed);
    if (acted.ok() && !acted->empty()) receive_request_id = acted->front().request_id;
    if (!acted.ok() && cloud::IsConnectionGone(acted.status())) {
      // Deleted since the look before it (endpoints come and go on a busy
      // service): nothing was accepted.
      resp.diags.AddError(absl::StrCat("Cannot approve ", what),
                          absl::StrCat("Endpoint ", endpoint_id, " has no connection to service ",
                                       service_id, " any more: ", acted.status().message()),
                          {PathStep::Attr("endpoint_id")});
      return;
    }
    if (!acted.ok() && !cloud::IsAlreadyConnected(acted.status())) {
      std::optional<bool> took_effect = ActionTookEffect(
          watcher, service_id, endpoint_id, acted.status(), landed_statuses, deadline);
      if (took_effect != true) {
        if (!took_effect.has_value() && Interrupted(client)) {
          RecordInterrupted(planned, service_id, **current,
                            absl::StrCat("The receive was sent but its outcome is not known (",
                                         acted.status().message(), ")."),
                            resp);
          return;
        }
        if (!took_effect.has_value()) {
          // The receive may have taken effect and nothing could confirm
          // either way: keep tracking it (the error taints it) rather than
          // risk an accepted connection that state does not know.
          resp.new_state = ConnectionState(planned, service_id, **current);
        }
        resp.diags.AddStatus(absl::StrCat("Cannot approve ", what), acted.status());
        return;
      }
    }
  }
  std::optional<cloud::Connection> last = *current;
  cloud::WaitSpec spec{std::string(api::kAccepted), false, deadline, timeout,
                       receive_request_id};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      watcher.Wait(service_id, endpoint_id, spec, last);
  if (!done.ok() && Interrupted(client) && last.has_value() &&
      (last->status == api::kCreating || last->status == api::kPendingAcceptance)) {
    RecordInterrupted(planned, service_id, *last,
                      last->status == api::kCreating
                          ? "The receive was sent; the connection was last seen `creating`."
                          : "The receive was sent; no listing has shown the connection since.",
                      resp);
    return;
  }
  if (!done.ok()) {
    // The receive went out: keep the approval in state with the last status
    // seen (Terraform marks it tainted), so an acceptance completing later is
    // never left untracked.
    if (last.has_value()) resp.new_state = ConnectionState(planned, service_id, *last);
    resp.diags.AddStatus(absl::StrCat("Approval of ", what, " did not complete"), done.status());
    return;
  }
  resp.new_state = ConnectionState(planned, service_id, **done);
  const Value& description = planned.Attr("description");
  if (description.is_known() && !description.is_null() &&
      description.AsString() != (*done)->description) {
    SetDescription(client, planned, resp);
  }
}

void ConnectionApproval::SetDescription(const cloud::VpcepClient& client, const Value& planned,
                                        core::ApplyResponse& resp) {
  std::string service_id = planned.Attr("service_id").AsString();
  std::string endpoint_id = planned.Attr("endpoint_id").AsString();
  absl::StatusOr<std::vector<cloud::Connection>> updated =
      client.UpdateDescription(service_id, endpoint_id, planned.Attr("description").AsString());
  if (!updated.ok()) {
    resp.diags.AddStatus(absl::StrCat("Cannot set the description of ", service_id, "/",
                                      endpoint_id),
                         updated.status(), {PathStep::Attr("description")});
    return;
  }
  absl::StatusOr<std::optional<cloud::Connection>> found =
      client.watcher().Find(service_id, endpoint_id);
  if (found.ok() && found->has_value()) {
    resp.new_state = ConnectionState(planned, service_id, **found);
  } else if (found.ok()) {
    resp.diags.AddError("Connection vanished after its description was set",
                        absl::StrCat("Endpoint ", endpoint_id, " is no longer connected to "
                                     "service ", service_id, "."));
  } else {
    // Written but not read back: state keeps what it had, so the next plan
    // proposes the change again instead of recording an unconfirmed value.
    resp.diags.AddStatus(absl::StrCat("Cannot read back ", service_id, "/", endpoint_id),
                         found.status());
  }
}

void ConnectionApproval::Delete(const cloud::VpcepClient& client, const Value& prior,
                                core::ApplyResponse& resp) {
  const cloud::ServiceWatcher& watcher = client.watcher();
  std::string service_id = prior.Attr("service_id").AsString();
  std::string endpoint_id = prior.Attr("endpoint_id").AsString();
  std::string what = absl::StrCat(service_id, "/", endpoint_id);
  resp.new_state = prior;  // kept until the reject is confirmed
  const Value& reject = prior.Attr("reject_on_delete");
  if (reject.is_known() && !reject.is_null() && !reject.AsBool()) {
    core::LogInfo("reject_on_delete is false: leaving the connection as it is",
                  {{"service_id", service_id}, {"endpoint_id", endpoint_id}});
    resp.new_state = Value::Null(prior.type());
    return;
  }

  absl::Duration timeout =
      ParseTimeout(prior.Attr("timeouts"), "delete").value_or(kDefaultTimeout);
  absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<std::vector<cloud::Connection>> acted =
      client.Act(service_id, api::kReject, endpoint_id, deadline);
  if (!acted.ok()) {
    if (cloud::IsConnectionGone(acted.status()) || cloud::IsServiceGone(acted.status())) {
      resp.new_state = Value::Null(prior.type());  // already gone: nothing to reject
      return;
    }
    if (ActionTookEffect(watcher, service_id, endpoint_id, acted.status(), {api::kRejected},
                         deadline) != true) {
      resp.diags.AddStatus(absl::StrCat("Cannot reject ", what), acted.status());
      return;
    }
  }
  std::optional<cloud::Connection> last;
  cloud::WaitSpec spec{std::string(api::kRejected), true, deadline, timeout, ""};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      watcher.Wait(service_id, endpoint_id, spec, last);
  if (!done.ok()) {
    resp.diags.AddStatus(absl::StrCat("Rejection of ", what, " did not complete"),
                         done.status());
    return;
  }
  resp.new_state = Value::Null(prior.type());
}

void ConnectionApproval::Import(const core::ImportRequest& req, core::ImportResponse& resp) {
  std::vector<std::string> parts = absl::StrSplit(req.id, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
    resp.diags.AddError("Invalid import id",
                        absl::StrCat("Expected \"<service_id>/<endpoint_id>\", got \"", req.id,
                                     "\"."));
    return;
  }
  ValidateId(Value::String(parts[0]), "service_id", resp.diags);
  ValidateId(Value::String(parts[1]), "endpoint_id", resp.diags);
  if (resp.diags.HasError()) return;
  // Look it up now, so a wrong id is named here rather than reported by
  // Terraform as a missing object without saying which.
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (client.ok()) {
    const absl::Time deadline = absl::Now() + kPlanLookupTimeout;
    absl::StatusOr<std::optional<cloud::Connection>> found =
        (*client)->watcher().Find(parts[0], parts[1], {}, deadline);
    if (found.ok() && !found->has_value()) {
      AddMissingConnectionError((*client)->watcher(), parts[0], parts[1], deadline, resp.diags);
      return;
    }
    // Read would drop such a connection, and Terraform would then call it
    // non-existent: say what it is instead.
    if (found.ok() && (*found)->status != api::kAccepted && (*found)->status != api::kCreating) {
      resp.diags.AddError(
          absl::StrCat("Cannot import ", req.id),
          absl::StrCat("The connection of endpoint ", parts[1], " to service ", parts[0], " is ",
                       (*found)->status, ", not accepted; only an accepted connection can be "
                       "imported. To approve it, leave it out of the import: the plan then "
                       "shows it as a new approval."));
      return;
    }
    if (!found.ok() && !cloud::IsRetryable(found.status())) {
      resp.diags.AddStatus(absl::StrCat("Cannot import ", req.id), found.status());
      return;
    }
  }
  Type type = core::ImpliedType(schema_.block);
  resp.state = Value::ObjectOf(type, {{"service_id", Value::String(parts[0])},
                                      {"endpoint_id", Value::String(parts[1])},
                                      {"id", Value::String(req.id)}});
}

}  // namespace vpcep::resources
