#pragma once
// HlsSegmenter: one live stream's HLS, in memory. Media notifications go through the TS
// muxer into segments cut at video keyframes once the target duration is reached (an
// audio-only stream is cut on time at any frame); a sliding window of the newest segments
// is kept as immutable shared buffers, and the media playlist is rendered from it. A
// stream that replaces another (NewStream after one) is marked as a discontinuity; a
// stream waits for its first keyframe. Optionally Low-Latency HLS: segments are built
// from parts, and HTTP requests can wait for a part or segment (blocking reload).
//
// Pure and single-threaded: the caller (the HTTP layer, on the stream's thread) feeds
// it, asks it, and posts the ready callbacks wherever its sockets live.
#include "mmids-core/containers/hls_playlist.hpp"
#include "mmids-core/containers/hls_reload_waiters.hpp"
#include "mmids-core/containers/hls_segment.hpp"
#include "mmids-core/containers/ts_muxer.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace mmids::containers {

struct HlsLowLatencyOptions {
  std::chrono::milliseconds part_target{200};
};

struct HlsSegmenterOptions {
  std::chrono::milliseconds target_duration{1000};
  size_t window_segments = 6;
  // A segment growing past this (a GOP far too long for the bitrate) is closed at once
  // and the stream resumes at the next keyframe: memory stays bounded by the window.
  size_t max_segment_bytes = 32 * 1024 * 1024;
  std::optional<HlsLowLatencyOptions> low_latency{};  // off unless set
  size_t max_waiters = 10000;
  HlsNaming naming{};
};

class HlsSegmenter {
 public:
  using Segments = std::vector<std::shared_ptr<const HlsSegment>>;

  explicit HlsSegmenter(HlsSegmenterOptions options = {});

  // Feeds one notification of the stream. Returns what the muxer made of a payload, so
  // the caller can log an unsupported codec (once) or malformed input.
  MuxResult push(const media::MediaNotification& notification);

  // The stream has ended for good (not a restart): the open segment is closed and the
  // playlist gets EXT-X-ENDLIST. A later NewStream reopens it, after a discontinuity.
  void finish();

  // The playlist text, rendered once per change and shared with every request.
  [[nodiscard]] std::shared_ptr<const std::string> playlist() const;

  // Lookups by sequence number: nullptr / nullopt when not (or no longer) available.
  [[nodiscard]] std::shared_ptr<const HlsSegment> segment(uint64_t sequence) const;
  // A part of a segment in the window or of the open segment (low latency).
  [[nodiscard]] std::optional<HlsPart> part(uint64_t sequence, size_t index) const;

  [[nodiscard]] const Segments& segments() const { return window_; }
  [[nodiscard]] uint64_t next_sequence() const { return next_sequence_; }  // the open segment's
  [[nodiscard]] bool ended() const { return ended_; }
  [[nodiscard]] uint32_t target_duration_seconds() const;

  // Blocking playlist reload (`_HLS_msn` and optional `_HLS_part`).
  enum class Reload { Ready, Pending, TooFarAhead };  // TooFarAhead: answer 400
  [[nodiscard]] Reload reload_state(uint64_t msn, std::optional<size_t> part = std::nullopt) const;
  // Calls `ready` once, from inside push() or finish(), when reload_state(msn, part) is
  // Ready; at once (returning 0) when it already is. The id cancels it (request gone).
  HlsReloadWaiters::Id wait_for(uint64_t msn, std::optional<size_t> part, HlsReloadWaiters::Ready ready);
  void cancel_wait(HlsReloadWaiters::Id id) { waiters_.cancel(id); }

 private:
  struct OpenSegment {
    uint64_t sequence = 0;
    int64_t start_ms = 0;
    bool discontinuity = false;
    std::vector<HlsPart> parts;  // finished parts
    size_t parts_bytes = 0;
    int64_t part_start_ms = 0;
    bool part_independent = false;
  };

  // Unwraps the 32-bit RTMP clock into a 64-bit one for durations.
  class StreamClock {
   public:
    int64_t unwrap(uint32_t timestamp_ms);
    void reset() { last_.reset(); }

   private:
    std::optional<std::pair<uint32_t, int64_t>> last_;
  };

  MuxResult push_payload(const media::MediaPayload& payload);
  void start_stream(media::StreamId id);
  void end_stream();
  void note_frame(const media::MediaPayload& payload, int64_t at_ms);
  void open_segment(int64_t at_ms, bool independent);
  void close_part(int64_t at_ms, bool next_independent);
  void close_segment(int64_t end_ms);
  [[nodiscard]] int64_t stream_end_ms() const;
  [[nodiscard]] bool available(uint64_t msn, std::optional<size_t> part) const;
  // State changed: the playlist is rendered again on demand, waiters are checked by settle().
  void changed();
  // Called last by every public mutator, when the state is whole again: tells waiters.
  void settle();

  HlsSegmenterOptions options_;
  TsMuxer muxer_;
  std::optional<media::StreamId> stream_;
  StreamClock clock_;
  std::optional<OpenSegment> open_;
  std::vector<uint8_t> buffer_;  // TS packets of the part being written
  Segments window_;
  uint64_t next_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  bool any_discontinuity_ = false;
  bool next_discontinuity_ = false;  // the next segment opened starts a new stream
  bool ended_ = false;
  uint32_t max_duration_ms_ = 0;
  std::optional<int64_t> latest_ms_;  // the newest frame's time in the stream
  int64_t frame_gap_ms_ = 0;          // between the last two frames that cut segments
  std::optional<int64_t> last_cutting_frame_ms_;
  HlsReloadWaiters waiters_;
  bool waiters_due_ = false;
  mutable std::shared_ptr<const std::string> playlist_;  // cache, reset by changed()
};

}  // namespace mmids::containers
