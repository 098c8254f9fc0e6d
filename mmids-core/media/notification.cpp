#include "mmids-core/media/notification.hpp"

#include <atomic>

namespace mmids::media {

StreamId next_stream_id() {
  static std::atomic<StreamId> counter{0};
  return ++counter;
}

StreamId stream_id_of(const MediaNotification& notification) {
  return std::visit([](const auto& n) { return n.id; }, notification);
}

MediaNotification with_stream_id(const MediaNotification& notification, StreamId id) {
  MediaNotification copy = notification;
  std::visit([id](auto& n) { n.id = id; }, copy);
  return copy;
}

}  // namespace mmids::media
