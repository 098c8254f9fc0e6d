#include "mmids-core/containers/hls_reload_waiters.hpp"

#include <algorithm>

namespace mmids::containers {

HlsReloadWaiters::Id HlsReloadWaiters::add(uint64_t msn, std::optional<size_t> part, Ready ready,
                                           const IsAvailable& is_available) {
  if (is_available(msn, part) || waiters_.size() >= max_waiters_) {
    if (ready) ready();
    return 0;
  }
  const Id id = next_id_++;
  waiters_.push_back(Waiter{id, msn, part, std::move(ready)});
  return id;
}

void HlsReloadWaiters::cancel(Id id) {
  std::erase_if(waiters_, [id](const Waiter& waiter) { return waiter.id == id; });
}

void HlsReloadWaiters::notify(const IsAvailable& is_available, bool everyone) {
  std::vector<Ready> due;
  std::erase_if(waiters_, [&](Waiter& waiter) {
    if (!everyone && !is_available(waiter.msn, waiter.part)) return false;
    due.push_back(std::move(waiter.ready));
    return true;
  });
  for (auto& ready : due) {
    if (ready) ready();
  }
}

}  // namespace mmids::containers
