#pragma once
// StreamEntry: one stream the node receives, from the moment its source goes live (a
// publisher approved, a pull started) until it ends. Its source holds it and feeds the
// probe every tag; the book reads it when asked. Ending it (end(), or destruction) makes
// it disappear from the books, and so from the API, the metrics' labels and the reports.
#include "mmids-core/activity/rate_meter.hpp"
#include "mmids-core/activity/stream_probe.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace mmids::activity {

class NodeActivity;

struct StreamInfo {
  std::string name;         // the stream key (what viewers play)
  std::string source_kind;  // "rtmp" (a publisher) or "pull"
  std::string source;       // the publisher's address:port, or the pull's location
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
};

class StreamEntry {
  // First: the rate meters below start at info_.since.
  std::weak_ptr<NodeActivity> book_;
  StreamInfo info_;

 public:
  StreamEntry(std::weak_ptr<NodeActivity> book, StreamInfo info);
  ~StreamEntry();
  StreamEntry(const StreamEntry&) = delete;
  StreamEntry& operator=(const StreamEntry&) = delete;

  StreamProbe probe;  // the source's to feed

  [[nodiscard]] const StreamInfo& info() const { return info_; }
  void end();

  // The book's, brought up to date when it takes a snapshot.
  RateMeter bitrate{info_.since};  // bytes per second of the probe
  RateMeter frame_rate{info_.since};

 private:
  bool ended_ = false;
};

}  // namespace mmids::activity
