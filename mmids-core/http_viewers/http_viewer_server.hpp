#pragma once
// HttpViewerServer: the node's HTTP endpoint for browser and HTTP players, beside the RTMP
// server and with the same registration contract (endpoint/registrations.hpp): steps
// register watchers per (port, app, stream key); the server opens an HTTP (or HTTPS)
// listener per port on first use, and brings each approved viewer to the registrant as a
// ViewerSink, so one approver and one fan-out serve RTMP, HTTP-FLV and HLS viewers alike.
//
//   GET /<app>/<key>.flv    HTTP-FLV (FlvViewer): one ViewerSink per connection, its own
//                           bounded queue and slow-viewer policy, as an RTMP viewer
//   GET /<app>/<key>.m3u8   HLS (HlsService): one muxer per key, fed by ONE ViewerSink while
//                           any HLS session of the key is present; sessions are the viewers
//   GET /                   a player page (hls.js / mpegts.js from `player_dir`)
//   OPTIONS *               CORS preflight
// See mmids-core/http_viewers/README.md for sessions, timeouts, headers and status codes.
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/containers/hls_segmenter.hpp"
#include "mmids-core/endpoint/registrations.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mmids::http_viewers {

struct HttpViewerServerOptions {
  std::string bind_address;                 // empty: every address
  std::shared_ptr<asio::ssl::context> tls;  // for registrations with tls = true (HTTPS)
  endpoint::ViewerQueue::Limits viewer_limits;  // each HTTP-FLV viewer's queue
  // Bounds every write (and the wait for a request on a kept-alive connection).
  std::chrono::seconds write_timeout{15};
  // Approved, but no media for the key within this: HTTP-FLV and the first media playlist
  // answer 503 (the stream may start later: players retry).
  std::chrono::milliseconds start_timeout{10000};
  // HLS: segments cut at keyframes after target_duration, a window of window_segments;
  // low_latency set: partial segments, blocking playlist reload and preload hints.
  containers::HlsSegmenterOptions hls{};
  // An HLS session is present while it fetched a playlist within this many target
  // durations (at least min_session_window).
  unsigned session_window_targets = 3;
  std::chrono::milliseconds min_session_window{3000};
  size_t max_sessions = 10000;
  size_t max_connections = 4096;
  std::string player_dir;  // hls.min.js and mpegts.js for the player page; empty: none
  // The node's book of clients: every HTTP-FLV viewer and HLS session is entered; null: none.
  std::shared_ptr<activity::NodeActivity> activity;
};

// One HTTP viewer as the node's API lists it: an HTTP-FLV connection or an HLS session.
struct HttpViewerInfo {
  uint64_t id = 0;
  std::string protocol;  // "flv" or "hls"
  uint16_t port = 0;
  std::string app;
  std::string stream_key;
  std::string peer;  // address:port as logs print it
  std::chrono::steady_clock::time_point since;
  uint64_t dropped = 0;  // media the viewer's queue dropped (HTTP-FLV)
};

class HttpViewerServer {
 public:
  HttpViewerServer(asio::io_context& io, HttpViewerServerOptions options);
  ~HttpViewerServer();
  HttpViewerServer(const HttpViewerServer&) = delete;
  HttpViewerServer& operator=(const HttpViewerServer&) = delete;

  // As RtmpServer::register_watcher: the lease (reset: unregistered, its viewers
  // disconnected), or why the registration conflicts or cannot listen.
  [[nodiscard]] Result<Subscription> register_watcher(endpoint::WatcherRegistration registration);

  // Ends one viewer (an HTTP-FLV connection or an HLS session).
  void disconnect(uint64_t id, std::string_view reason);
  // The port a listener is bound to (the registered one, or the actual one when 0 was
  // asked for); 0 when none is open there.
  [[nodiscard]] uint16_t bound_port(uint16_t registered_port) const;
  [[nodiscard]] std::vector<HttpViewerInfo> viewers() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mmids::http_viewers
