#pragma once
// PullSource: where ffmpeg_pull gets a stream from. One attempt at a time: start() it,
// it reports the stream starting, its metadata and tags, and at most one end.
#include "mmids-core/media/notification.hpp"

#include <functional>
#include <string>

namespace mmids::steps {

class PullSource {
 public:
  struct Handlers {
    std::function<void()> on_started;
    std::function<void(const media::SharedBuffer& amf0_metadata)> on_metadata;
    std::function<void(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& tag_body)> on_media;
    std::function<void(const std::string& reason)> on_ended;  // once; never after stop()
  };
  virtual ~PullSource() = default;
  virtual void start(Handlers handlers) = 0;
  virtual void stop() = 0;
};

}  // namespace mmids::steps
