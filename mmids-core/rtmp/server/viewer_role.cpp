#include "mmids-core/rtmp/server/viewer_role.hpp"

#include "mmids-core/endpoint/viewer_entries.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {

ViewerRole::ViewerRole(ThreadPlacement threads, std::weak_ptr<ServerConnection> connection, uint64_t connection_id,
                       endpoint::ViewerQueue::Limits limits, std::shared_ptr<activity::ClientEntry> client)
    : threads_(threads),
      connection_(std::move(connection)),
      connection_id_(connection_id),
      queue_(limits),
      accounting_(std::move(client)),
      start_timer_(threads.home) {}

void ViewerRole::start_playing(std::chrono::milliseconds start_timeout) {
  if (playing_ || stopped_) return;
  playing_ = true;
  accounting_.playing(std::chrono::steady_clock::now());
  if (start_timeout.count() > 0) start_deadline(start_timeout);
}

void ViewerRole::start_deadline(std::chrono::milliseconds timeout) {
  start_timer_.expires_after(timeout);
  start_timer_.async_wait([weak = weak_from_this(), timeout](const boost::system::error_code& error) {
    auto role = weak.lock();
    if (error || !role || role->stopped_ || role->started_) return;
    if (auto connection = role->connection_.lock()) {
      connection->fail_play(status::play_stream_not_found,
                            "no keyframe of the stream within " + std::to_string(timeout.count()) + " ms");
    }
  });
}

void ViewerRole::stop() {
  if (stopped_) return;
  stopped_ = true;
  start_timer_.cancel();
}

void ViewerRole::send(const media::MediaNotification& notification) {
  // The fan-out's own hand-off calls here on this thread; anyone else's call is posted
  // (copying the notification costs a reference, not the payload).
  if (threads_.on_home()) return queue(notification);
  asio::post(threads_.home, [self = shared_from_this(), notification] { self->queue(notification); });
}

void ViewerRole::queue(const media::MediaNotification& notification) {
  if (stopped_ || !playing_) return;
  if (auto entry = endpoint::viewer_entry(notification, timestamps_, queue_)) push(std::move(*entry));
}

void ViewerRole::end(std::string_view description) {
  threads_.to_home([self = shared_from_this(), description = std::string(description)] {
    if (self->stopped_ || !self->playing_ || !self->end_description_.empty()) return;
    self->end_description_ = description;
    self->push(endpoint::QueuedMessage{endpoint::QueuedKind::Control, media::MediaKind::Video, 0, {}});
  });
}

void ViewerRole::push(endpoint::QueuedMessage entry) {
  const auto kind = entry.kind;
  const auto verdict = accounting_.push(queue_, std::move(entry), endpoint::ViewerQueue::Clock::now());
  const bool starts = !started_ && verdict == endpoint::ViewerQueue::Verdict::Queued &&
                      (kind == endpoint::QueuedKind::VideoKeyframe || kind == endpoint::QueuedKind::Audio);
  if (starts) {
    started_ = true;
    // The first picture does not wait for the batch: a joining viewer (or a pull feeding
    // a playback node, one batch per hop) starts at once, the GOP replay in one write.
    if (auto connection = connection_.lock()) connection->flush_soon();
    return;
  }
  if (verdict == endpoint::ViewerQueue::Verdict::Disconnect) {
    // Posted: we are inside the stream's fan-out loop, which closing would disturb.
    const std::string reason = endpoint::too_slow_reason(queue_);
    asio::post(threads_.home, [weak = connection_, reason] {
      if (auto connection = weak.lock()) connection->close(reason);
    });
    return;
  }
  // Merged writes: the message waits for the batch's tick with the viewer's others.
  if (auto connection = connection_.lock()) connection->request_batched_flush();
}

void ViewerRole::write_queued(ServerDialogue& dialogue, size_t budget) {
  while (!queue_.empty() && dialogue.output_bytes() < budget) {
    endpoint::QueuedMessage entry = queue_.pop();
    if (entry.kind == endpoint::QueuedKind::Metadata) {
      dialogue.send_metadata(entry.payload);
    } else if (entry.kind == endpoint::QueuedKind::Control) {
      // The end marker: everything before it is written; the rest never comes.
      if (auto connection = connection_.lock()) connection->end_play(end_description_);
      return;
    } else {
      dialogue.send_media(entry.media_kind, entry.timestamp, entry.payload);
    }
  }
}

void ViewerRole::close(std::string_view reason) {
  if (auto connection = connection_.lock()) connection->request_close(reason);
}

}  // namespace mmids::rtmp
