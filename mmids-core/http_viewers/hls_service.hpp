#pragma once
// HlsService: the HLS half of the HTTP viewer server. It keeps the sessions (hls_session.hpp)
// and, per (port, app, key) with at least one present session, the key's HlsStream; it
// answers playlist, segment and part requests from them; and it ends sessions that stop
// fetching (swept every second).
//
// Requests that cannot be answered yet are parked with a deadline, never polled: a media
// playlist before the stream's first segment (start_timeout, then 503), a Low-Latency
// blocking reload `_HLS_msn=M[&_HLS_part=P]` (three target durations, then 503; too far
// ahead: 400) and the preload-hinted next part (the same).
#include "mmids-core/http_viewers/hls_session.hpp"
#include "mmids-core/http_viewers/hls_stream.hpp"
#include "mmids-core/http_viewers/viewer_paths.hpp"

#include <map>
#include <tuple>

namespace mmids::http_viewers {

class HlsService {
 public:
  explicit HlsService(HttpViewerServer::State& server);
  ~HlsService();

  void playlist(uint16_t port, const ViewerPath& path, const http::Request& request, http::Responder respond);
  void media(uint16_t port, const ViewerPath& path, http::Responder respond);

  void end_session(HlsSession& session, std::string_view reason);
  [[nodiscard]] size_t session_count() const { return sessions_.size(); }

 private:
  using StreamKey = std::tuple<uint16_t, std::string, std::string>;

  std::shared_ptr<HlsSession> open_session(uint16_t port, const ViewerPath& path, const http::Request& request,
                                           std::string token, http::Response& refusal);
  void decided(HlsSession& session, bool approved);
  void when_approved(HlsSession& session, std::function<void(bool)> then);
  void serve_media_playlist(HlsSession& session, const http::Request& request, http::Responder respond);
  void end_stream(const StreamKey& key, std::string_view reason);
  [[nodiscard]] std::shared_ptr<HlsStream> stream_of(const HlsSession& session) const;
  [[nodiscard]] std::chrono::milliseconds session_window(const HlsSession& session) const;
  void sweep_soon();
  void sweep();

  HttpViewerServer::State& server_;
  std::map<std::string, std::shared_ptr<HlsSession>> sessions_;  // by token
  std::map<StreamKey, std::shared_ptr<HlsStream>> streams_;
  asio::steady_timer sweep_timer_;
  bool sweeping_ = false;
};

}  // namespace mmids::http_viewers
