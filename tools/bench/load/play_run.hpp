#pragma once
// `mmids-bench play`: N players of one URL (or of URLs made from a {n} template), started
// at once or at a ramp, for a duration; the summary of tools/bench/measure/play_summary.
#include "mmids-core/rtmp/client/rtmp_url.hpp"
#include "tools/bench/load/fleet.hpp"
#include "tools/bench/measure/report.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace mmids::bench {

struct PlayOptions {
  std::string url;                 // as given, for the summary
  std::vector<rtmp::RtmpUrl> urls;  // one per player
  FleetOptions fleet;              // fleet.clients == urls.size()
  std::chrono::milliseconds timeout{10000};  // until Play.Start, and media silence
};

[[nodiscard]] Json run_play(const PlayOptions& options);

}  // namespace mmids::bench
