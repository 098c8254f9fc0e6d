#include "mmids-core/rtmp/server/server_state.hpp"

#include "mmids-core/endpoint/registration_rules.hpp"
#include "mmids-core/endpoint/stream_key.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/publisher_role.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {

RtmpServer::State::State(asio::io_context& io_context, RtmpServerOptions server_options)
    : io(io_context),
      options(std::move(server_options)),
      threads(options.io_threads ? options.io_threads : std::make_shared<IoThreads>(io, 1)) {
  if (options.write_batch.count() > 0) {
    for (size_t i = 0; i < threads->size(); ++i) {
      write_batchers.push_back(std::make_shared<WriteBatcher>(threads->at(i).get_executor(), options.write_batch));
    }
  }
}

void RtmpServer::State::refresh_apps() {
  std::set<std::pair<uint16_t, std::string>> served;
  for (const auto& entry : publishers) served.emplace(entry->registration.port, entry->registration.app);
  for (const auto& entry : watchers) served.emplace(entry->registration.port, entry->registration.app);
  apps->assign(std::move(served));
}

Admission<PublisherEntry> RtmpServer::State::admit_publisher(uint16_t port, const std::string& app,
                                                             const std::string& key, const std::string& mode,
                                                             uint64_t connection, std::weak_ptr<PublisherRole> role,
                                                             const asio::ip::address& peer) {
  if (auto problem = endpoint::stream_key_problem(key)) return Refusal{status::publish_bad_name, *problem};
  if (mode != "live") return Refusal{status::publish_bad_name, "only live publishing is supported, not '" + mode + "'"};
  auto entry = endpoint::find_registrant(publishers, port, app, key);
  if (!entry) return Refusal{status::publish_bad_name, "no publisher registration for this stream key"};
  if (!entry->registration.ip_rules.permits(peer)) return Refusal{status::publish_denied, "publisher address not allowed"};
  auto claim = live_keys.find({port, app, key});
  if (claim == live_keys.end()) {
    live_keys.emplace(std::tuple{port, app, key}, KeyHolder{connection, std::move(role)});  // held while approval is asked
  } else if (claim->second.connection != connection && !may_take_over(*entry, claim->second.connection)) {
    return Refusal{status::publish_bad_name, "stream key is already being published"};
  }
  return entry;
}

Admission<WatcherEntry> RtmpServer::State::admit_viewer(uint16_t port, const std::string& app, const std::string& key,
                                                        const asio::ip::address& peer) const {
  if (auto problem = endpoint::stream_key_problem(key)) return Refusal{status::play_stream_not_found, *problem};
  auto entry = endpoint::find_registrant(watchers, port, app, key);
  if (!entry) return Refusal{status::play_stream_not_found, "no such stream to watch"};
  if (!entry->registration.ip_rules.permits(peer)) return Refusal{status::play_failed, "viewer address not allowed"};
  return entry;
}

std::shared_ptr<ServerConnection> RtmpServer::State::connection_of(uint64_t id) const {
  auto it = connections.find(id);
  return it == connections.end() ? nullptr : it->second.lock();
}

bool RtmpServer::State::may_take_over(const PublisherEntry& entry, uint64_t holder) const {
  auto old = connection_of(holder);
  if (!old) return true;  // a claim whose connection is gone: nothing to take over from
  switch (entry.registration.takeover) {
    case endpoint::Takeover::Never: return false;
    case endpoint::Takeover::Always: return true;
    case endpoint::Takeover::WhenSilent: return old->silent_for() >= entry.registration.takeover_silence;
  }
  return false;
}

std::optional<Refusal> RtmpServer::State::claim_key(const PublisherEntry& entry, const std::string& key,
                                                   uint64_t connection, std::weak_ptr<PublisherRole> role) {
  const auto& registration = entry.registration;
  const auto where = std::tuple{registration.port, registration.app, key};
  auto claim = live_keys.find(where);
  if (claim != live_keys.end() && claim->second.connection != connection) {
    // Asked again now: the holder may have spoken (or left) while approval was asked.
    if (!may_take_over(entry, claim->second.connection)) {
      return Refusal{status::publish_bad_name, "stream key is already being published"};
    }
    const KeyHolder holder = claim->second;
    // Its role stops here and now (releasing the key, ending its stream, on this thread),
    // so the old stream ends before the new one starts; its connection closes on its own.
    if (auto old_role = holder.role.lock()) old_role->stop();
    if (auto old = connection_of(holder.connection)) {
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(old->silent_for());
      old->request_close("taken over by a new publisher of the key (connection " + std::to_string(connection) +
                         "; silent for " + std::to_string(silent.count()) + " ms)");
    }
  }
  live_keys[where] = KeyHolder{connection, std::move(role)};
  return std::nullopt;
}

void RtmpServer::State::release_key(uint16_t port, const std::string& app, const std::string& key,
                                    uint64_t connection) {
  auto it = live_keys.find({port, app, key});
  if (it != live_keys.end() && it->second.connection == connection) live_keys.erase(it);
}

std::optional<std::string> RtmpServer::State::over_limits(const asio::ip::address& peer) const {
  if (connections.size() >= options.max_connections) {
    return "the server has max_connections (" + std::to_string(options.max_connections) + ") open";
  }
  auto it = connections_per_address.find(peer);
  if (it != connections_per_address.end() && it->second >= options.max_connections_per_address) {
    return "the address has max_connections_per_address (" + std::to_string(options.max_connections_per_address) +
           ") open";
  }
  return std::nullopt;
}

void RtmpServer::State::count_out(const asio::ip::address& peer) {
  auto it = connections_per_address.find(peer);
  if (it != connections_per_address.end() && --it->second == 0) connections_per_address.erase(it);
}

void RtmpServer::State::close_connection(uint64_t connection_id, std::string_view reason) {
  auto it = connections.find(connection_id);
  if (it == connections.end()) return;
  if (auto connection = it->second.lock()) connection->request_close(reason);
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

}  // namespace mmids::rtmp
