#include "mmids-core/workflows/stream_cache.hpp"

namespace mmids::workflows {

void StreamCache::record(const media::MediaNotification& notification) {
  if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) {
    if (!payload->is_sequence_header) return;  // the hot path: one branch
    auto it = streams_.find(payload->id);
    if (it == streams_.end()) return;
    (payload->is_video() ? it->second.video_sequence_header : it->second.audio_sequence_header) = *payload;
  } else if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    streams_[started->id] = Stream{started->name, {}, {}, {}};
  } else if (const auto* ended = std::get_if<media::StreamDisconnected>(&notification)) {
    streams_.erase(ended->id);
  } else if (const auto* metadata = std::get_if<media::StreamMetadata>(&notification)) {
    auto it = streams_.find(metadata->id);
    if (it != streams_.end()) it->second.metadata = *metadata;
  }
}

void StreamCache::replay(const std::function<void(const media::MediaNotification&)>& sink) const {
  // Copy first: the sink may run steps that change this cache.
  const auto streams = streams_;
  for (const auto& [id, stream] : streams) {
    sink(media::NewStream{id, stream.name});
    if (stream.metadata) sink(*stream.metadata);
    if (stream.video_sequence_header) sink(*stream.video_sequence_header);
    if (stream.audio_sequence_header) sink(*stream.audio_sequence_header);
  }
}

void StreamCache::disconnect_all(const std::function<void(const media::MediaNotification&)>& sink) const {
  std::vector<media::StreamId> ids;
  for (const auto& [id, stream] : streams_) ids.push_back(id);
  for (auto id : ids) sink(media::StreamDisconnected{id});
}

}  // namespace mmids::workflows
