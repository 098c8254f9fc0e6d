#include "tools/bench/measure/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mmids::bench {
namespace {

constexpr int kSubBucketBits = 6;
constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // 64
// Values below 64 are exact; each power of two from 2^6 to 2^63 has 64 buckets.
constexpr size_t kBucketCount = kSubBuckets + (64 - kSubBucketBits) * kSubBuckets;

}  // namespace

Histogram::Histogram() : counts_(kBucketCount, 0) {}

size_t Histogram::bucket_of(uint64_t value) {
  if (value < kSubBuckets) return static_cast<size_t>(value);
  const int magnitude = std::bit_width(value) - 1;  // >= 6
  const int shift = magnitude - kSubBucketBits;
  const uint64_t top = value >> shift;  // 64..127
  return static_cast<size_t>(kSubBuckets + static_cast<uint64_t>(shift) * kSubBuckets + (top - kSubBuckets));
}

uint64_t Histogram::bucket_upper_bound(size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const uint64_t shift = (bucket - kSubBuckets) / kSubBuckets;
  const uint64_t top = kSubBuckets + (bucket - kSubBuckets) % kSubBuckets;
  const uint64_t lower = top << shift;
  return lower + ((uint64_t{1} << shift) - 1);
}

void Histogram::record(uint64_t value) {
  ++counts_[bucket_of(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::percentile(double percent) const {
  if (count_ == 0) return 0;
  const auto rank = std::clamp<uint64_t>(
      static_cast<uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_))), 1, count_);
  uint64_t seen = 0;
  for (size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) return std::min(bucket_upper_bound(bucket), max_);
  }
  return max_;
}

Distribution Histogram::distribution(double unit) const {
  Distribution result;
  result.count = count_;
  if (count_ == 0) return result;
  result.min = static_cast<double>(min()) / unit;
  result.p50 = static_cast<double>(percentile(50)) / unit;
  result.p90 = static_cast<double>(percentile(90)) / unit;
  result.p99 = static_cast<double>(percentile(99)) / unit;
  result.max = static_cast<double>(max_) / unit;
  return result;
}

}  // namespace mmids::bench
