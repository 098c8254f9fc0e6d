#pragma once
// Histogram: counts of values too many to keep one by one (every frame's latency, every
// lookup request's time), in fixed memory and without allocating per value. Buckets are
// log-linear: exact below 64, then 64 buckets per power of two, so a percentile read from
// it is within 1/64 (1.6 %) above the true value. min and max are exact.
#include "tools/bench/measure/percentiles.hpp"

#include <cstdint>
#include <vector>

namespace mmids::bench {

class Histogram {
 public:
  Histogram();

  void record(uint64_t value);
  void merge(const Histogram& other);

  [[nodiscard]] uint64_t count() const { return count_; }
  [[nodiscard]] uint64_t min() const { return count_ ? min_ : 0; }
  [[nodiscard]] uint64_t max() const { return max_; }
  // The upper bound of the bucket holding nearest rank `percent` (0..100], never above
  // max(); 0 when empty.
  [[nodiscard]] uint64_t percentile(double percent) const;
  // The distribution with every value divided by `unit` (1e6: nanoseconds as milliseconds).
  [[nodiscard]] Distribution distribution(double unit) const;

  // Bucket arithmetic, public for the tests.
  [[nodiscard]] static size_t bucket_of(uint64_t value);
  [[nodiscard]] static uint64_t bucket_upper_bound(size_t bucket);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace mmids::bench
