#pragma once
// PublisherRole: one connection publishing one stream key, from the publish request to its
// end. It holds the key's claim and the registrant's approval lease, turns the dialogue's
// media and metadata into the registrant's notifications (NewStream first, then metadata
// and payloads, StreamDisconnected at the end), and gives everything back in stop().
#include "mmids-core/rtmp/server/server_state.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include <functional>
#include <memory>

namespace mmids::rtmp {

class PublisherRole : public std::enable_shared_from_this<PublisherRole> {
 public:
  PublisherRole(std::weak_ptr<RtmpServer::State> server, std::shared_ptr<PublisherEntry> entry, endpoint::StreamRequest request,
                log::Fields fields);

  // Asks the registrant's approver (accepted at once without one). `decided` runs once
  // with the answer, now or later, unless the role was stopped first.
  void request_approval(std::function<void(bool approved)> decided);
  // Approved: takes the key (over, if the takeover rule lets it); the refusal otherwise.
  [[nodiscard]] std::optional<Refusal> claim_key();
  // Claimed: the stream starts for the registrant.
  void go_live();
  void on_media(const server_event::MediaReceived& media);
  void on_metadata(const server_event::MetadataReceived& metadata);
  // The role ends (unpublished, refused, connection gone): the stream ends for the
  // registrant, the key is free again, the approval lease is given back. Idempotent.
  void stop();

  [[nodiscard]] bool live() const { return live_; }
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void emit(const media::MediaNotification& notification);

  std::weak_ptr<RtmpServer::State> server_;
  std::weak_ptr<PublisherEntry> entry_;
  endpoint::StreamRequest request_;
  log::Fields fields_;
  Subscription approval_;
  std::shared_ptr<activity::StreamEntry> stream_;  // in the node's book while live
  media::StreamId stream_id_ = 0;
  bool live_ = false;
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
