#include "mmids-core/http_viewers/http_viewer_server.hpp"

#include "mmids-core/endpoint/registration_rules.hpp"
#include "mmids-core/http_viewers/hls_service.hpp"
#include "mmids-core/http_viewers/viewer_server_state.hpp"

namespace mmids::http_viewers {
namespace {

// Opens the port's listener on first use; checks the TLS mode of later registrants.
std::string ensure_listener(HttpViewerServer::State& state, uint16_t port, bool tls) {
  if (auto it = state.listeners.find(port); it != state.listeners.end()) {
    if (it->second.tls == tls) return {};
    return "port " + std::to_string(port) + " is already " + (it->second.tls ? "HTTPS" : "plain HTTP") +
           "; a port cannot serve both";
  }
  if (tls && !state.options.tls) return "https needs the tls_cert_path and tls_key_path (or tls_cert_password) settings";
  http::Router router;
  // Every path is the viewer server's to parse: /<app>/<key>.<ext>, segments, the player.
  auto handler = [weak = state.weak_from_this(), port](const http::Request& request, http::Responder respond) {
    if (auto live = weak.lock()) live->handle(port, request, std::move(respond));
  };
  router.add_prefix("GET", "/", handler);
  router.add_prefix("OPTIONS", "/", handler);
  http::ServerOptions options;
  options.address = state.options.bind_address.empty() ? "0.0.0.0" : state.options.bind_address;
  options.port = port;
  options.tls = tls ? state.options.tls : nullptr;
  options.idle_timeout = state.options.write_timeout;
  options.max_connections = state.options.max_connections;
  options.max_body_bytes = 0;  // viewers send no bodies
  auto server = std::make_unique<http::Server>(state.io, std::move(router), std::move(options));
  try {
    server->start();
  } catch (const std::exception& error) {
    return error.what();
  }
  spdlog::info("[port={}] {} viewer listener open on {}", server->port(), tls ? "HTTPS" : "HTTP",
               state.options.bind_address.empty() ? "every address" : state.options.bind_address);
  state.listeners.emplace(port, ViewerListener{std::move(server), tls});
  return {};
}

void close_listener_if_unused(HttpViewerServer::State& state, uint16_t port) {
  for (const auto& entry : state.watchers)
    if (entry->registration.port == port) return;
  auto it = state.listeners.find(port);
  if (it == state.listeners.end()) return;
  spdlog::info("[port={}] HTTP viewer listener closed", it->second.server->port());
  it->second.server->stop();
  state.listeners.erase(it);
}

}  // namespace

HttpViewerServer::HttpViewerServer(asio::io_context& io, HttpViewerServerOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

HttpViewerServer::~HttpViewerServer() {
  for (const auto& [id, weak] : std::map(state_->viewers)) {
    if (auto viewer = weak.lock()) viewer->end("server shutting down");
  }
  for (auto& [port, listener] : state_->listeners) listener.server->stop();
  state_->listeners.clear();
}

Result<Subscription> HttpViewerServer::register_watcher(endpoint::WatcherRegistration registration) {
  std::string conflict =
      endpoint::find_conflict(state_->watchers, registration.port, registration.app, registration.stream_key);
  if (conflict.empty()) conflict = ensure_listener(*state_, registration.port, registration.tls);
  if (!conflict.empty()) return Error(std::move(conflict));
  auto entry = std::make_shared<WatcherEntry>(WatcherEntry{std::move(registration), {}});
  state_->watchers.push_back(entry);
  return Subscription([weak_state = std::weak_ptr(state_), weak_entry = std::weak_ptr(entry)] {
    auto state = weak_state.lock();
    auto entry = weak_entry.lock();
    if (!state || !entry) return;
    std::erase(state->watchers, entry);
    const auto viewers = entry->viewers;
    const uint16_t port = entry->registration.port;
    // The registrant is going away: dropping the last reference first means the viewers
    // ended below find their entry gone and call none of its callbacks.
    entry.reset();
    for (uint64_t viewer : viewers) state->end_viewer(viewer, "registration removed");
    close_listener_if_unused(*state, port);
  });
}

void HttpViewerServer::disconnect(uint64_t id, std::string_view reason) { state_->end_viewer(id, reason); }

uint16_t HttpViewerServer::bound_port(uint16_t registered_port) const {
  auto it = state_->listeners.find(registered_port);
  return it == state_->listeners.end() ? 0 : it->second.server->port();
}

std::vector<HttpViewerInfo> HttpViewerServer::viewers() const {
  std::vector<HttpViewerInfo> out;
  for (const auto& [id, weak] : state_->viewers) {
    if (auto viewer = weak.lock()) out.push_back(viewer->info());
  }
  return out;
}

}  // namespace mmids::http_viewers
