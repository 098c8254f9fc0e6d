#include "tools/bench/measure/play_summary.hpp"

#include "tools/bench/measure/failure_cause.hpp"

#include <algorithm>
#include <map>

namespace mmids::bench {
namespace {

constexpr double kNanosPerMilli = 1e6;

double milliseconds(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

Distribution times(const std::vector<PlayerRecord>& records, std::optional<Clock::duration> PlayerRecord::*field) {
  std::vector<double> values;
  for (const auto& record : records) {
    if (record.*field) values.push_back(milliseconds(*(record.*field)));
  }
  return distribution_of(std::move(values));
}

Json per_player(const std::vector<PlayerRecord>& records) {
  auto result = Json::array();
  auto ms = [](const std::optional<Clock::duration>& d) { return d ? Json(milliseconds(*d)) : Json(nullptr); };
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    Json entry{{"index", i},
               {"play_start_ms", ms(r.to_play_start)},
               {"first_video", first_video_name(r.first_video)},
               {"first_video_ms", ms(r.to_first_video)},
               {"first_keyframe_ms", ms(r.to_first_keyframe)},
               {"bytes", r.media_bytes},
               {"window_bytes", r.window_bytes},
               {"video_frames", r.video_frames},
               {"audio_frames", r.audio_frames},
               {"stalls", r.stalls},
               {"longest_gap_ms", milliseconds(r.longest_gap)}};
    if (!r.failure.empty()) entry["failure"] = r.failure;
    result.push_back(std::move(entry));
  }
  return result;
}

}  // namespace

Json summarize_play(const std::vector<PlayerRecord>& records, const Histogram& latency_ns, const PlayRunFacts& facts,
                    const ServerWatch& servers) {
  std::map<std::string, uint64_t> failures;
  std::map<std::string, uint64_t> first_video;
  std::vector<double> window_bytes;
  uint64_t bytes = 0, total_window_bytes = 0, video = 0, audio = 0, stalls = 0, stalled_players = 0;
  size_t playing = 0;
  size_t attached = 0;  // still playing when the servers were sampled
  Clock::duration longest_gap{};
  for (const auto& record : records) {
    if (!record.failure.empty()) ++failures[failure_cause(record.failure, record.playing())];
    ++first_video[first_video_name(record.first_video)];
    bytes += record.media_bytes;
    total_window_bytes += record.window_bytes;
    video += record.video_frames;
    audio += record.audio_frames;
    stalls += record.stalls;
    if (record.stalls > 0) ++stalled_players;
    longest_gap = std::max(longest_gap, record.longest_gap);
    if (record.playing()) {
      ++playing;
      if (record.failure.empty()) ++attached;
      window_bytes.push_back(static_cast<double>(record.window_bytes));
    }
  }
  std::vector<double> player_mbps;
  size_t full_rate = 0;
  if (!window_bytes.empty()) {
    const double median = distribution_of(window_bytes).p50;
    for (double b : window_bytes) {
      if (b >= kFullRateShare * median) ++full_rate;
      if (facts.window_s > 0) player_mbps.push_back(b * 8 / facts.window_s / 1e6);
    }
  }
  const double window_bits = static_cast<double>(total_window_bytes) * 8;
  size_t failed = 0;
  for (const auto& [cause, count] : failures) failed += count;

  Json summary{{"mode", "play"},
               {"url", facts.url},
               {"players", records.size()},
               {"threads", facts.threads},
               {"ramp_per_second", facts.ramp_per_second},
               {"duration_s", facts.duration_s},
               {"window_s", facts.window_s},
               {"playing", playing},
               {"failed", failed},
               {"failures", to_json(failures)},
               {"first_video", to_json(first_video)},
               {"time_to_play_start_ms", to_json(times(records, &PlayerRecord::to_play_start))},
               {"time_to_first_video_ms", to_json(times(records, &PlayerRecord::to_first_video))},
               {"time_to_first_keyframe_ms", to_json(times(records, &PlayerRecord::to_first_keyframe))},
               {"delivered_mbps", facts.window_s > 0 ? window_bits / facts.window_s / 1e6 : 0.0},
               {"per_player_mbps", to_json(distribution_of(player_mbps))},
               {"full_rate_players", full_rate},
               {"bytes", bytes},
               {"window_bytes", total_window_bytes},
               {"frames", {{"video", video}, {"audio", audio}}},
               {"stalls", {{"count", stalls}, {"players", stalled_players}, {"longest_gap_ms", milliseconds(longest_gap)}}}};
  if (latency_ns.count() > 0) summary["latency_ms"] = to_json(latency_ns.distribution(kNanosPerMilli));
  if (!servers.empty()) summary["servers"] = servers.to_json(window_bits, attached);
  summary["per_player"] = per_player(records);
  return summary;
}

}  // namespace mmids::bench
