#include "mmids-core/http_viewers/viewer_server_state.hpp"

#include "mmids-core/endpoint/connection_ids.hpp"
#include "mmids-core/endpoint/registration_rules.hpp"
#include "mmids-core/http_viewers/flv_viewer.hpp"
#include "mmids-core/http_viewers/hls_service.hpp"
#include "mmids-core/http_viewers/player_page.hpp"
#include "mmids-core/http_viewers/viewer_headers.hpp"
#include "mmids-core/http_viewers/viewer_paths.hpp"
#include "mmids-core/net/address.hpp"

namespace mmids::http_viewers {

log::Fields viewer_fields(const WatcherEntry&, const endpoint::StreamRequest& request, std::string_view protocol) {
  return log::Fields()
      .with("port", std::to_string(request.port))
      .with("conn", std::to_string(request.connection_id))
      .with("peer", net::endpoint_text(request.peer_address, request.peer_port))
      .with("app", request.app)
      .with("stream", request.stream_key)
      .with("proto", protocol);
}

HttpViewerServer::State::State(asio::io_context& io_context, HttpViewerServerOptions server_options)
    : io(io_context), options(std::move(server_options)), hls(std::make_unique<HlsService>(*this)) {}

HttpViewerServer::State::~State() = default;

ViewerAdmission HttpViewerServer::State::admit(uint16_t port, const std::string& app, const std::string& key,
                                               const asio::ip::address& peer) const {
  auto entry = endpoint::find_registrant(watchers, port, app, key);
  if (!entry) return viewer_error(404, "no such stream to watch");
  if (!entry->registration.ip_rules.permits(peer)) return viewer_error(403, "viewer address not allowed");
  return entry;
}

void HttpViewerServer::State::add_viewer(const std::shared_ptr<WatcherEntry>& entry, uint64_t id,
                                         std::weak_ptr<ViewerClient> viewer) {
  entry->viewers.insert(id);
  viewers[id] = std::move(viewer);
}

void HttpViewerServer::State::forget_viewer(const std::shared_ptr<WatcherEntry>& entry, uint64_t id) {
  if (entry) entry->viewers.erase(id);
  viewers.erase(id);
}

void HttpViewerServer::State::end_viewer(uint64_t id, std::string_view reason) {
  auto it = viewers.find(id);
  if (it == viewers.end()) return;
  if (auto viewer = it->second.lock()) viewer->end(reason);
}

void HttpViewerServer::State::handle(uint16_t port, const http::Request& request, http::Responder respond) {
  if (request.method == "OPTIONS") return respond(preflight_response());
  if (serve_player(request, options.player_dir, respond)) return;
  auto path = parse_viewer_path(request.path);
  if (!path) return respond(viewer_error(404, "no such resource: " + request.path));
  if (path->resource == ViewerResource::Playlist) return hls->playlist(port, *path, request, std::move(respond));
  if (path->resource != ViewerResource::Flv) return hls->media(port, *path, std::move(respond));

  auto admission = admit(port, path->app, path->key, request.peer_address);
  if (auto* refusal = std::get_if<http::Response>(&admission)) return respond(std::move(*refusal));
  const auto& entry = std::get<0>(admission);
  endpoint::StreamRequest stream_request{endpoint::next_connection_id(), port, path->app, path->key,
                                         viewer_query(request.query), request.peer_address, request.peer_port};
  auto viewer = std::make_shared<FlvViewer>(shared_from_this(), entry, std::move(stream_request));
  add_viewer(entry, viewer->connection_id(), viewer);
  viewer->begin(std::move(respond));
}

}  // namespace mmids::http_viewers
