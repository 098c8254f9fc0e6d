#pragma once
// Internal to the RTMP server: the registrations, the keys being published, the open
// sessions and the listeners, shared by RtmpServer and its sessions. Sessions hold it
// weakly, so one that outlives the server finds nothing and just closes.
#include "mmids-core/rtmp/server/rtmp_server.hpp"

#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace mmids::rtmp {

class ServerSession;

struct PublisherEntry {
  PublisherRegistration registration;
  std::set<uint64_t> sessions;
};

struct WatcherEntry {
  WatcherRegistration registration;
  std::set<uint64_t> sessions;
};

struct Listener {
  asio::ip::tcp::acceptor acceptor;
  bool tls = false;
  uint16_t bound_port = 0;
};

struct RtmpServer::State : std::enable_shared_from_this<RtmpServer::State> {
  State(asio::io_context& io_context, RtmpServerOptions server_options)
      : io(io_context), options(std::move(server_options)) {}

  asio::io_context& io;
  RtmpServerOptions options;
  std::map<uint16_t, std::unique_ptr<Listener>> listeners;  // by registered port
  std::vector<std::shared_ptr<PublisherEntry>> publishers;
  std::vector<std::shared_ptr<WatcherEntry>> watchers;
  // (port, app, key) being published -> the publishing connection
  std::map<std::tuple<uint16_t, std::string, std::string>, uint64_t> live_keys;
  std::map<uint64_t, std::weak_ptr<ServerSession>> sessions;
  uint64_t next_connection_id = 1;

  [[nodiscard]] bool app_registered(uint16_t port, const std::string& app) const;
  [[nodiscard]] std::shared_ptr<PublisherEntry> find_publisher(uint16_t port, const std::string& app,
                                                               const std::string& key) const;
  [[nodiscard]] std::shared_ptr<WatcherEntry> find_watcher(uint16_t port, const std::string& app,
                                                           const std::string& key) const;
  // Claims the key for a connection; false when another connection publishes it.
  bool claim_key(uint16_t port, const std::string& app, const std::string& key, uint64_t connection);
  void release_key(uint16_t port, const std::string& app, const std::string& key, uint64_t connection);

  void close_session(uint64_t connection_id, std::string_view reason);
  void close_listener_if_unused(uint16_t port);
};

}  // namespace mmids::rtmp
