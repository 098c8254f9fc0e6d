#pragma once
// LookupTally: what `mmids-bench lookup` counts per connection (merged at the end): every
// answer's time by HTTP status, and transport failures by cause. Only requests completed
// inside the measured window count.
#include "tools/bench/measure/histogram.hpp"
#include "tools/bench/measure/player_record.hpp"
#include "tools/bench/measure/process_sample.hpp"
#include "tools/bench/measure/report.hpp"

#include <map>
#include <string>

namespace mmids::bench {

struct LookupTally {
  std::map<unsigned, Histogram> latency_ns_by_status;
  std::map<std::string, uint64_t> errors;

  void on_answer(unsigned status, Clock::duration took);
  void on_error(const std::string& cause) { ++errors[cause]; }
  void merge(const LookupTally& other);
};

struct LookupRunFacts {
  std::string url;
  std::string route;  // "watcher_lookup" or "publisher_lookup"
  size_t connections = 0;
  size_t streams = 0;
  double duration_s = 0;
  double window_s = 0;
};

[[nodiscard]] Json summarize_lookup(const LookupTally& tally, const LookupRunFacts& facts, const ServerWatch& servers);

// `mmids-bench idle`: connections that were opened and never sent a byte.
struct IdleRunFacts {
  std::string address;
  size_t connections = 0;
  double duration_s = 0;
};
[[nodiscard]] Json summarize_idle(size_t opened, const std::map<std::string, uint64_t>& failures,
                                  const IdleRunFacts& facts, const ServerWatch& servers);

}  // namespace mmids::bench
