#pragma once
// ViewerQueue: the bounded queue between a stream's fan-out and one viewer's socket,
// with the slow-viewer policy (SPEC.md section 6):
//  - a viewer starts on a video keyframe: inter frames before the first one are dropped;
//  - past the byte bound, media is dropped and video waits for the next keyframe that
//    fits, so the picture resumes cleanly instead of smearing;
//  - a viewer that stays behind longer than `max_behind` is to be disconnected.
// Markers, metadata and sequence headers are never dropped (they are small and a decoder
// cannot do without them). Entries hold references to shared payloads; how an entry goes
// on the wire is the viewer's protocol's business.
#include "mmids-core/media/notification.hpp"

#include <boost/circular_buffer.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace mmids::endpoint {

// Control: a marker with no media (the stream ended, say), delivered in order.
enum class QueuedKind : uint8_t { Control, Metadata, SequenceHeader, VideoKeyframe, VideoFrame, Audio };

struct QueuedMessage {
  QueuedKind kind = QueuedKind::Control;
  media::MediaKind media_kind = media::MediaKind::Video;
  uint32_t timestamp = 0;
  media::SharedBuffer payload;  // the tag body, or the AMF0 metadata
};

class ViewerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    size_t max_bytes = 4 * 1024 * 1024;           // about 10 s of a 3 Mbit/s stream
    std::chrono::milliseconds max_behind{10000};  // dropping for longer -> disconnect
  };
  enum class Verdict { Queued, Dropped, Disconnect };

  explicit ViewerQueue(Limits limits) : limits_(limits) {}
  ViewerQueue() : ViewerQueue(Limits{}) {}

  Verdict push(QueuedMessage entry, Clock::time_point now);
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] size_t bytes() const { return bytes_; }
  [[nodiscard]] size_t size() const { return entries_.size(); }
  QueuedMessage pop();
  // The next stream for this viewer starts: wait for its keyframe again.
  void wait_for_keyframe() { waiting_for_keyframe_ = true; }

  [[nodiscard]] uint64_t dropped() const { return dropped_; }
  // Whether a verdict was the slow-viewer policy at work (not a new viewer's wait for its
  // first keyframe): what the node counts as frames dropped for a viewer that cannot keep up.
  [[nodiscard]] bool dropped_behind(Verdict verdict) const { return verdict != Verdict::Queued && behind(); }
  [[nodiscard]] bool behind() const { return behind_since_.has_value(); }

 private:
  Verdict drop(Clock::time_point now);

  Limits limits_;
  // A ring that doubles when full and keeps its storage: pushes and pops of the steady
  // state allocate nothing (a deque allocates a block every few entries, per viewer).
  static constexpr size_t kInitialCapacity = 16;
  static constexpr size_t kKeptCapacity = 64;  // beyond it, an emptied queue shrinks back
  boost::circular_buffer<QueuedMessage> entries_;
  size_t bytes_ = 0;
  bool waiting_for_keyframe_ = true;
  std::optional<Clock::time_point> behind_since_;
  uint64_t dropped_ = 0;
};

}  // namespace mmids::endpoint
