#include "mmids-core/endpoint/viewer_accounting.hpp"

namespace mmids::endpoint {

ViewerQueue::Verdict ViewerAccounting::push(ViewerQueue& queue, QueuedMessage entry, ViewerQueue::Clock::time_point now) {
  const auto kind = entry.kind;
  const auto verdict = queue.push(std::move(entry), now);
  if (queue.dropped_behind(verdict)) client_->counters.add_dropped();
  if (verdict == ViewerQueue::Verdict::Disconnect) client_->counters.set_too_slow();
  if (!keyframe_seen_ && verdict == ViewerQueue::Verdict::Queued && kind == QueuedKind::VideoKeyframe) {
    keyframe_seen_ = true;
    client_->first_keyframe_after(now - playing_since_);
  }
  return verdict;
}

std::string too_slow_reason(const ViewerQueue& queue) {
  return "viewer too slow: stayed behind its " + std::to_string(queue.bytes()) + " byte queue, " +
         std::to_string(queue.dropped()) + " packets dropped";
}

}  // namespace mmids::endpoint
