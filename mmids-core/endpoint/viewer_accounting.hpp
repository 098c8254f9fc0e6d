#pragma once
// ViewerAccounting: what one viewer's queue verdicts mean for its entry in the node's book
// (activity/), the same for RTMP and HTTP-FLV viewers: media the slow-viewer policy dropped,
// the wait for its first keyframe, and a disconnect for staying behind. Counted as plain
// integers where the verdict is made, on the viewer's io thread.
#include "mmids-core/activity/client_entry.hpp"
#include "mmids-core/endpoint/viewer_queue.hpp"

#include <memory>
#include <string>

namespace mmids::endpoint {

class ViewerAccounting {
 public:
  explicit ViewerAccounting(std::shared_ptr<activity::ClientEntry> client) : client_(std::move(client)) {}

  // It starts playing now: the wait for its first keyframe runs from here.
  void playing(ViewerQueue::Clock::time_point now) { playing_since_ = now; }
  // Pushes entry into the viewer's queue and counts what the verdict means.
  ViewerQueue::Verdict push(ViewerQueue& queue, QueuedMessage entry, ViewerQueue::Clock::time_point now);

  [[nodiscard]] activity::ClientEntry& client() { return *client_; }

 private:
  std::shared_ptr<activity::ClientEntry> client_;
  ViewerQueue::Clock::time_point playing_since_ = ViewerQueue::Clock::now();
  bool keyframe_seen_ = false;  // its time to first keyframe is told
};

// Why a viewer the slow-viewer policy gave up on is closed (its log line).
[[nodiscard]] std::string too_slow_reason(const ViewerQueue& queue);

}  // namespace mmids::endpoint
