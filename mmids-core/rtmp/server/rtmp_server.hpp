#pragma once
// RtmpServer: the node's RTMP endpoint (SPEC.md section 6). Steps register publishers
// and watchers per (port, app, stream key); the server opens a listener per port on
// first use (TLS fixed by the first registrant), accepts connections, and hands each
// approved publisher's media and each approved viewer to the registrant. It knows
// nothing of workflows: steps adapt it. Its methods, the registrants' callbacks and their
// approvers run on the main thread (the io_context it is built with); each connection
// runs on one of the io threads (RtmpServerOptions::io_threads).
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/endpoint/registrations.hpp"

#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp {

struct RtmpServerOptions {
  std::string bind_address;                  // empty: every address
  std::shared_ptr<asio::ssl::context> tls;   // for registrations with tls = true
  ChunkDecoderLimits decoder_limits;
  endpoint::ViewerQueue::Limits viewer_limits;
  uint32_t out_chunk_size = 4096;
  uint32_t window_ack_size = 2'500'000;
  // Deadlines per phase of a connection (RtmpTransport):
  std::chrono::milliseconds connect_timeout{10000};   // TLS + handshake + connect, from accept
  std::chrono::milliseconds first_byte_timeout{3000}; // a new connection that sends nothing is closed sooner
  std::chrono::milliseconds command_timeout{30000};   // connected: silence before publish or play
  std::chrono::milliseconds publish_timeout{5000};    // publishing: silence before it is closed
  std::chrono::milliseconds write_timeout{10000};     // any write that blocks longer closes
  // Abuse limits: connections past them are closed at accept, before any byte is read.
  size_t max_connections = 10000;             // on the whole server (every port)
  size_t max_connections_per_address = 1000;  // from one peer address (pulls of many streams share one)
  // Merged writes to viewers: media queued within this interval leaves in one write per
  // viewer (the `write_batch_ms` setting); 0 writes every message at once.
  std::chrono::milliseconds write_batch{0};
  // Paced reads of publishers: a publisher's bytes are read on a tick of this interval, all
  // that arrived in between at once (the `read_batch_ms` setting); 0 reads them as they come.
  std::chrono::milliseconds read_batch{0};
  // The node's book of clients and streams (every connection, every published stream); null: none.
  std::shared_ptr<activity::NodeActivity> activity;
  // The io threads connections are spread over, round robin (`worker_threads`); their
  // main one must be the server's io_context. Null: every connection on that one.
  std::shared_ptr<IoThreads> io_threads;
};

class RtmpServer {
 public:
  RtmpServer(asio::io_context& io, RtmpServerOptions options);
  ~RtmpServer();
  RtmpServer(const RtmpServer&) = delete;
  RtmpServer& operator=(const RtmpServer&) = delete;

  // The registration lease (reset: unregistered, its clients disconnected), or why the
  // registration conflicts with another or cannot listen.
  [[nodiscard]] Result<Subscription> register_publisher(endpoint::PublisherRegistration registration);
  [[nodiscard]] Result<Subscription> register_watcher(endpoint::WatcherRegistration registration);

  // Closes one connection (e.g. a reactor withdrew its approval).
  void disconnect(uint64_t connection_id, std::string_view reason);
  // The port a listener is bound to (the registrations' port, or the actual port when 0
  // was asked for, in tests). 0 when no listener is open there.
  [[nodiscard]] uint16_t bound_port(uint16_t registered_port) const;
  [[nodiscard]] size_t connection_count() const;
  // Viewers admitted by a watcher registration (waiting for approval or playing).
  [[nodiscard]] size_t viewer_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mmids::rtmp
