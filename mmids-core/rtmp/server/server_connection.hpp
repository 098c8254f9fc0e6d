#pragma once
// ServerConnection: one accepted RTMP connection. It runs the server dialogue over the
// connection core, brings every request to the server's state to be decided (connect,
// publish, play) and, once decided, hands the stream to a role: a PublisherRole or a
// ViewerRole. Deadlines follow the phase: handshake and connect, then commands, then
// publishing (silence closes) or playing (a blocked write closes).
// Bad input closes only this connection, with one log line naming the peer and reason.
#include "mmids-core/rtmp/server/publisher_role.hpp"
#include "mmids-core/rtmp/server/viewer_role.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"
#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

namespace mmids::rtmp {

class ServerConnection final : public RtmpConnection {
 public:
  ServerConnection(std::shared_ptr<RtmpServer::State> server, uint16_t port, uint64_t id,
                   asio::ip::tcp::endpoint peer);
  ~ServerConnection() override;

  // Starts the connection on its transport (TLS when the listener is RTMPS).
  void start(std::shared_ptr<RtmpTransport> transport, bool tls);
  [[nodiscard]] uint64_t id() const { return id_; }
  // Since the peer last sent a byte.
  [[nodiscard]] std::chrono::steady_clock::duration silent_for() const {
    return std::chrono::steady_clock::now() - last_received_;
  }
  // A viewer's stream never started: it is told so and closed (ViewerRole's start timeout).
  void fail_play(std::string_view code, const std::string& description);
  // A viewer's stream ended for good: it is told so once what is queued is written.
  void end_play(const std::string& description);

 private:
  void on_started() override;
  Status on_bytes(std::span<const uint8_t> bytes) override;
  void collect_output(ChunkWriteBatch& batch) override;
  void on_closed(const std::string& reason) override;

  void on_event(server_event::ConnectRequested& event);
  void on_event(server_event::PublishRequested& event);
  void on_event(server_event::PlayRequested& event);
  void on_event(server_event::StreamClosed& event);
  void on_event(server_event::MediaReceived& event);
  void on_event(server_event::MetadataReceived& event);
  void on_event(server_event::Notice& event);
  void publish_decided(bool approved);
  void play_decided(bool approved);
  void refuse(std::string_view code, const std::string& description, bool publish);
  void end_roles();
  [[nodiscard]] endpoint::StreamRequest request_for(const std::string& key, const std::string& query) const;
  [[nodiscard]] std::shared_ptr<ServerConnection> self();

  std::weak_ptr<RtmpServer::State> server_;
  asio::io_context& io_;
  const RtmpServerOptions options_;
  const uint16_t port_;
  const uint64_t id_;
  const asio::ip::tcp::endpoint peer_;
  log::Fields fields_;
  ServerDialogue dialogue_;
  bool received_any_ = false;
  std::chrono::steady_clock::time_point last_received_ = std::chrono::steady_clock::now();
  std::chrono::milliseconds publish_timeout_;
  std::shared_ptr<PublisherRole> publisher_;
  std::shared_ptr<ViewerRole> viewer_;
  // This connection in the node's book; its counters are bumped here, on reads and writes.
  std::shared_ptr<activity::ClientEntry> client_;
};

}  // namespace mmids::rtmp
