#pragma once
// ServerConnection: one accepted RTMP connection, on its io thread (its home; IoThreads).
// It runs the server dialogue over the connection core and brings every request to be
// decided on the main thread (connect: the registered apps; publish: a PublisherRole;
// play: a ViewerAdmission beside its ViewerRole), then acts on the answer there. Deadlines
// follow the phase: handshake and connect, then commands, then publishing (silence
// closes) or playing (a blocked write closes).
// Bad input closes only this connection, with one log line naming the peer and reason.
#include "mmids-core/rtmp/server/publisher_role.hpp"
#include "mmids-core/rtmp/server/viewer_admission.hpp"
#include "mmids-core/rtmp/server/viewer_role.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"
#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

namespace mmids::rtmp {

class ServerConnection final : public RtmpConnection {
 public:
  // Made on the main thread; `batcher`: its thread's (null: no merged writes).
  ServerConnection(std::shared_ptr<RtmpServer::State> server, ThreadPlacement threads,
                   std::shared_ptr<WriteBatcher> batcher, uint16_t port, uint64_t id, asio::ip::tcp::endpoint peer);
  ~ServerConnection() override;

  // Main thread, before start(): enters the connection in the node's book.
  void track(bool tls);
  // Its home thread from here on, unless said otherwise. Starts the connection on its
  // transport (TLS when the listener is RTMPS).
  void start(std::shared_ptr<RtmpTransport> transport, bool tls);
  [[nodiscard]] uint64_t id() const { return id_; }
  // Any thread: since the peer last sent a byte.
  [[nodiscard]] std::chrono::steady_clock::duration silent_for() const {
    return std::chrono::steady_clock::now() -
           std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_received_.load()));
  }
  // Any thread: closes it on its home thread.
  void request_close(std::string_view reason);
  // The main thread's answers, brought home (from `role`: an answer to a role given up
  // meanwhile is dropped).
  void publish_answered(const PublisherRole* role, const PublishAnswer& answer);
  void play_answered(const ViewerAdmission* admission, const PlayAnswer& answer);
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
  void refuse(std::string_view code, const std::string& description, bool publish);
  void end_roles();
  [[nodiscard]] endpoint::StreamRequest request_for(const std::string& key, const std::string& query) const;
  [[nodiscard]] std::shared_ptr<ServerConnection> self();

  std::weak_ptr<RtmpServer::State> server_;  // locked on the main thread only
  const ThreadPlacement threads_;
  const std::shared_ptr<const RegisteredApps> apps_;
  const RtmpServerOptions options_;
  const uint16_t port_;
  const uint64_t id_;
  const asio::ip::tcp::endpoint peer_;
  log::Fields fields_;
  ServerDialogue dialogue_;
  bool received_any_ = false;
  // steady_clock ticks; read by the main thread (takeover), written here.
  std::atomic<std::chrono::steady_clock::rep> last_received_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
  // The roles' main-thread sides, reached through threads_.to_main only.
  std::shared_ptr<PublisherRole> publisher_;
  std::shared_ptr<ViewerAdmission> admission_;
  bool publishing_ = false;  // publisher_ answered: accepted
  std::shared_ptr<ViewerRole> viewer_;
  // This connection in the node's book; its counters are bumped here, on reads and writes;
  // everything else of it is the main thread's.
  std::shared_ptr<activity::ClientEntry> client_;
};

}  // namespace mmids::rtmp
