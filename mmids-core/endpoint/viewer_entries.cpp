#include "mmids-core/endpoint/viewer_entries.hpp"

namespace mmids::endpoint {

std::optional<QueuedMessage> viewer_entry(const media::MediaNotification& notification, TimestampContinuity& timestamps,
                                          ViewerQueue& queue) {
  if (std::holds_alternative<media::NewStream>(notification)) {
    timestamps.new_stream();
    queue.wait_for_keyframe();
    return std::nullopt;
  }
  if (const auto* metadata = std::get_if<media::StreamMetadata>(&notification)) {
    return QueuedMessage{QueuedKind::Metadata, media::MediaKind::Video, 0, metadata->amf0};
  }
  const auto* payload = std::get_if<media::MediaPayload>(&notification);
  if (!payload) return std::nullopt;
  const QueuedKind kind = payload->is_sequence_header ? QueuedKind::SequenceHeader
                          : !payload->is_video()      ? QueuedKind::Audio
                          : payload->is_keyframe      ? QueuedKind::VideoKeyframe
                                                      : QueuedKind::VideoFrame;
  return QueuedMessage{kind, payload->kind, timestamps.apply(payload->timestamp_ms), payload->data};
}

}  // namespace mmids::endpoint
