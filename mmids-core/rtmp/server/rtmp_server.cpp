#include "mmids-core/rtmp/server/rtmp_server.hpp"

#include "mmids-core/endpoint/connection_ids.hpp"
#include "mmids-core/endpoint/registration_rules.hpp"
#include "mmids-core/net/address.hpp"
#include "mmids-core/net/socket_options.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {
namespace {

asio::awaitable<void> accept_loop(std::weak_ptr<RtmpServer::State> weak_state, uint16_t port) {
  while (true) {
    auto state = weak_state.lock();
    if (!state) co_return;
    auto listener_it = state->listeners.find(port);
    if (listener_it == state->listeners.end()) co_return;
    Listener& listener = *listener_it->second;
    // The connection's io thread: its socket, timers and I/O all live there.
    const size_t thread = state->threads->next_index();
    asio::io_context& home = state->threads->at(thread);
    state.reset();  // do not keep the server alive while waiting
    boost::system::error_code error;
    auto socket = co_await listener.acceptor.async_accept(asio::any_io_executor(home.get_executor()), asio::redirect_error(asio::use_awaitable, error));
    state = weak_state.lock();
    if (!state || error == asio::error::operation_aborted || !state->listeners.count(port)) co_return;
    if (error) {
      // Transient (EMFILE, ECONNABORTED, ...): keep accepting, a little later, not in a spin.
      spdlog::warn("[port={}] accept failed: {}", port, error.message());
      asio::steady_timer pause(state->io, std::chrono::milliseconds(100));
      state.reset();
      boost::system::error_code ignored;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    net::tune_socket(socket);
    boost::system::error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error);
    if (peer_error) continue;  // gone before we looked
    const auto address = net::normalize(peer.address());
    if (auto refusal = state->over_limits(address)) {
      // Rate-limited: a flood of refusals must not flood the log as well.
      if (std::chrono::steady_clock::now() - state->last_limit_log > std::chrono::seconds(1)) {
        state->last_limit_log = std::chrono::steady_clock::now();
        spdlog::warn("[port={} peer={}] connection refused: {}", port, net::endpoint_text(peer), *refusal);
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    state->count_in(address);
    const uint64_t id = endpoint::next_connection_id();  // unique beside HTTP viewers' ids
    auto transport = listener.tls ? std::make_shared<RtmpTransport>(std::move(socket), *state->options.tls)
                                  : std::make_shared<RtmpTransport>(std::move(socket));
    auto batcher = state->write_batchers.empty() ? nullptr : state->write_batchers[thread];
    const ThreadPlacement placement = state->threads->placement(home);
    auto connection = std::make_shared<ServerConnection>(state, placement, std::move(batcher), port, id, peer);
    state->connections[id] = connection;
    const bool tls = listener.tls;
    connection->track(tls);
    placement.to_home([connection, transport = std::move(transport), tls]() mutable {
      connection->start(std::move(transport), tls);
    });
  }
}

}  // namespace

// --- RtmpServer ---

RtmpServer::RtmpServer(asio::io_context& io, RtmpServerOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {
  prepare_handshake_crypto();  // not on the first publisher's or viewer's time
}

RtmpServer::~RtmpServer() {
  for (auto& [id, weak] : std::map(state_->connections)) {
    if (auto connection = weak.lock()) connection->request_close("server shutting down");
  }
  for (auto& [port, listener] : state_->listeners) {
    boost::system::error_code ignored;
    listener->acceptor.close(ignored);
  }
  state_->listeners.clear();
}

namespace {

// Opens the port's listener on first use; checks the TLS mode of later registrants.
std::string ensure_listener(RtmpServer::State& state, uint16_t port, bool tls) {
  if (auto it = state.listeners.find(port); it != state.listeners.end()) {
    if (it->second->tls != tls) {
      return "port " + std::to_string(port) + " is already " + (it->second->tls ? "RTMPS" : "plain RTMP") +
             "; a port cannot serve both";
    }
    return {};
  }
  if (tls && !state.options.tls) {
    return "rtmps needs the tls_cert_path and tls_key_path (or tls_cert_password) settings";
  }
  boost::system::error_code error;
  auto address = state.options.bind_address.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                                    : asio::ip::make_address(state.options.bind_address, error);
  if (error) return "bad bind_address '" + state.options.bind_address + "'";
  asio::ip::tcp::endpoint endpoint(address, port);
  auto listener = std::make_unique<Listener>(Listener{asio::ip::tcp::acceptor(state.io), tls, 0});
  listener->acceptor.open(endpoint.protocol(), error);
  if (!error) listener->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
  if (!error) listener->acceptor.bind(endpoint, error);
  if (!error) listener->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return "cannot listen on " + endpoint.address().to_string() + ":" + std::to_string(port) + ": " + error.message();
  }
  listener->bound_port = listener->acceptor.local_endpoint().port();
  spdlog::info("[port={}] {} listener open on {}", listener->bound_port, tls ? "RTMPS" : "RTMP",
               endpoint.address().to_string());
  state.listeners.emplace(port, std::move(listener));
  asio::co_spawn(state.io, accept_loop(state.weak_from_this(), port), asio::detached);
  return {};
}

// Unregisters an entry and disconnects the clients it admitted.
template <typename Entry>
Subscription unregister_later(const std::shared_ptr<RtmpServer::State>& state,
                                         std::vector<std::shared_ptr<Entry>> RtmpServer::State::*list,
                                         const std::shared_ptr<Entry>& entry) {
  return Subscription([weak_state = std::weak_ptr(state), weak_entry = std::weak_ptr(entry), list] {
    auto state = weak_state.lock();
    auto entry = weak_entry.lock();
    if (!state || !entry) return;
    auto& entries = (*state).*list;
    entries.erase(std::remove(entries.begin(), entries.end(), entry), entries.end());
    const auto connections = entry->connections;
    const uint16_t port = entry->registration.port;
    // The registrant is going away: dropping the last reference first means the connections
    // closed below find their entry gone and call none of its callbacks.
    entry.reset();
    for (uint64_t connection : connections) state->close_connection(connection, "registration removed");
    state->refresh_apps();
    state->close_listener_if_unused(port);
  });
}

}  // namespace

Result<Subscription> RtmpServer::register_publisher(endpoint::PublisherRegistration registration) {
  std::string conflict = endpoint::find_conflict(state_->publishers, registration.port, registration.app, registration.stream_key);
  if (conflict.empty()) conflict = ensure_listener(*state_, registration.port, registration.tls);
  if (!conflict.empty()) return Error(std::move(conflict));
  auto entry = std::make_shared<PublisherEntry>(PublisherEntry{std::move(registration), {}});
  state_->publishers.push_back(entry);
  state_->refresh_apps();
  return unregister_later(state_, &State::publishers, entry);
}

Result<Subscription> RtmpServer::register_watcher(endpoint::WatcherRegistration registration) {
  std::string conflict = endpoint::find_conflict(state_->watchers, registration.port, registration.app, registration.stream_key);
  if (conflict.empty()) conflict = ensure_listener(*state_, registration.port, registration.tls);
  if (!conflict.empty()) return Error(std::move(conflict));
  auto entry = std::make_shared<WatcherEntry>(WatcherEntry{std::move(registration), {}});
  state_->watchers.push_back(entry);
  state_->refresh_apps();
  return unregister_later(state_, &State::watchers, entry);
}

void RtmpServer::disconnect(uint64_t connection_id, std::string_view reason) {
  state_->close_connection(connection_id, reason);
}

uint16_t RtmpServer::bound_port(uint16_t registered_port) const {
  auto it = state_->listeners.find(registered_port);
  return it == state_->listeners.end() ? 0 : it->second->bound_port;
}

size_t RtmpServer::connection_count() const { return state_->connections.size(); }

size_t RtmpServer::viewer_count() const {
  size_t viewers = 0;
  for (const auto& entry : state_->watchers) viewers += entry->connections.size();
  return viewers;
}

}  // namespace mmids::rtmp
