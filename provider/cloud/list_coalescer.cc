#include "provider/cloud/list_coalescer.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "provider/cloud/client.h"

namespace vpcep::cloud {

struct ListCoalescer::Flight {
  bool needs_leader = false;  // promoted to running; one waiter must fetch
  int waiters = 0;            // callers waiting for this flight as `next`
  bool done = false;
  absl::Time started = absl::InfinitePast();  // set by the caller that fetches
  uint64_t generation = 0;
  Listing result = absl::UnknownError("not fetched");
};

bool ListCoalescer::Usable(const Slot& slot, const Flight& flight, absl::Time not_before,
                           bool unchanged_since) const {
  return flight.started >= not_before && (!unchanged_since || flight.generation == slot.generation);
}

template <typename Pred>
bool ListCoalescer::WaitUntil(std::unique_lock<std::mutex>& lock, absl::Time deadline,
                              Pred ready) {
  if (deadline == absl::InfiniteFuture()) {
    changed_.wait(lock, ready);
    return true;
  }
  return changed_.wait_until(lock, absl::ToChronoTime(deadline), ready);
}

ListCoalescer::Listing ListCoalescer::List(const std::string& service_id, absl::Time not_before,
                                           bool unchanged_since, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  Slot& slot = slots_[service_id];
  if (slot.last && Usable(slot, *slot.last, not_before, unchanged_since)) {
    return slot.last->result;
  }
  const absl::Status too_late =
      absl::DeadlineExceededError("no listing of the service in time: the API is slow to answer");
  std::shared_ptr<Flight> mine;
  if (!slot.running) {
    mine = slot.running = std::make_shared<Flight>();
    mine->started = clock_();
    mine->generation = slot.generation;
  } else if (Usable(slot, *slot.running, not_before, unchanged_since)) {
    std::shared_ptr<Flight> running = slot.running;
    ++waiting_;
    bool done = WaitUntil(lock, deadline, [&running] { return running->done; });
    --waiting_;
    return done ? running->result : Listing(too_late);
  } else {
    if (!slot.next) slot.next = std::make_shared<Flight>();
    mine = slot.next;
    ++waiting_;
    ++mine->waiters;
    WaitUntil(lock, deadline, [&mine] { return mine->done || mine->needs_leader; });
    --waiting_;
    --mine->waiters;
    if (mine->done) return mine->result;
    if (!mine->needs_leader) {
      // Gave up before its turn. A flight nobody waits for any more must
      // not be promoted later: it would have no one to fetch for it.
      if (mine->waiters == 0 && slot.next == mine) slot.next.reset();
      return too_late;
    }
    // Promoted, even if late: this caller fetches for the whole flight
    // (with its deadline past, the fetch fails at once).
    mine->needs_leader = false;
  }
  Lead(service_id, slot, mine, deadline, lock);
  return mine->result;
}

void ListCoalescer::Lead(const std::string& service_id, Slot& slot,
                         const std::shared_ptr<Flight>& flight, absl::Time deadline,
                         std::unique_lock<std::mutex>& lock) {
  ++fetches_;
  const absl::Time started = flight->started;
  lock.unlock();
  Listing result = absl::UnknownError("listing not finished");
  try {
    Fetched fetched = fetch_(service_id, deadline);
    if (fetched.ok()) {
      fetched->started = started;
      result = std::make_shared<const Snapshot>(*std::move(fetched));
    } else {
      result = fetched.status();
    }
  } catch (const std::exception& e) {
    result = absl::InternalError(absl::StrCat("listing failed: ", e.what()));
  }
  lock.lock();
  flight->result = std::move(result);
  flight->done = true;
  if (flight->result.ok()) slot.last = flight;
  // Hand over to the callers who arrived during this fetch.
  slot.running = std::move(slot.next);
  if (slot.running) {
    slot.running->needs_leader = true;
    slot.running->started = clock_();
    slot.running->generation = slot.generation;
  }
  changed_.notify_all();
}

void ListCoalescer::Invalidate(const std::string& service_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ++slots_[service_id].generation;
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
