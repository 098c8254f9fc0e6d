#include "mmids-core/rtmp/server/rtmp_server.hpp"

#include "mmids-core/rtmp/server/server_session.hpp"

namespace mmids::rtmp {
namespace {

// mmids' rule, per port + app and per role: "*" conflicts with every other registrant;
// an exact key conflicts with "*" and with the same key.
template <typename Entries>
std::string find_conflict(const Entries& entries, uint16_t port, const std::string& app, const std::string& key) {
  for (const auto& entry : entries) {
    const auto& other = entry->registration;
    if (other.port != port || other.app != app) continue;
    if (key == "*" || other.stream_key == "*" || other.stream_key == key) {
      return "app '" + app + "' key '" + other.stream_key + "' on port " + std::to_string(port) +
             " is already registered";
    }
  }
  return {};
}

template <typename Entries>
auto find_entry(const Entries& entries, uint16_t port, const std::string& app, const std::string& key) {
  typename Entries::value_type exact;
  for (const auto& entry : entries) {
    const auto& registration = entry->registration;
    if (registration.port != port || registration.app != app) continue;
    if (registration.stream_key == "*") return entry;
    if (registration.stream_key == key) exact = entry;
  }
  return exact;
}

asio::awaitable<void> accept_loop(std::weak_ptr<RtmpServer::State> weak_state, uint16_t port) {
  while (true) {
    auto state = weak_state.lock();
    if (!state) co_return;
    auto listener_it = state->listeners.find(port);
    if (listener_it == state->listeners.end()) co_return;
    Listener& listener = *listener_it->second;
    state.reset();  // do not keep the server alive while waiting
    boost::system::error_code error;
    auto socket = co_await listener.acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    state = weak_state.lock();
    if (!state || error == asio::error::operation_aborted || !state->listeners.count(port)) co_return;
    if (error) {
      spdlog::warn("[port={}] accept failed: {}", port, error.message());
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), error);
    const uint64_t id = state->next_connection_id++;
    std::shared_ptr<ServerSession> session;
    if (listener.tls) {
      session = std::make_shared<ServerSession>(state, RtmpTransport(std::move(socket), *state->options.tls), port, id);
    } else {
      session = std::make_shared<ServerSession>(state, RtmpTransport(std::move(socket)), port, id);
    }
    state->sessions[id] = session;
    session->start();
  }
}

}  // namespace

// --- State ---

bool RtmpServer::State::app_registered(uint16_t port, const std::string& app) const {
  for (const auto& entry : publishers)
    if (entry->registration.port == port && entry->registration.app == app) return true;
  for (const auto& entry : watchers)
    if (entry->registration.port == port && entry->registration.app == app) return true;
  return false;
}

std::shared_ptr<PublisherEntry> RtmpServer::State::find_publisher(uint16_t port, const std::string& app,
                                                                  const std::string& key) const {
  return find_entry(publishers, port, app, key);
}

std::shared_ptr<WatcherEntry> RtmpServer::State::find_watcher(uint16_t port, const std::string& app,
                                                              const std::string& key) const {
  return find_entry(watchers, port, app, key);
}

bool RtmpServer::State::claim_key(uint16_t port, const std::string& app, const std::string& key, uint64_t connection) {
  return live_keys.try_emplace({port, app, key}, connection).first->second == connection;
}

void RtmpServer::State::release_key(uint16_t port, const std::string& app, const std::string& key, uint64_t connection) {
  auto it = live_keys.find({port, app, key});
  if (it != live_keys.end() && it->second == connection) live_keys.erase(it);
}

void RtmpServer::State::close_session(uint64_t connection_id, std::string_view reason) {
  auto it = sessions.find(connection_id);
  if (it == sessions.end()) return;
  if (auto session = it->second.lock()) session->close(reason);
}

void RtmpServer::State::close_listener_if_unused(uint16_t port) {
  for (const auto& entry : publishers)
    if (entry->registration.port == port) return;
  for (const auto& entry : watchers)
    if (entry->registration.port == port) return;
  auto it = listeners.find(port);
  if (it == listeners.end()) return;
  boost::system::error_code ignored;
  it->second->acceptor.close(ignored);
  spdlog::info("[port={}] RTMP listener closed", it->second->bound_port);
  listeners.erase(it);
}

// --- RtmpServer ---

RtmpServer::RtmpServer(asio::io_context& io, RtmpServerOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

RtmpServer::~RtmpServer() {
  for (auto& [id, weak] : std::map(state_->sessions)) {
    if (auto session = weak.lock()) session->close("server shutting down");
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
workflows::Subscription unregister_later(const std::shared_ptr<RtmpServer::State>& state,
                                         std::vector<std::shared_ptr<Entry>> RtmpServer::State::*list,
                                         const std::shared_ptr<Entry>& entry) {
  return workflows::Subscription([weak_state = std::weak_ptr(state), weak_entry = std::weak_ptr(entry), list] {
    auto state = weak_state.lock();
    auto entry = weak_entry.lock();
    if (!state || !entry) return;
    auto& entries = (*state).*list;
    entries.erase(std::remove(entries.begin(), entries.end(), entry), entries.end());
    for (uint64_t connection : std::set(entry->sessions)) state->close_session(connection, "registration removed");
    state->close_listener_if_unused(entry->registration.port);
  });
}

}  // namespace

RegistrationResult RtmpServer::register_publisher(PublisherRegistration registration) {
  RegistrationResult result;
  result.error = find_conflict(state_->publishers, registration.port, registration.app, registration.stream_key);
  if (result.error.empty()) result.error = ensure_listener(*state_, registration.port, registration.tls);
  if (!result.ok()) return result;
  auto entry = std::make_shared<PublisherEntry>(PublisherEntry{std::move(registration), {}});
  state_->publishers.push_back(entry);
  result.registration = unregister_later(state_, &State::publishers, entry);
  return result;
}

RegistrationResult RtmpServer::register_watcher(WatcherRegistration registration) {
  RegistrationResult result;
  result.error = find_conflict(state_->watchers, registration.port, registration.app, registration.stream_key);
  if (result.error.empty()) result.error = ensure_listener(*state_, registration.port, registration.tls);
  if (!result.ok()) return result;
  auto entry = std::make_shared<WatcherEntry>(WatcherEntry{std::move(registration), {}});
  state_->watchers.push_back(entry);
  result.registration = unregister_later(state_, &State::watchers, entry);
  return result;
}

void RtmpServer::disconnect(uint64_t connection_id, std::string_view reason) {
  state_->close_session(connection_id, reason);
}

uint16_t RtmpServer::bound_port(uint16_t registered_port) const {
  auto it = state_->listeners.find(registered_port);
  return it == state_->listeners.end() ? 0 : it->second->bound_port;
}

size_t RtmpServer::connection_count() const { return state_->sessions.size(); }

}  // namespace mmids::rtmp
