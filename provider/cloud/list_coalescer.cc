#include "provider/cloud/list_coalescer.h"

#include "provider/cloud/client.h"

namespace vpcep::cloud {

struct ListCoalescer::Flight {
  bool needs_leader = false;  // promoted to running; one waiter must fetch
  bool done = false;
  Listing result = absl::UnknownError("not fetched");
};

ListCoalescer::Listing ListCoalescer::List(const std::string& service_id) {
  absl::MutexLock lock(&mu_);
  Slot& slot = slots_[service_id];
  std::shared_ptr<Flight> mine;
  if (!slot.running) {
    slot.running = mine = std::make_shared<Flight>();
  } else {
    if (!slot.next) slot.next = std::make_shared<Flight>();
    mine = slot.next;
    auto ready = [&mine]() { return mine->done || mine->needs_leader; };
    mu_.Await(absl::Condition(&ready));
    if (mine->done) return mine->result;
    mine->needs_leader = false;  // this caller fetches for the whole flight
  }

  ++fetches_;
  mu_.Unlock();
  Listing result = fetch_(service_id);
  mu_.Lock();
  mine->result = std::move(result);
  mine->done = true;
  // Hand over to the callers who arrived during this fetch.
  slot.running = std::move(slot.next);
  if (slot.running) slot.running->needs_leader = true;
  return mine->result;
}

int64_t ListCoalescer::fetches() const {
  absl::MutexLock lock(&mu_);
  return fetches_;
}

}  // namespace vpcep::cloud
