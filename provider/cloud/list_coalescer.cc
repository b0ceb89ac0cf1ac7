#include "provider/cloud/list_coalescer.h"

#include "provider/cloud/client.h"

namespace vpcep::cloud {

struct ListCoalescer::Flight {
  bool needs_leader = false;  // promoted to running; one waiter must fetch
  bool done = false;
  absl::Time started = absl::InfinitePast();  // set by the caller that fetches
  uint64_t generation = 0;
  Listing result = absl::UnknownError("not fetched");
};

bool ListCoalescer::Reusable(const Slot& slot, const Flight& flight, absl::Time now,
                             absl::Duration max_age) const {
  return max_age > absl::ZeroDuration() && flight.generation == slot.generation &&
         now - flight.started <= max_age;
}

ListCoalescer::Listing ListCoalescer::List(const std::string& service_id,
                                           absl::Duration max_age) {
  std::unique_lock<std::mutex> lock(mu_);
  Slot& slot = slots_[service_id];
  const absl::Time now = clock_();
  if (slot.last && Reusable(slot, *slot.last, now, max_age)) return slot.last->result;

  std::shared_ptr<Flight> mine;
  if (!slot.running) {
    slot.running = mine = std::make_shared<Flight>();
  } else if (Reusable(slot, *slot.running, now, max_age)) {
    // A read may share the listing already under way.
    std::shared_ptr<Flight> running = slot.running;
    ++waiting_;
    changed_.wait(lock, [&running] { return running->done; });
    --waiting_;
    return running->result;
  } else {
    if (!slot.next) slot.next = std::make_shared<Flight>();
    mine = slot.next;
    ++waiting_;
    changed_.wait(lock, [&mine] { return mine->done || mine->needs_leader; });
    --waiting_;
    if (mine->done) return mine->result;
    mine->needs_leader = false;  // this caller fetches for the whole flight
  }

  ++fetches_;
  mine->started = clock_();
  mine->generation = slot.generation;
  lock.unlock();
  Fetched fetched = fetch_(service_id);
  Listing result = fetched.ok()
                       ? Listing(std::make_shared<const std::vector<Connection>>(*std::move(fetched)))
                       : Listing(fetched.status());
  lock.lock();
  mine->result = std::move(result);
  mine->done = true;
  if (mine->result.ok()) slot.last = mine;
  // Hand over to the callers who arrived during this fetch.
  slot.running = std::move(slot.next);
  if (slot.running) slot.running->needs_leader = true;
  changed_.notify_all();
  return mine->result;
}

void ListCoalescer::Invalidate(const std::string& service_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot& slot = slots_[service_id];
  ++slot.generation;
  slot.last.reset();
}

int ListCoalescer::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

int64_t ListCoalescer::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace vpcep::cloud
