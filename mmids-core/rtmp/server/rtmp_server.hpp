#pragma once
// RtmpServer: the node's RTMP endpoint (SPEC.md section 6). Steps register publishers
// and watchers per (port, app, stream key); the server opens a listener per port on
// first use (TLS fixed by the first registrant), accepts connections, and hands each
// approved publisher's media and each approved viewer to the registrant. It knows
// nothing of workflows: steps adapt it.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/server/ip_rules.hpp"
#include "mmids-core/rtmp/server/viewer_queue.hpp"

#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp {

// A publish or play request, as the registrant's approver sees it.
struct StreamRequest {
  uint64_t connection_id = 0;
  uint16_t port = 0;
  std::string app;
  std::string stream_key;
  std::string query;  // what followed '?' in the stream key (a token, say), without the '?'
  asio::ip::address peer_address;
  uint16_t peer_port = 0;
};
// Call exactly once, now or later, on the io thread: true accepts.
using Approval = std::function<void(bool accepted)>;
// Decides on a request, now or later. The returned lease is held by the connection until
// it stops publishing or playing (or is refused, or goes away), so a registrant can tie
// resources to a client's life: a reactor lookup held while a viewer watches.
using Approver = std::function<Subscription(const StreamRequest& request, Approval approval)>;

// One connected viewer as a stream's fan-out sees it.
class ViewerSink {
 public:
  virtual ~ViewerSink() = default;
  [[nodiscard]] virtual uint64_t connection_id() const = 0;
  // Queues the notification for the viewer under the slow-viewer policy. NewStream
  // makes the viewer wait for a keyframe (and keeps its timestamps continuous).
  virtual void send(const media::MediaNotification& notification) = 0;
  virtual void close(std::string_view reason) = 0;
};

struct PublisherRegistration {
  uint16_t port = 1935;
  std::string app;
  std::string stream_key = "*";  // "*" or one exact key
  bool tls = false;
  IpRules ip_rules;
  log::Fields fields;  // the registrant's ([workflow=.. step=..])
  Approver approve;    // empty: accepted once the app, key and IP rules pass
  // Per approved publisher, in order: NewStream, then StreamMetadata and MediaPayload,
  // then StreamDisconnected when it stops or goes away.
  std::function<void(const media::MediaNotification&)> on_media;
};

struct WatcherRegistration {
  uint16_t port = 1935;
  std::string app;
  std::string stream_key = "*";
  bool tls = false;
  IpRules ip_rules;
  log::Fields fields;
  Approver approve;
  std::function<void(std::shared_ptr<ViewerSink> viewer, const std::string& stream_key)> on_viewer_joined;
  std::function<void(uint64_t connection_id, const std::string& stream_key)> on_viewer_left;
};

struct RtmpServerOptions {
  std::string bind_address;                  // empty: every address
  std::shared_ptr<asio::ssl::context> tls;   // for registrations with tls = true
  ChunkDecoderLimits decoder_limits;
  ViewerQueue::Limits viewer_limits;
  uint32_t out_chunk_size = 4096;
  uint32_t window_ack_size = 2'500'000;
  // Deadlines per phase of a connection (RtmpTransport):
  std::chrono::milliseconds connect_timeout{10000};   // TLS + handshake + connect, from accept
  std::chrono::milliseconds command_timeout{30000};   // connected: silence before publish or play
  std::chrono::milliseconds publish_timeout{30000};   // publishing: silence before it is closed
  std::chrono::milliseconds write_timeout{10000};     // any write that blocks longer closes
};

class RtmpServer {
 public:
  RtmpServer(asio::io_context& io, RtmpServerOptions options);
  ~RtmpServer();
  RtmpServer(const RtmpServer&) = delete;
  RtmpServer& operator=(const RtmpServer&) = delete;

  // The registration lease (reset: unregistered, its clients disconnected), or why the
  // registration conflicts with another or cannot listen.
  [[nodiscard]] Result<Subscription> register_publisher(PublisherRegistration registration);
  [[nodiscard]] Result<Subscription> register_watcher(WatcherRegistration registration);

  // Closes one connection (e.g. a reactor withdrew its approval).
  void disconnect(uint64_t connection_id, std::string_view reason);
  // The port a listener is bound to (the registrations' port, or the actual port when 0
  // was asked for, in tests). 0 when no listener is open there.
  [[nodiscard]] uint16_t bound_port(uint16_t registered_port) const;
  [[nodiscard]] size_t connection_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mmids::rtmp
