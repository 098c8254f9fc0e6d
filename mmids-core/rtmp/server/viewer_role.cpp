#include "mmids-core/rtmp/server/viewer_role.hpp"

#include "mmids-core/endpoint/viewer_entries.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/approval.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {

ViewerRole::ViewerRole(asio::io_context& io, std::weak_ptr<ServerConnection> connection,
                       std::shared_ptr<WatcherEntry> entry, endpoint::StreamRequest request,
                       endpoint::ViewerQueue::Limits limits, log::Fields fields,
                       std::shared_ptr<activity::ClientEntry> client)
    : connection_(std::move(connection)),
      entry_(entry),
      request_(std::move(request)),
      fields_(std::move(fields)),
      queue_(limits),
      accounting_(std::move(client)),
      start_timer_(io) {
  entry->connections.insert(request_.connection_id);
}

void ViewerRole::request_approval(std::function<void(bool)> decided) {
  // An approver that answers at once may have the connection drop this role (a refusal)
  // before the lease is stored: it lives until then.
  const auto self = shared_from_this();
  approval_ = ask_approval(*this, entry_.lock(), request_, fields_, std::move(decided));
}

void ViewerRole::start_playing() {
  if (playing_ || stopped_) return;
  playing_ = true;
  accounting_.playing(std::chrono::steady_clock::now());
  spdlog::info("{} playing", fields_);
  auto entry = entry_.lock();
  if (!entry) return;
  if (entry->registration.start_timeout.count() > 0) start_deadline(entry->registration.start_timeout);
  if (entry->registration.on_viewer_joined) entry->registration.on_viewer_joined(shared_from_this(), request_.stream_key);
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
  if (auto entry = entry_.lock()) {
    entry->connections.erase(request_.connection_id);
    if (playing_ && entry->registration.on_viewer_left) {
      entry->registration.on_viewer_left(request_.connection_id, request_.stream_key);
    }
  }
  if (playing_) spdlog::info("{} stopped playing", fields_);
  start_timer_.cancel();
  approval_.reset();
}

void ViewerRole::send(const media::MediaNotification& notification) {
  if (stopped_ || !playing_) return;
  if (auto entry = endpoint::viewer_entry(notification, timestamps_, queue_)) push(std::move(*entry));
}

void ViewerRole::end(std::string_view description) {
  if (stopped_ || !playing_ || !end_description_.empty()) return;
  end_description_ = std::string(description);
  push(endpoint::QueuedMessage{endpoint::QueuedKind::Control, media::MediaKind::Video, 0, {}});
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
    if (auto connection = connection_.lock()) {
      asio::post(connection->transport()->executor(), [weak = connection_, reason] {
        if (auto connection = weak.lock()) connection->close(reason);
      });
    }
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
  if (auto connection = connection_.lock()) connection->close(reason);
}

}  // namespace mmids::rtmp
