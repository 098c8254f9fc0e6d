#pragma once
// What a decoder needs to join a stream mid-way, per stream: its name, metadata and
// sequence headers. Each step's output keeps one so a step added later (by an update,
// or a forwarder target that starts later) can be replayed into the flow.
#include "mmids-core/media/notification.hpp"

#include <functional>
#include <map>
#include <optional>

namespace mmids::workflows {

class StreamCache {
 public:
  void record(const media::MediaNotification& notification);
  // Calls sink with NewStream, metadata and sequence headers of every live stream.
  void replay(const std::function<void(const media::MediaNotification&)>& sink) const;
  // Calls sink with StreamDisconnected for every live stream.
  void disconnect_all(const std::function<void(const media::MediaNotification&)>& sink) const;
  [[nodiscard]] bool empty() const { return streams_.empty(); }
  [[nodiscard]] size_t size() const { return streams_.size(); }
  void clear() { streams_.clear(); }

 private:
  struct Stream {
    std::string name;
    std::optional<media::StreamMetadata> metadata;
    std::optional<media::MediaPayload> video_sequence_header;
    std::optional<media::MediaPayload> audio_sequence_header;
  };
  std::map<media::StreamId, Stream> streams_;
};

}  // namespace mmids::workflows
