#include "lookup-server/node_reports.hpp"

#include <algorithm>
#include <set>

namespace mmids::lookup {

namespace {

using nlohmann::json;

int64_t system_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const StreamReport* find_stream(const NodeReport& report, const std::string& name) {
  for (const auto& stream : report.streams) {
    if (stream.name == name) return &stream;
  }
  return nullptr;
}

json stream_facts(const StreamReport& stream) {
  return {{"source", stream.source},
          {"video", {{"codec", stream.video_codec}, {"width", stream.width}, {"height", stream.height}, {"fps", stream.fps}}},
          {"audio", {{"codec", stream.audio_codec}}},
          {"bitrate_in_bps", stream.bitrate_in_bps},
          {"uptime_seconds", stream.uptime_seconds}};
}

}  // namespace

NodeReports::NodeReports(std::size_t max_nodes, UnixClock clock)
    : max_nodes_(max_nodes), clock_(clock ? std::move(clock) : UnixClock(&system_unix_ms)) {}

Status NodeReports::record(const std::string& address, NodeReport report) {
  const int64_t now = clock_();
  forget_old(now);
  auto it = nodes_.find(address);
  if (it == nodes_.end() && nodes_.size() >= max_nodes_) {
    return Error("already keeping the reports of " + std::to_string(max_nodes_) + " nodes (max_nodes)");
  }
  // Streams this node reported before or now: their totals change.
  std::set<std::string> touched;
  if (it != nodes_.end()) {
    for (const auto& stream : it->second.report.streams) touched.insert(stream.name);
  }
  for (const auto& stream : report.streams) touched.insert(stream.name);
  nodes_[address] = Kept{std::move(report), now};
  for (const auto& stream : touched) sample(stream, now);
  return {};
}

void NodeReports::forget_old(int64_t now) {
  const int64_t forget_ms = std::chrono::milliseconds(kForgetAfter).count();
  std::erase_if(nodes_, [&](const auto& item) { return now - item.second.received_ms > forget_ms; });
  const int64_t window_ms = std::chrono::milliseconds(kHistory).count();
  for (auto it = history_.begin(); it != history_.end();) {
    auto& samples = it->second;
    while (!samples.empty() && now - samples.front().at_ms > window_ms) samples.pop_front();
    it = samples.empty() ? history_.erase(it) : std::next(it);
  }
}

int64_t NodeReports::viewers_of(const std::string& stream) const {
  int64_t playback = 0, ingestion = 0;
  bool any_playback = false;
  for (const auto& [address, kept] : nodes_) {
    const auto* reported = find_stream(kept.report, stream);
    if (!reported) continue;
    if (kept.report.role == "playback") {
      any_playback = true;
      playback += reported->viewers;
    } else {
      ingestion += reported->viewers;
    }
  }
  return any_playback ? playback : ingestion;
}

double NodeReports::bitrate_of(const std::string& stream) const {
  double bitrate = 0;
  for (const auto& [address, kept] : nodes_) {
    if (kept.report.role != "ingestion") continue;
    if (const auto* reported = find_stream(kept.report, stream)) bitrate = std::max(bitrate, reported->bitrate_in_bps);
  }
  return bitrate;
}

void NodeReports::sample(const std::string& stream, int64_t now) {
  auto it = history_.find(stream);
  if (it == history_.end()) {
    if (history_.size() >= kMaxHistoryStreams) {
      // Make room by dropping the stream that was sampled longest ago.
      auto oldest = std::min_element(history_.begin(), history_.end(), [](const auto& a, const auto& b) {
        return a.second.back().at_ms < b.second.back().at_ms;
      });
      history_.erase(oldest);
    }
    it = history_.emplace(stream, std::deque<Sample>{}).first;
  }
  Sample next{now, viewers_of(stream), bitrate_of(stream)};
  auto& samples = it->second;
  if (!samples.empty() && now - samples.back().at_ms < std::chrono::milliseconds(kSampleSpacing).count()) {
    samples.back().viewers = next.viewers;  // within one spacing: the newest numbers win
    samples.back().bitrate = next.bitrate;
    return;
  }
  samples.push_back(next);
}

json NodeReports::nodes_json() const {
  const int64_t now = clock_();
  json list = json::array();
  for (const auto& [address, kept] : nodes_) {
    int64_t viewers = 0;
    for (const auto& stream : kept.report.streams) viewers += stream.viewers;
    const double ago = static_cast<double>(now - kept.received_ms) / 1000.0;
    list.push_back({{"address", address},
                    {"name", kept.report.name.empty() ? address : kept.report.name},
                    {"role", kept.report.role},
                    {"interval_seconds", kept.report.interval_seconds},
                    {"last_report_seconds_ago", ago},
                    {"stale", ago > 3.0 * static_cast<double>(kept.report.interval_seconds)},
                    {"streams", kept.report.streams.size()},
                    {"viewers", viewers}});
  }
  return {{"nodes", std::move(list)}};
}

json NodeReports::stream_json(const std::string& stream, const std::string& ingestion_address) const {
  json ingestion;
  json by_node = json::array();
  for (const auto& [address, kept] : nodes_) {
    const auto* reported = find_stream(kept.report, stream);
    if (!reported) continue;
    if (kept.report.role == "ingestion") {
      // The recorded ingestion node's own report wins over any other ingestion node's.
      if (ingestion.is_null() || address == ingestion_address) ingestion = stream_facts(*reported);
    } else {
      by_node.push_back({{"node", address},
                         {"name", kept.report.name.empty() ? address : kept.report.name},
                         {"viewers", reported->viewers},
                         {"viewers_by_protocol", reported->viewers_by_protocol}});
    }
  }
  if (ingestion.is_null() && by_node.empty()) return nullptr;
  return {{"ingestion", ingestion}, {"viewers", viewers_of(stream)}, {"viewers_by_node", std::move(by_node)}};
}

json NodeReports::history_json() const {
  json streams = json::object();
  for (const auto& [stream, samples] : history_) {
    json points = json::array();
    for (const auto& sample : samples) points.push_back({sample.at_ms, sample.viewers, sample.bitrate});
    streams[stream] = std::move(points);
  }
  return {{"window_seconds", std::chrono::seconds(kHistory).count()}, {"now_ms", clock_()}, {"streams", std::move(streams)}};
}

int64_t NodeReports::total_viewers() const {
  std::set<std::string> streams;
  for (const auto& [address, kept] : nodes_) {
    for (const auto& stream : kept.report.streams) streams.insert(stream.name);
  }
  int64_t total = 0;
  for (const auto& stream : streams) total += viewers_of(stream);
  return total;
}

}  // namespace mmids::lookup
