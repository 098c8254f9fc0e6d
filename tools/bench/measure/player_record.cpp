#include "tools/bench/measure/player_record.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "tools/bench/stream/latency_stamp.hpp"

namespace mmids::bench {

const char* first_video_name(FirstVideo first) {
  switch (first) {
    case FirstVideo::SequenceHeader: return "sequence_header";
    case FirstVideo::Keyframe: return "keyframe";
    case FirstVideo::Interframe: return "interframe";
    case FirstVideo::None: break;
  }
  return "none";
}

void PlayerRecord::on_gap_until(Clock::time_point now) {
  if (!last_media) return;
  const auto gap = now - *last_media;
  if (gap > kStallGap) ++stalls;
  if (gap > longest_gap) longest_gap = gap;
}

void PlayerRecord::on_media(media::MediaKind kind, std::span<const uint8_t> body, Clock::time_point now,
                            const MeasureWindow& window, Histogram* latency_ns) {
  on_gap_until(now);
  last_media = now;
  media_bytes += body.size();
  const bool in_window = window.contains(now);
  if (in_window) window_bytes += body.size();
  if (kind == media::MediaKind::Audio) {
    ++audio_frames;
    return;
  }
  ++video_frames;
  if (!to_first_keyframe) {
    const auto facts = media::inspect_video_tag(body);
    const bool keyframe = facts.is_keyframe && !facts.is_sequence_header;
    if (first_video == FirstVideo::None) {
      first_video = facts.is_sequence_header ? FirstVideo::SequenceHeader
                    : keyframe               ? FirstVideo::Keyframe
                                             : FirstVideo::Interframe;
      to_first_video = now - connect_start;
    }
    if (keyframe) to_first_keyframe = now - connect_start;
  }
  if (latency_ns && in_window) {
    if (auto sent = read_latency_stamp(body)) {
      const auto arrived = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
      latency_ns->record(arrived > *sent ? arrived - *sent : 0);
    }
  }
}

void PlayerRecord::on_failure(std::string reason, Clock::time_point now) {
  on_gap_until(now);
  failure = std::move(reason);
}

void PlayerRecord::on_finish(Clock::time_point now) { on_gap_until(now); }

}  // namespace mmids::bench
