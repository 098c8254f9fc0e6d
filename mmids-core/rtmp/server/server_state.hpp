#pragma once
// Internal to the RTMP server: what it knows (registrations, the keys being published,
// open connections, listeners) and what it decides from that (apps, registrants, key
// claims, IP rules). Connections only talk: they bring each request here and act on the
// answer. Connections hold the state weakly, so one that outlives the server finds
// nothing and just closes.
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "mmids-core/rtmp/transport/write_batcher.hpp"

#include <map>
#include <set>
#include <tuple>
#include <variant>
#include <vector>

namespace mmids::rtmp {

class ServerConnection;

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
  State(asio::io_context& io_context, RtmpServerOptions server_options)
      : io(io_context),
        options(std::move(server_options)),
        write_batcher(options.write_batch.count() > 0
                          ? std::make_shared<WriteBatcher>(io.get_executor(), options.write_batch)
                          : nullptr) {}

  asio::io_context& io;
  RtmpServerOptions options;
  std::shared_ptr<WriteBatcher> write_batcher;  // every viewer's merged writes; null: none
  std::map<uint16_t, std::unique_ptr<Listener>> listeners;  // by registered port
  std::vector<std::shared_ptr<PublisherEntry>> publishers;
  std::vector<std::shared_ptr<WatcherEntry>> watchers;
  // (port, app, key) being published -> the publishing connection
  std::map<std::tuple<uint16_t, std::string, std::string>, uint64_t> live_keys;
  std::map<uint64_t, std::weak_ptr<ServerConnection>> connections;  // ids from endpoint::next_connection_id()
  std::map<asio::ip::address, size_t> connections_per_address;
  std::chrono::steady_clock::time_point last_limit_log;  // refusals at accept are logged once a second

  // connect: some publisher or watcher is registered for the app on the port.
  [[nodiscard]] bool app_registered(uint16_t port, const std::string& app) const;
  // publish: mode live, a registrant for the key, the peer allowed, the key free (then
  // claimed for `connection`) or held by a publisher the registrant's takeover rule lets
  // it replace (then nothing is claimed yet). endpoint::Approval is asked afterwards by
  // the connection, which then claims the key.
  Admission<PublisherEntry> admit_publisher(uint16_t port, const std::string& app, const std::string& key,
                                            const std::string& mode, uint64_t connection,
                                            const asio::ip::address& peer);
  // play: a registrant for the key, the peer allowed.
  Admission<WatcherEntry> admit_viewer(uint16_t port, const std::string& app, const std::string& key,
                                       const asio::ip::address& peer) const;
  // An approved publisher's claim: the key is `connection`'s afterwards unless another
  // publisher holds it that the takeover rule protects (then the refusal). A holder the
  // rule lets go is closed first, so its stream ends before the new one starts.
  std::optional<Refusal> claim_key(const PublisherEntry& entry, const std::string& key, uint64_t connection);
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
