#include "mmids-core/endpoint/viewer_queue.hpp"

#include <algorithm>

namespace mmids::endpoint {

ViewerQueue::Verdict ViewerQueue::push(QueuedMessage entry, Clock::time_point now) {
  const size_t size = entry.payload.size();
  switch (entry.kind) {
    case QueuedKind::Control:
    case QueuedKind::Metadata:
    case QueuedKind::SequenceHeader:
      break;  // always delivered
    case QueuedKind::VideoKeyframe:
      if (bytes_ + size > limits_.max_bytes) return drop(now);
      waiting_for_keyframe_ = false;
      behind_since_.reset();  // caught up: a clean picture resumes here
      break;
    case QueuedKind::VideoFrame:
      if (waiting_for_keyframe_) {
        if (behind_since_) return drop(now);  // still behind: the clock keeps running
        ++dropped_;                           // a fresh viewer waiting for its first keyframe
        return Verdict::Dropped;
      }
      if (bytes_ + size > limits_.max_bytes) {
        waiting_for_keyframe_ = true;
        return drop(now);
      }
      break;
    case QueuedKind::Audio:
      if (bytes_ + size > limits_.max_bytes) return drop(now);
      break;
  }
  bytes_ += size;
  if (entries_.full()) entries_.set_capacity(std::max<size_t>(kInitialCapacity, entries_.capacity() * 2));
  entries_.push_back(std::move(entry));
  return Verdict::Queued;
}

ViewerQueue::Verdict ViewerQueue::drop(Clock::time_point now) {
  ++dropped_;
  if (!behind_since_) behind_since_ = now;
  return now - *behind_since_ > limits_.max_behind ? Verdict::Disconnect : Verdict::Dropped;
}

QueuedMessage ViewerQueue::pop() {
  QueuedMessage entry = std::move(entries_.front());
  entries_.pop_front();
  bytes_ -= entry.payload.size();
  // Drained after a burst (the GOP replay at join holds a whole GOP): give the room back, or
  // every viewer keeps its join's high-water mark while it needs a few entries per batch.
  if (entries_.empty() && entries_.capacity() > kKeptCapacity) entries_.set_capacity(kInitialCapacity);
  return entry;
}

}  // namespace mmids::endpoint
