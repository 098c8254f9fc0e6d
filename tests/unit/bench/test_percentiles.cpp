// Percentiles (nearest rank) and the log-linear histogram of mmids-bench.
#include "tools/bench/measure/histogram.hpp"
#include "tools/bench/measure/percentiles.hpp"

#include <catch2/catch.hpp>

using namespace mmids::bench;

TEST_CASE("bench percentiles are nearest-rank values that occurred", "[bench][percentiles]") {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);  // unsorted on purpose
  auto d = distribution_of(values);
  CHECK(d.count == 100);
  CHECK(d.min == 1);
  CHECK(d.p50 == 50);
  CHECK(d.p90 == 90);
  CHECK(d.p99 == 99);
  CHECK(d.max == 100);

  auto three = distribution_of({10, 30, 20});
  CHECK(three.p50 == 20);  // rank ceil(1.5) = 2
  CHECK(three.p90 == 30);
  CHECK(three.p99 == 30);

  auto one = distribution_of({7});
  CHECK(one.p50 == 7);
  CHECK(one.p99 == 7);
  CHECK(distribution_of({}).count == 0);
}

TEST_CASE("bench histogram buckets are exact below 64 and within 1/64 above", "[bench][percentiles]") {
  for (uint64_t v = 0; v < 64; ++v) {
    CHECK(Histogram::bucket_of(v) == v);
    CHECK(Histogram::bucket_upper_bound(v) == v);
  }
  for (uint64_t v : {64ULL, 65ULL, 127ULL, 128ULL, 1000ULL, 123456789ULL, 1ULL << 40, ~0ULL}) {
    const auto bucket = Histogram::bucket_of(v);
    const auto upper = Histogram::bucket_upper_bound(bucket);
    CHECK(upper >= v);
    CHECK(static_cast<double>(upper - v) <= static_cast<double>(v) / 64.0);
    if (bucket > 0) CHECK(Histogram::bucket_upper_bound(bucket - 1) < v);
  }
}

TEST_CASE("bench histogram percentiles, min, max and merge", "[bench][percentiles]") {
  Histogram h;
  CHECK(h.percentile(50) == 0);
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);  // 1 us .. 1 ms in ns
  CHECK(h.count() == 1000);
  CHECK(h.min() == 1000);
  CHECK(h.max() == 1000000);
  const auto p50 = h.percentile(50);
  CHECK(p50 >= 500000);
  CHECK(p50 <= 500000 + 500000 / 64);
  CHECK(h.percentile(100) == 1000000);

  Histogram other;
  other.record(5000000);
  h.merge(other);
  CHECK(h.count() == 1001);
  CHECK(h.max() == 5000000);
  auto d = h.distribution(1e6);
  CHECK(d.max == Approx(5.0));
  CHECK(d.min == Approx(0.001));
}
