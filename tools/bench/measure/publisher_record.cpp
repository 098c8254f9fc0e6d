#include "tools/bench/measure/publisher_record.hpp"

#include "tools/bench/measure/failure_cause.hpp"

#include <algorithm>
#include <map>

namespace mmids::bench {

void PublisherRecord::on_sent(media::MediaKind kind, size_t body_bytes, size_t backlog_bytes, Clock::time_point now,
                              const MeasureWindow& window) {
  bytes += body_bytes;
  if (window.contains(now)) window_bytes += body_bytes;
  ++(kind == media::MediaKind::Video ? video_frames : audio_frames);
  max_backlog_bytes = std::max(max_backlog_bytes, backlog_bytes);
}

Json summarize_publish(const std::vector<PublisherRecord>& records, const PublishRunFacts& facts,
                       const ServerWatch& servers) {
  std::map<std::string, uint64_t> failures;
  std::vector<double> start_ms;
  std::vector<double> backlog;
  uint64_t bytes = 0, window_bytes = 0, video = 0, audio = 0;
  size_t publishing = 0, attached = 0, failed = 0;
  for (const auto& record : records) {
    if (!record.failure.empty()) {
      ++failed;
      ++failures[failure_cause(record.failure, record.publishing())];
    }
    if (record.publishing()) {
      ++publishing;
      if (record.failure.empty()) ++attached;
      start_ms.push_back(std::chrono::duration<double, std::milli>(*record.to_publish_start).count());
      backlog.push_back(static_cast<double>(record.max_backlog_bytes) / 1024);
    }
    bytes += record.bytes;
    window_bytes += record.window_bytes;
    video += record.video_frames;
    audio += record.audio_frames;
  }
  const double window_bits = static_cast<double>(window_bytes) * 8;
  Json summary{{"mode", "publish"},
               {"url", facts.url},
               {"stream", facts.stream},
               {"publishers", records.size()},
               {"threads", facts.threads},
               {"ramp_per_second", facts.ramp_per_second},
               {"duration_s", facts.duration_s},
               {"window_s", facts.window_s},
               {"publishing", publishing},
               {"failed", failed},
               {"failures", to_json(failures)},
               {"time_to_publish_start_ms", to_json(distribution_of(start_ms))},
               {"sent_mbps", facts.window_s > 0 ? window_bits / facts.window_s / 1e6 : 0.0},
               {"bytes", bytes},
               {"window_bytes", window_bytes},
               {"frames", {{"video", video}, {"audio", audio}}},
               {"max_backlog_kib", to_json(distribution_of(backlog))}};
  if (!servers.empty()) summary["servers"] = servers.to_json(window_bits, attached);
  return summary;
}

}  // namespace mmids::bench
