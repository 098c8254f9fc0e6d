#pragma once
// The summary of `mmids-bench play`: from every player's record, the run's figures.
//
// Delivered bitrate counts media tag bodies (what a server relays; chunk headers and
// control messages aside) inside the measured window. A player is at full rate when its
// window bytes reach kFullRateShare of the median player's: the median, not the
// publisher's nominal rate, so the figure also holds for a --file stream of any bitrate.
#include "tools/bench/measure/player_record.hpp"
#include "tools/bench/measure/process_sample.hpp"
#include "tools/bench/measure/report.hpp"

#include <string>
#include <vector>

namespace mmids::bench {

inline constexpr double kFullRateShare = 0.95;

struct PlayRunFacts {
  std::string url;        // as given (a template with {n} for several streams)
  double duration_s = 0;  // from the first connect to the end
  double window_s = 0;    // the measured window's length
  double ramp_per_second = 0;  // 0: all at once
  size_t threads = 1;
};

[[nodiscard]] Json summarize_play(const std::vector<PlayerRecord>& records, const Histogram& latency_ns,
                                  const PlayRunFacts& facts, const ServerWatch& servers);

}  // namespace mmids::bench
