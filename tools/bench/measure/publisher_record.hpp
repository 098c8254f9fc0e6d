#pragma once
// PublisherRecord: what one mmids-bench publisher did, and the summary of a publish run.
// A publisher sends each tag when the clock reaches its timestamp; when the server does
// not take the bytes as fast (its socket's send buffer full), they wait in the
// publisher's queue: max_backlog_bytes is the worst that queue got, a server keeping up
// keeps it near zero.
#include "tools/bench/measure/player_record.hpp"
#include "tools/bench/measure/process_sample.hpp"
#include "tools/bench/measure/report.hpp"

#include <string>
#include <vector>

namespace mmids::bench {

struct PublisherRecord {
  Clock::time_point connect_start{};
  std::optional<Clock::duration> to_publish_start;
  uint64_t bytes = 0;         // tag bodies sent
  uint64_t window_bytes = 0;  // of those, inside the window
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  size_t max_backlog_bytes = 0;
  std::string failure;  // why the connection ended before the run did; empty if it did not

  void on_connect(Clock::time_point now) { connect_start = now; }
  void on_publish_start(Clock::time_point now) { to_publish_start = now - connect_start; }
  void on_sent(media::MediaKind kind, size_t body_bytes, size_t backlog_bytes, Clock::time_point now,
               const MeasureWindow& window);
  [[nodiscard]] bool publishing() const { return to_publish_start.has_value(); }
};

struct PublishRunFacts {
  std::string url;
  std::string stream;  // "generated 500 kbps, GOP 1 s, 30 fps" or the file
  double duration_s = 0;
  double window_s = 0;
  double ramp_per_second = 0;
  size_t threads = 1;
};

[[nodiscard]] Json summarize_publish(const std::vector<PublisherRecord>& records, const PublishRunFacts& facts,
                                     const ServerWatch& servers);

}  // namespace mmids::bench
