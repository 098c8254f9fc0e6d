#pragma once
// PlayerRecord: what one mmids-bench player saw, kept up to date packet by packet (a few
// comparisons and additions; the tag is inspected only until the first keyframe, the
// latency stamp only inside the measured window). The I/O lives in tools/bench/load;
// this is the arithmetic, testable without sockets.
//
// Definitions the summaries rely on:
//  - every "time to" is measured from the player's connect start;
//  - the first video message is classified as a sequence header, a keyframe or an
//    interframe; the first keyframe is the first video message that is a keyframe and not
//    a sequence header (an AVC sequence header is flagged as a keyframe by FLV);
//  - a stall is a gap longer than kStallGap between two media messages, or between the
//    last one and the end of the run;
//  - window bytes and latency samples count only inside the measured window.
#include "mmids-core/media/notification.hpp"
#include "tools/bench/measure/histogram.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>

namespace mmids::bench {

using Clock = std::chrono::steady_clock;
inline constexpr Clock::duration kStallGap = std::chrono::seconds(1);

struct MeasureWindow {
  Clock::time_point start = Clock::time_point::min();
  Clock::time_point end = Clock::time_point::max();
  [[nodiscard]] bool contains(Clock::time_point t) const { return t >= start && t < end; }
};

enum class FirstVideo : uint8_t { None, SequenceHeader, Keyframe, Interframe };
[[nodiscard]] const char* first_video_name(FirstVideo first);

struct PlayerRecord {
  Clock::time_point connect_start{};
  std::optional<Clock::duration> to_play_start;
  std::optional<Clock::duration> to_first_video;
  std::optional<Clock::duration> to_first_keyframe;
  FirstVideo first_video = FirstVideo::None;
  uint64_t media_bytes = 0;   // audio + video tag bodies
  uint64_t window_bytes = 0;  // of those, inside the window
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  uint32_t stalls = 0;
  Clock::duration longest_gap{};
  std::optional<Clock::time_point> last_media;
  std::string failure;  // why the connection ended before the run did; empty if it did not

  void on_connect(Clock::time_point now) { connect_start = now; }
  void on_play_start(Clock::time_point now) { to_play_start = now - connect_start; }
  // `latency`: where the stamped frames' latencies go (null: not measured).
  void on_media(media::MediaKind kind, std::span<const uint8_t> body, Clock::time_point now,
                const MeasureWindow& window, Histogram* latency_ns);
  void on_failure(std::string reason, Clock::time_point now);
  // The run ends with this player still connected.
  void on_finish(Clock::time_point now);

  [[nodiscard]] bool playing() const { return to_play_start.has_value(); }

 private:
  void on_gap_until(Clock::time_point now);
};

}  // namespace mmids::bench
