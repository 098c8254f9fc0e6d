#include "mmids-core/rtmp/server/server_state.hpp"

#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {
namespace {

// The registrant for a key: a "*" registrant first, then an exact one (mmids' order).
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

}  // namespace

bool RtmpServer::State::app_registered(uint16_t port, const std::string& app) const {
  for (const auto& entry : publishers)
    if (entry->registration.port == port && entry->registration.app == app) return true;
  for (const auto& entry : watchers)
    if (entry->registration.port == port && entry->registration.app == app) return true;
  return false;
}

Admission<PublisherEntry> RtmpServer::State::admit_publisher(uint16_t port, const std::string& app,
                                                             const std::string& key, const std::string& mode,
                                                             uint64_t connection, const asio::ip::address& peer) {
  if (key.empty()) return Refusal{status::publish_bad_name, "empty stream key"};
  if (mode != "live") return Refusal{status::publish_bad_name, "only live publishing is supported, not '" + mode + "'"};
  auto entry = find_entry(publishers, port, app, key);
  if (!entry) return Refusal{status::publish_bad_name, "no publisher registration for this stream key"};
  if (!entry->registration.ip_rules.permits(peer)) return Refusal{status::publish_denied, "publisher address not allowed"};
  auto claim = live_keys.find({port, app, key});
  if (claim == live_keys.end()) {
    live_keys.emplace(std::tuple{port, app, key}, connection);  // held while approval is asked
  } else if (claim->second != connection && !may_take_over(*entry, claim->second)) {
    return Refusal{status::publish_bad_name, "stream key is already being published"};
  }
  return entry;
}

Admission<WatcherEntry> RtmpServer::State::admit_viewer(uint16_t port, const std::string& app, const std::string& key,
                                                        const asio::ip::address& peer) const {
  auto entry = find_entry(watchers, port, app, key);
  if (!entry || key.empty()) return Refusal{status::play_stream_not_found, "no such stream to watch"};
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
                                                   uint64_t connection) {
  const auto& registration = entry.registration;
  auto claim = live_keys.find({registration.port, registration.app, key});
  if (claim != live_keys.end() && claim->second != connection) {
    // Asked again now: the holder may have spoken (or left) while approval was asked.
    if (!may_take_over(entry, claim->second)) {
      return Refusal{status::publish_bad_name, "stream key is already being published"};
    }
    if (auto old = connection_of(claim->second)) {
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(old->silent_for());
      // Closing stops its role, which releases the key and ends its stream.
      old->close("taken over by a new publisher of the key (connection " + std::to_string(connection) +
                 "; silent for " + std::to_string(silent.count()) + " ms)");
    }
  }
  live_keys[{registration.port, registration.app, key}] = connection;
  return std::nullopt;
}

void RtmpServer::State::release_key(uint16_t port, const std::string& app, const std::string& key,
                                    uint64_t connection) {
  auto it = live_keys.find({port, app, key});
  if (it != live_keys.end() && it->second == connection) live_keys.erase(it);
}

void RtmpServer::State::close_connection(uint64_t connection_id, std::string_view reason) {
  auto it = connections.find(connection_id);
  if (it == connections.end()) return;
  if (auto connection = it->second.lock()) connection->close(reason);
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
