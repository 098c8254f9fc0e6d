#pragma once
// HlsReloadWaiters: HTTP requests parked until a playlist holds what they asked for
// (Low-Latency HLS blocking reload, `_HLS_msn=M&_HLS_part=P`, and the preload-hinted
// part). The segmenter says when its state changes; each waiter whose request is then
// satisfied is told once and forgotten. Bounded: past `max_waiters`, a new request is
// told at once (it gets the current playlist) instead of being parked.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mmids::containers {

class HlsReloadWaiters {
 public:
  using Id = uint64_t;
  using Ready = std::function<void()>;
  // Whether segment `msn` (and, if given, its part `part`) is available now.
  using IsAvailable = std::function<bool(uint64_t msn, std::optional<size_t> part)>;

  explicit HlsReloadWaiters(size_t max_waiters = 10000) : max_waiters_(max_waiters) {}

  // Parks `ready` until `is_available(msn, part)`; 0 when it was called at once instead.
  Id add(uint64_t msn, std::optional<size_t> part, Ready ready, const IsAvailable& is_available);
  void cancel(Id id);

  // Tells (and forgets) every waiter whose request is available, or all with `everyone`.
  // Callbacks run after the list is updated, so they may add or cancel waiters.
  void notify(const IsAvailable& is_available, bool everyone = false);

  [[nodiscard]] size_t size() const { return waiters_.size(); }

 private:
  struct Waiter {
    Id id;
    uint64_t msn;
    std::optional<size_t> part;
    Ready ready;
  };

  size_t max_waiters_;
  std::vector<Waiter> waiters_;
  Id next_id_ = 1;
};

}  // namespace mmids::containers
