#pragma once
// PublisherRole: one connection publishing one stream key, from the publish request to its
// end, on the main thread (where the server's state and the registrant live), whatever io
// thread the connection is on. It admits the request, holds the key's claim and the
// registrant's approval lease, answers the connection (accepted, or the refusal), turns the
// connection's media and metadata into the registrant's notifications (NewStream first,
// then metadata and payloads, StreamDisconnected at the end), and gives everything back in
// stop(). The connection reaches it only through ThreadPlacement::to_main.
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/rtmp/server/server_state.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include <functional>
#include <memory>

namespace mmids::rtmp {

// What the connection is told, on its own thread, once the publish is decided.
struct PublishAnswer {
  std::optional<Refusal> refusal;              // none: accepted, the stream is live
  std::chrono::milliseconds publish_timeout{};  // accepted: the read deadline from now on
};

class PublisherRole : public std::enable_shared_from_this<PublisherRole> {
 public:
  PublisherRole(std::weak_ptr<RtmpServer::State> server, std::weak_ptr<ServerConnection> connection,
                ThreadPlacement threads, endpoint::StreamRequest request, log::Fields fields,
                std::shared_ptr<activity::ClientEntry> client);

  // Main thread from here on. Admits the request (mode, registrant, IP rules, the key),
  // asks the registrant's approver, claims the key (over, if the takeover rule lets it)
  // and goes live; the connection gets the PublishAnswer at the end, or the refusal of
  // the first step that refused. Nothing is answered once the role is stopped.
  void begin(const std::string& mode);
  void on_media(const server_event::MediaReceived& media);
  void on_metadata(const server_event::MetadataReceived& metadata);
  // The role ends (unpublished, refused, connection gone, taken over): the stream ends for
  // the registrant, the key is free again, the approval lease is given back. Idempotent.
  void stop();

  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void decided(bool approved);
  void go_live();
  void answer(PublishAnswer answer);
  void emit(const media::MediaNotification& notification);

  std::weak_ptr<RtmpServer::State> server_;
  std::weak_ptr<ServerConnection> connection_;
  const ThreadPlacement threads_;
  std::weak_ptr<PublisherEntry> entry_;
  endpoint::StreamRequest request_;
  log::Fields fields_;
  std::shared_ptr<activity::ClientEntry> client_;
  Subscription approval_;
  std::shared_ptr<activity::StreamEntry> stream_;  // in the node's book while live
  std::chrono::milliseconds publish_timeout_{};
  media::StreamId stream_id_ = 0;
  bool admitted_ = false;  // entered in its registration entry
  bool live_ = false;
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
