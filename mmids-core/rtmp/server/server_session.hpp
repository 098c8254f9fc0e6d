#pragma once
// ServerSession: one accepted RTMP connection. Runs the handshake, decodes chunks,
// answers the command set publishers and players send, and then either feeds a
// publisher's media to its registrant or writes a viewer's queue to the socket.
// Bad input closes only this connection, with a log line naming the peer and reason.
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/server/server_state.hpp"
#include "mmids-core/rtmp/server/timestamp_continuity.hpp"
#include "mmids-core/rtmp/transport.hpp"

namespace mmids::rtmp {

class ServerSession : public ViewerSink, public std::enable_shared_from_this<ServerSession> {
 public:
  ServerSession(std::shared_ptr<RtmpServer::State> server, RtmpTransport transport, uint16_t port,
                uint64_t connection_id);
  ~ServerSession() override;

  void start();

  // ViewerSink
  [[nodiscard]] uint64_t connection_id() const override { return connection_id_; }
  void send(const media::MediaNotification& notification) override;
  void close(std::string_view reason) override;

 private:
  enum class Role { None, PublishPending, Publishing, PlayPending, Playing };

  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<bool> run_handshake(std::vector<uint8_t>& buffer);

  Status handle_message(const RtmpMessage& message);
  Status handle_command(const RtmpMessage& message);
  void on_connect(const Command& command);
  void on_create_stream(const Command& command);
  void on_publish(const Command& command, uint32_t message_stream_id);
  void on_play(const Command& command, uint32_t message_stream_id);
  void on_stream_closed();
  Status on_media_message(const RtmpMessage& message);
  Status on_data_message(const RtmpMessage& message);

  // Asks the registrant's approver (if any); `decide` gets the answer while the session
  // still waits for it.
  template <typename Entry>
  void request_approval(const std::shared_ptr<Entry>& entry, Role pending,
                        void (ServerSession::*decide)(const std::shared_ptr<Entry>&, bool));
  void decide_publish(const std::shared_ptr<PublisherEntry>& entry, bool approved);
  void decide_play(const std::shared_ptr<WatcherEntry>& entry, bool approved);
  void start_publishing(const std::shared_ptr<PublisherEntry>& entry);
  void start_playing(const std::shared_ptr<WatcherEntry>& entry);
  void stop_role();
  void reject(std::string_view code, std::string_view description);
  void enqueue(RtmpMessage message, QueuedKind kind = QueuedKind::Control);
  void send_acknowledgement_if_due();
  void cleanup();

  std::weak_ptr<RtmpServer::State> server_;
  RtmpTransport transport_;
  const uint16_t port_;
  const uint64_t connection_id_;
  asio::ip::tcp::endpoint peer_;
  log::Fields fields_;

  ChunkDecoder decoder_;
  ChunkEncoder encoder_;
  ViewerQueue queue_;
  asio::steady_timer wake_writer_;
  asio::steady_timer connect_deadline_;
  bool closed_ = false;
  bool close_when_flushed_ = false;
  std::string close_reason_;

  std::string app_;
  bool connected_ = false;
  uint32_t peer_ack_window_ = 0;
  uint64_t acknowledged_bytes_ = 0;
  uint32_t next_stream_id_ = 1;

  Role role_ = Role::None;
  uint32_t message_stream_id_ = 0;  // the stream publish/play was issued on
  std::string stream_key_;
  uint64_t request_generation_ = 0;  // answers to an older request are ignored
  workflows::Subscription approval_lease_;  // the approver's, held while the role lasts
  std::weak_ptr<PublisherEntry> publisher_entry_;
  std::weak_ptr<WatcherEntry> watcher_entry_;
  media::StreamId media_stream_id_ = 0;
  TimestampContinuity timestamps_;
};

}  // namespace mmids::rtmp
