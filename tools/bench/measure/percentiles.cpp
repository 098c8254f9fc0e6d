#include "tools/bench/measure/percentiles.hpp"

#include <algorithm>
#include <cmath>

namespace mmids::bench {

double nearest_rank(const std::vector<double>& sorted, double percent) {
  const auto rank = static_cast<size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Distribution distribution_of(std::vector<double> values) {
  Distribution result;
  if (values.empty()) return result;
  std::sort(values.begin(), values.end());
  result.count = values.size();
  result.min = values.front();
  result.p50 = nearest_rank(values, 50);
  result.p90 = nearest_rank(values, 90);
  result.p99 = nearest_rank(values, 99);
  result.max = values.back();
  return result;
}

}  // namespace mmids::bench
