#include "mmids-core/rtmp/server/server_state.hpp"

#include "mmids-core/endpoint/stream_key.hpp"
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
  if (auto problem = endpoint::stream_key_problem(key)) return Refusal{status::publish_bad_name, *problem};
  if (mode != "live") return Refusal{status::publish_bad_name, "only live publishing is supported, not '" + mode + "'"};
  auto entry = find_entry(publishers, port, app, key);
  if (!entry) return Refusal{status::publish_bad_name, "no publisher registration for this stream key"};
  auto [claim, claimed] = live_keys.try_emplace({port, app, key}, connection);
  if (!claimed && claim->second != connection) {
    return Refusal{status::publish_bad_name, "stream key is already being published"};
  }
  if (!entry->registration.ip_rules.permits(peer)) {
    release_key(port, app, key, connection);
    return Refusal{status::publish_denied, "publisher address not allowed"};
  }
  return entry;
}

Admission<WatcherEntry> RtmpServer::State::admit_viewer(uint16_t port, const std::string& app, const std::string& key,
                                                        const asio::ip::address& peer) const {
  if (auto problem = endpoint::stream_key_problem(key)) return Refusal{status::play_stream_not_found, *problem};
  auto entry = find_entry(watchers, port, app, key);
  if (!entry) return Refusal{status::play_stream_not_found, "no such stream to watch"};
  if (!entry->registration.ip_rules.permits(peer)) return Refusal{status::play_failed, "viewer address not allowed"};
  return entry;
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
