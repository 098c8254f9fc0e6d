#pragma once
// ViewerRole: one connection playing one stream key. It is what the registrant's fan-out
// sees (an endpoint::ViewerSink): notifications go into the viewer's own bounded queue under the
// slow-viewer policy, with timestamps kept continuous across stream replacements, and the
// connection's writer drains that queue into the dialogue when the socket can take more.
// The queue is the viewer's alone: control replies go straight to the dialogue.
// A viewer that gets no keyframe (nor audio) within the registration's start_timeout of
// Play.Start is told StreamNotFound and closed; one whose stream ended for good is told
// UnpublishNotify after what it has queued, then closed.
#include "mmids-core/rtmp/server/server_state.hpp"
#include "mmids-core/endpoint/timestamp_continuity.hpp"
#include "mmids-core/endpoint/viewer_accounting.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include <functional>
#include <memory>

namespace mmids::rtmp {

class ViewerRole : public endpoint::ViewerSink, public std::enable_shared_from_this<ViewerRole> {
 public:
  ViewerRole(asio::io_context& io, std::weak_ptr<ServerConnection> connection, std::shared_ptr<WatcherEntry> entry,
             endpoint::StreamRequest request,
             endpoint::ViewerQueue::Limits limits, log::Fields fields, std::shared_ptr<activity::ClientEntry> client);

  // As PublisherRole::request_approval.
  void request_approval(std::function<void(bool approved)> decided);
  // Approved and told Play.Start: the registrant gets this viewer.
  void start_playing();
  // The role ends: the registrant lets go of the viewer, the lease is given back. Idempotent.
  void stop();

  // ViewerSink
  [[nodiscard]] uint64_t connection_id() const override { return request_.connection_id; }
  void send(const media::MediaNotification& notification) override;
  void end(std::string_view description) override;
  void close(std::string_view reason) override;

  // Moves queued entries into the dialogue until about `budget` bytes are in it.
  void write_queued(ServerDialogue& dialogue, size_t budget);
  [[nodiscard]] bool has_queued() const { return !queue_.empty(); }
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void push(endpoint::QueuedMessage entry);
  void start_deadline(std::chrono::milliseconds timeout);

  std::weak_ptr<ServerConnection> connection_;
  std::weak_ptr<WatcherEntry> entry_;
  endpoint::StreamRequest request_;
  log::Fields fields_;
  endpoint::ViewerQueue queue_;
  endpoint::ViewerAccounting accounting_;  // the connection's entry in the node's book
  endpoint::TimestampContinuity timestamps_;
  Subscription approval_;
  asio::steady_timer start_timer_;
  std::string end_description_;  // set with the end marker queued by end()
  bool started_ = false;         // a keyframe (or audio) reached the queue
  bool playing_ = false;
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
