#pragma once
// Percentiles of a run's figures. Nearest rank: the p-th percentile of n sorted values is
// the value at rank ceil(p/100 * n), so every figure reported is one that occurred (no
// interpolation between two players' times).
#include <cstddef>
#include <vector>

namespace mmids::bench {

struct Distribution {
  size_t count = 0;
  double min = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

// The value of nearest rank `percent` (0..100] in `sorted` (ascending, not empty).
[[nodiscard]] double nearest_rank(const std::vector<double>& sorted, double percent);
// All zero for no values.
[[nodiscard]] Distribution distribution_of(std::vector<double> values);

}  // namespace mmids::bench
