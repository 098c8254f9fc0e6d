#pragma once
// Internal to the RTMP server: what it knows (registrations, the keys being published,
// open connections, listeners) and what it decides from that (apps, registrants, key
// claims, IP rules). It lives on the main thread; connections live on any io thread
// (IoThreads) and bring each request here through their main-thread side (PublisherRole,
// ViewerAdmission), then act on the answer. They never hold the state on their own
// thread: what they need there (the apps registered, under their own lock; their
// thread's write batcher) they are given when accepted.
// Connections hold the state weakly, so one that outlives the server finds nothing and
// just closes.
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "mmids-core/rtmp/transport/write_batcher.hpp"

#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <variant>
#include <vector>

namespace mmids::rtmp {

class ServerConnection;
class PublisherRole;

// The (port, app) pairs some registrant serves. Written on the main thread when
// registrations change, read by connections on their own threads when they connect: the
// one piece of server state behind a lock (taken once per connect, never per packet).
class RegisteredApps {
 public:
  [[nodiscard]] bool contains(uint16_t port, const std::string& app) const {
    std::lock_guard lock(mutex_);
    return apps_.count({port, app}) > 0;
  }
  void assign(std::set<std::pair<uint16_t, std::string>> apps) {
    std::lock_guard lock(mutex_);
    apps_ = std::move(apps);
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::pair<uint16_t, std::string>> apps_;
};

// Who holds a key being published: the connection, and its role once it is approved.
struct KeyHolder {
  uint64_t connection = 0;
  std::weak_ptr<PublisherRole> role;
};

struct PublisherEntry {
  endpoint::PublisherRegistration registration;
  std::set<uint64_t> connections;  // admitted, pending or publishing
};

struct WatcherEntry {
  endpoint::WatcherRegistration registration;
  std::set<uint64_t> connections;
};

struct Listener {
  asio::ip::tcp::acceptor acceptor;
  bool tls = false;
  uint16_t bound_port = 0;
};

// A request the server turns down, and the status code the client is told.
struct Refusal {
  std::string_view code;
  std::string description;
};

template <typename Entry>
using Admission = std::variant<std::shared_ptr<Entry>, Refusal>;

struct RtmpServer::State : std::enable_shared_from_this<RtmpServer::State> {
  State(asio::io_context& io_context, RtmpServerOptions server_options);

  asio::io_context& io;  // the main thread's
  RtmpServerOptions options;
  std::shared_ptr<IoThreads> threads;  // where connections live (options.io_threads, or io alone)
  // Merged writes, one batcher per io thread (its timer flushes that thread's viewers);
  // empty: none.
  std::vector<std::shared_ptr<WriteBatcher>> write_batchers;
  // Shared with every connection: the one thing they read off the main thread.
  std::shared_ptr<RegisteredApps> apps = std::make_shared<RegisteredApps>();
  std::map<uint16_t, std::unique_ptr<Listener>> listeners;  // by registered port
  std::vector<std::shared_ptr<PublisherEntry>> publishers;
  std::vector<std::shared_ptr<WatcherEntry>> watchers;
  // (port, app, key) being published -> who publishes it
  std::map<std::tuple<uint16_t, std::string, std::string>, KeyHolder> live_keys;
  std::map<uint64_t, std::weak_ptr<ServerConnection>> connections;  // ids from endpoint::next_connection_id()
  std::map<asio::ip::address, size_t> connections_per_address;
  std::chrono::steady_clock::time_point last_limit_log;  // refusals at accept are logged once a second

  // The registrations changed: what `apps` says follows.
  void refresh_apps();
  // publish: mode live, a registrant for the key, the peer allowed, the key free (then
  // claimed for `connection`) or held by a publisher the registrant's takeover rule lets
  // it replace (then nothing is claimed yet). endpoint::Approval is asked afterwards by
  // the connection, which then claims the key.
  Admission<PublisherEntry> admit_publisher(uint16_t port, const std::string& app, const std::string& key,
                                            const std::string& mode, uint64_t connection,
                                            std::weak_ptr<PublisherRole> role, const asio::ip::address& peer);
  // play: a registrant for the key, the peer allowed.
  Admission<WatcherEntry> admit_viewer(uint16_t port, const std::string& app, const std::string& key,
                                       const asio::ip::address& peer) const;
  // An approved publisher's claim: the key is `connection`'s afterwards unless another
  // publisher holds it that the takeover rule protects (then the refusal). A holder the
  // rule lets go is stopped first, so its stream ends before the new one starts, and its
  // connection is closed.
  std::optional<Refusal> claim_key(const PublisherEntry& entry, const std::string& key, uint64_t connection,
                                   std::weak_ptr<PublisherRole> role);
  void release_key(uint16_t port, const std::string& app, const std::string& key, uint64_t connection);

 private:
  // Whether the takeover rule lets a newcomer replace `holder` (any connection, or none).
  [[nodiscard]] bool may_take_over(const PublisherEntry& entry, uint64_t holder) const;
  [[nodiscard]] std::shared_ptr<ServerConnection> connection_of(uint64_t id) const;

 public:

  void close_connection(uint64_t connection_id, std::string_view reason);
  // Whether a new connection from `peer` stays under the limits; the reason when not.
  [[nodiscard]] std::optional<std::string> over_limits(const asio::ip::address& peer) const;
  void count_in(const asio::ip::address& peer) { ++connections_per_address[peer]; }
  void count_out(const asio::ip::address& peer);
  void close_listener_if_unused(uint16_t port);
};

}  // namespace mmids::rtmp
