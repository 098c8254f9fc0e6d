#pragma once
// lookup-server: what a node reports (POST /node_report) every interval_seconds, so the
// cluster dashboard can show streams, codecs, bitrates and viewers without reaching the
// nodes' own loopback-only APIs. The body (lookup-server/README.md "Node reports"):
//
//   {"node": "ingest-1", "role": "ingestion" | "playback", "interval_seconds": 10,
//    "streams": [{"name": "cam1", "source": "rtmp",
//                 "video": {"codec": "h264", "width": 1280, "height": 720, "fps": 30},
//                 "audio": {"codec": "aac"},
//                 "bitrate_in_bps": 2500000, "uptime_seconds": 61,
//                 "viewers": 3, "viewers_by_protocol": {"rtmp": 2, "flv": 1, "hls": 0}}]}
//
// Every member but "role" and "streams" is optional. Text is bounded and printable;
// numbers are finite and not negative; at most kMaxStreamsPerReport streams.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup {

inline constexpr std::size_t kMaxStreamsPerReport = 1000;
inline constexpr std::size_t kMaxReportText = 128;

struct StreamReport {
  std::string name;    // a valid stream name
  std::string source;  // "rtmp", "pull", ...
  std::string video_codec;
  int64_t width = 0, height = 0;
  double fps = 0;
  std::string audio_codec;
  double bitrate_in_bps = 0;
  double uptime_seconds = 0;
  int64_t viewers = 0;
  std::map<std::string, int64_t> viewers_by_protocol;
};

struct NodeReport {
  std::string name;  // "node"; "" = the node is shown by its address
  std::string role;  // "ingestion" or "playback"
  int64_t interval_seconds = 10;
  std::vector<StreamReport> streams;
};

// The error is safe to echo: it names members, never quotes the input.
[[nodiscard]] Result<NodeReport> parse_node_report(std::string_view body);

}  // namespace mmids::lookup
