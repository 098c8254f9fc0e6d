#pragma once
// ViewerAdmission: the main thread's side of one connection playing one stream key (the
// connection and its ViewerRole may live on another io thread). It admits the request
// (registrant, IP rules), holds the registrant's approval lease, answers the connection,
// hands the registrant the viewer once it plays, and tells it when the viewer leaves.
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/rtmp/server/server_state.hpp"

#include <memory>

namespace mmids::rtmp {

class ViewerRole;

// What the connection is told, on its own thread, once the play is decided.
struct PlayAnswer {
  std::optional<Refusal> refusal;             // none: accepted
  std::chrono::milliseconds start_timeout{};  // accepted: no keyframe this long after Play.Start fails it
};

class ViewerAdmission : public std::enable_shared_from_this<ViewerAdmission> {
 public:
  ViewerAdmission(std::weak_ptr<RtmpServer::State> server, std::weak_ptr<ServerConnection> connection,
                  ThreadPlacement threads, std::weak_ptr<ViewerRole> viewer, endpoint::StreamRequest request,
                  log::Fields fields, std::shared_ptr<activity::ClientEntry> client);

  // Main thread from here on. Admits and asks the approver; the connection gets the
  // PlayAnswer (nothing once the admission is stopped).
  void begin();
  // The connection told its client Play.Start: the registrant gets the viewer.
  void join();
  // The viewer leaves (stopped playing, refused, gone): the registrant lets go of it, the
  // lease is given back. Idempotent.
  void stop();

  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void answer(PlayAnswer answer);

  std::weak_ptr<RtmpServer::State> server_;
  std::weak_ptr<ServerConnection> connection_;
  const ThreadPlacement threads_;
  // The sink the registrant gets. Weak: the connection owns it, and it holds a timer of the
  // connection's thread, which must not outlive that thread's io_context in a handler here.
  std::weak_ptr<ViewerRole> viewer_;
  std::weak_ptr<WatcherEntry> entry_;
  endpoint::StreamRequest request_;
  log::Fields fields_;
  std::shared_ptr<activity::ClientEntry> client_;
  Subscription approval_;
  bool admitted_ = false;  // entered in its registration entry
  bool joined_ = false;    // the registrant has the viewer
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
