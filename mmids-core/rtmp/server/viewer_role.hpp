#pragma once
// ViewerRole: one connection playing one stream key, on the connection's io thread. It is
// what the registrant's fan-out sees (an endpoint::ViewerSink, whose calls come from the
// main thread or, batched per thread, from the fan-out's hand-off to this one): notifications go into the
// viewer's own bounded queue under the slow-viewer policy, with timestamps kept continuous
// across stream replacements, and the connection's writer drains that queue into the
// dialogue when the socket can take more. The queue is the viewer's alone: control replies
// go straight to the dialogue. Its main-thread side (registration, approval, joining the
// registrant) is the ViewerAdmission.
// A viewer that gets no keyframe (nor audio) within the registration's start_timeout of
// Play.Start is told StreamNotFound and closed; one whose stream ended for good is told
// UnpublishNotify after what it has queued, then closed.
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/endpoint/timestamp_continuity.hpp"
#include "mmids-core/endpoint/viewer_accounting.hpp"
#include "mmids-core/rtmp/server/server_state.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include <memory>

namespace mmids::rtmp {

class ViewerRole : public endpoint::ViewerSink, public std::enable_shared_from_this<ViewerRole> {
 public:
  ViewerRole(ThreadPlacement threads, std::weak_ptr<ServerConnection> connection, uint64_t connection_id,
             endpoint::ViewerQueue::Limits limits, std::shared_ptr<activity::ClientEntry> client);

  // The connection's thread from here to write_queued(). Approved and told Play.Start:
  // media is queued from now on, and the start deadline runs (zero: none).
  void start_playing(std::chrono::milliseconds start_timeout);
  // The viewer ends: nothing is queued any more. Idempotent.
  void stop();

  // ViewerSink (any thread)
  [[nodiscard]] uint64_t connection_id() const override { return connection_id_; }
  [[nodiscard]] asio::any_io_executor home() const override { return threads_.home; }
  void send(const media::MediaNotification& notification) override;
  void end(std::string_view description) override;
  void close(std::string_view reason) override;

  // Moves queued entries into the dialogue until about `budget` bytes are in it.
  void write_queued(ServerDialogue& dialogue, size_t budget);
  [[nodiscard]] bool has_queued() const { return !queue_.empty(); }

 private:
  void queue(const media::MediaNotification& notification);
  void push(endpoint::QueuedMessage entry);
  void start_deadline(std::chrono::milliseconds timeout);

  const ThreadPlacement threads_;
  std::weak_ptr<ServerConnection> connection_;
  const uint64_t connection_id_;
  endpoint::ViewerQueue queue_;
  endpoint::ViewerAccounting accounting_;  // the connection's entry in the node's book
  endpoint::TimestampContinuity timestamps_;
  asio::steady_timer start_timer_;
  std::string end_description_;  // set with the end marker queued by end()
  bool started_ = false;         // a keyframe (or audio) reached the queue
  bool playing_ = false;
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
