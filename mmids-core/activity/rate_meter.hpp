#pragma once
// RateMeter: a per-second rate of an ever-growing count (bytes, frames), computed when it
// is read rather than on every increment: the count is a plain integer its owner bumps,
// and a reader (a scrape, a report) brings the meter up to date. A window shorter than
// kMinWindow keeps the previous rate, so readers close together do not see noise.
#include <chrono>
#include <cstdint>

namespace mmids::activity {

class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kMinWindow{1000};

  explicit RateMeter(Clock::time_point start = Clock::now()) : last_at_(start) {}

  // The rate of `total` over the window since the previous update, per second.
  double update(uint64_t total, Clock::time_point now) {
    const auto window = now - last_at_;
    if (window < kMinWindow) return rate_;
    const double seconds = std::chrono::duration<double>(window).count();
    rate_ = total >= last_total_ ? static_cast<double>(total - last_total_) / seconds : 0;
    last_total_ = total;
    last_at_ = now;
    return rate_;
  }
  [[nodiscard]] double rate() const { return rate_; }

 private:
  uint64_t last_total_ = 0;
  Clock::time_point last_at_;
  double rate_ = 0;
};

}  // namespace mmids::activity
