#pragma once
// HlsSession: one HLS player, the unit HLS viewers are counted in. A player has no
// connection to count (it fetches over short requests, on one connection or several),
// so it is identified by a token: GET /<app>/<key>.m3u8 makes a session and answers with a
// multivariant playlist whose one variant is `<key>.m3u8?session=TOKEN`, the URL the
// player then reloads. The session is present while it keeps fetching that playlist
// (within the session window); it holds its own approval lease all that time, so for
// the registrant's approver (the reactor gate counting viewers towards idle_grace) each
// HLS player is one viewer, as each RTMP or HTTP-FLV connection is.
#include "mmids-core/http_viewers/viewer_server_state.hpp"

#include <functional>
#include <vector>

namespace mmids::http_viewers {

struct HlsSession : ViewerClient {
  enum class Phase { Approving, Present, Ended };

  endpoint::StreamRequest request;  // connection_id: the session's id, node-wide
  std::string token;
  log::Fields fields;
  std::weak_ptr<WatcherEntry> entry;
  std::weak_ptr<HttpViewerServer::State> server;
  Phase phase = Phase::Approving;
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_seen = since;
  Subscription approval;
  std::shared_ptr<activity::ClientEntry> client;  // the session in the node's book (no bytes: segments are shared)
  // Requests that came while the approver had not answered: told the answer.
  std::vector<std::function<void(bool approved)>> waiting;

  [[nodiscard]] HttpViewerInfo info() const override {
    return HttpViewerInfo{request.connection_id, "hls", request.port, request.app, request.stream_key,
                          net::endpoint_text(request.peer_address, request.peer_port), since, 0};
  }
  void end(std::string_view reason) override;  // through the server's HlsService
};

}  // namespace mmids::http_viewers
