#pragma once
// lookup-server: the latest report of every node and 15 minutes of per-stream history
// (viewers, bitrate), in memory and bounded: at most max_nodes nodes (a new node beyond
// that is refused), kMaxHistoryStreams streams of history, one sample per stream every
// kSampleSpacing. A node that has not reported for kForgetAfter is forgotten.
//
// A stream's viewers are the sum of what the playback nodes report for it; when no
// playback node reports it (a single node, or viewers on the ingestion node itself), the
// ingestion nodes' counts. Its bitrate is what its ingestion node reports receiving.
#include "lookup-server/node_report.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>

namespace mmids::lookup {

class NodeReports {
 public:
  using UnixClock = std::function<int64_t()>;  // unix milliseconds
  static constexpr std::chrono::minutes kHistory{15};
  static constexpr std::chrono::minutes kForgetAfter{15};
  static constexpr std::chrono::seconds kSampleSpacing{2};
  static constexpr std::size_t kMaxHistoryStreams = 10000;

  explicit NodeReports(std::size_t max_nodes, UnixClock clock = {});

  // Keeps report as the latest of the node at address. Refused when max_nodes other
  // nodes are kept.
  Status record(const std::string& address, NodeReport report);

  // GET /nodes: {"nodes": [{"address", "name", "role", "interval_seconds",
  //   "last_report_seconds_ago", "stale", "streams", "viewers"}]}. Stale: no report for
  // three intervals.
  [[nodiscard]] nlohmann::json nodes_json() const;
  // What the nodes said about one stream, for GET /streams: {"ingestion": {...},
  // "viewers", "viewers_by_node": [{"node", "name", "viewers", "viewers_by_protocol"}]}, or
  // null when no node reported it.
  [[nodiscard]] nlohmann::json stream_json(const std::string& stream, const std::string& ingestion_address) const;
  // GET /stream_history: {"window_seconds": 900, "now_ms", "streams": {"cam1": [[unix_ms, viewers, bps], ...]}}
  [[nodiscard]] nlohmann::json history_json() const;
  [[nodiscard]] int64_t total_viewers() const;
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Kept {
    NodeReport report;
    int64_t received_ms = 0;
  };
  struct Sample {
    int64_t at_ms;
    int64_t viewers;
    double bitrate;
  };
  [[nodiscard]] int64_t viewers_of(const std::string& stream) const;
  [[nodiscard]] double bitrate_of(const std::string& stream) const;
  void sample(const std::string& stream, int64_t now);
  void forget_old(int64_t now);

  std::size_t max_nodes_;
  UnixClock clock_;
  std::map<std::string, Kept> nodes_;  // by source address
  std::map<std::string, std::deque<Sample>> history_;
};

}  // namespace mmids::lookup
