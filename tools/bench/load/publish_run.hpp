#pragma once
// `mmids-bench publish`: N publishers of the generated stream (or of an FLV file, looped),
// each on its own key when the URL holds {n}; the summary of
// tools/bench/measure/publisher_record.
#include "mmids-core/rtmp/client/rtmp_url.hpp"
#include "tools/bench/load/fleet.hpp"
#include "tools/bench/measure/report.hpp"
#include "tools/bench/stream/generated_stream.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace mmids::bench {

struct PublishOptions {
  std::string url;
  std::vector<rtmp::RtmpUrl> urls;  // one per publisher
  FleetOptions fleet;
  GeneratedStreamOptions generated;
  std::string file;  // an FLV file instead of the generated stream
  std::chrono::milliseconds timeout{10000};  // until Publish.Start
};

// An error when the stream cannot be made (bad generated options, unreadable file).
[[nodiscard]] Result<Json> run_publish(const PublishOptions& options);

}  // namespace mmids::bench
