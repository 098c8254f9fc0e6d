#pragma once
// What every viewer's ViewerSink::send makes of a notification, whatever its protocol:
// NewStream re-bases the viewer's clock (TimestampContinuity) and makes its queue wait for
// a keyframe; metadata and payloads become queue entries of their kind, timestamps kept
// continuous; StreamDisconnected is nothing (the viewer stays for the stream's return).
#include "mmids-core/endpoint/timestamp_continuity.hpp"
#include "mmids-core/endpoint/viewer_queue.hpp"

#include <optional>

namespace mmids::endpoint {

// The entry to push for `notification`, if any (NewStream is applied here).
[[nodiscard]] std::optional<QueuedMessage> viewer_entry(const media::MediaNotification& notification,
                                                        TimestampContinuity& timestamps, ViewerQueue& queue);

}  // namespace mmids::endpoint
