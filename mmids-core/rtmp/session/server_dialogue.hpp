#pragma once
// ServerDialogue: the server half of the RTMP conversation (NetConnection and NetStream),
// socket-free. Fed with the bytes a client sends, it answers what needs no decision
// (createStream, releaseStream, FCPublish, getStreamLength, pings, acknowledgements) and
// turns the rest into events for its owner to decide on: connect, publish, play, the
// stream being closed, and a publisher's media and metadata. The owner answers with
// accept_*/reject_*; the dialogue sends the status sequences clients wait for.
//
// One stream per connection (publish or play), as every encoder and player uses it.
// The dialogue talks; it never decides (apps, keys, IP rules, approvals are the server's).
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/session/rtmp_channel.hpp"

#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace mmids::rtmp {

struct Command;

namespace server_event {
// Answer with accept_connect() or reject_connect().
struct ConnectRequested {
  std::string app;  // without a query string or trailing slashes
  std::string tc_url;
};
// Answer with accept_publish() or reject_publish().
struct PublishRequested {
  std::string stream_key;  // without the query string
  std::string query;       // what followed '?' in the key (tokens), without the '?'
  std::string mode;        // "live"; the server refuses anything else itself
};
// Answer with accept_play() or reject_play().
struct PlayRequested {
  std::string stream_key;
  std::string query;
};
// deleteStream, closeStream or FCUnpublish of the stream being published or played
// (or asked for): the role ends, the connection stays.
struct StreamClosed {};
struct MediaReceived {
  media::MediaKind kind = media::MediaKind::Video;
  uint32_t timestamp = 0;
  media::SharedBuffer payload;  // the FLV tag body as sent
};
struct MetadataReceived {
  media::SharedBuffer amf0;  // the onMetaData value, AMF0-encoded
};
// Something worth a log line that does not end the connection (a malformed data message).
struct Notice {
  std::string text;
};
}  // namespace server_event

using ServerEvent = std::variant<server_event::ConnectRequested, server_event::PublishRequested,
                                 server_event::PlayRequested, server_event::StreamClosed,
                                 server_event::MediaReceived, server_event::MetadataReceived,
                                 server_event::Notice>;
// Called for each event as the message that causes it is read, so an answer given inside
// it (accept_connect, say) is in place before the next message of the same read: clients
// send connect, createStream and publish back to back.
using ServerEventSink = std::function<void(ServerEvent& event)>;

struct ServerDialogueOptions {
  ChannelOptions channel;
  uint32_t window_ack_size = 2'500'000;  // announced after connect (and as peer bandwidth)
};

class ServerDialogue {
 public:
  enum class State { AwaitingConnect, ConnectPending, Connected, PublishPending, Publishing, PlayPending, Playing,
                     Refused };

  explicit ServerDialogue(ServerDialogueOptions options = {}, uint32_t uptime_ms = 0);

  // Consumes received bytes, calling `on_event` in the order things happen. An error (bad
  // bytes, a command before connect) is final: close the connection with it.
  Status feed(std::span<const uint8_t> bytes, const ServerEventSink& on_event);

  void accept_connect();
  // NetConnection.Connect.Rejected; the dialogue is over (close once the output is written).
  void reject_connect(std::string_view description);
  void accept_publish();
  // `code`: NetStream.Publish.BadName or .Denied. The dialogue is over.
  void reject_publish(std::string_view code, std::string_view description);
  void accept_play();
  // `code`: NetStream.Play.StreamNotFound or .Failed. The dialogue is over.
  void reject_play(std::string_view code, std::string_view description);

  // To a player: its stream ended for good (Stream EOF, NetStream.Play.UnpublishNotify).
  void end_play(std::string_view description);
  // To a player that was told Play.Start: the stream never came (NetStream.Play.StreamNotFound,
  // say). The dialogue is over.
  void fail_play(std::string_view code, std::string_view description);
  // To a player, on its stream: media and metadata (timestamps are the caller's).
  void send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload);
  void send_metadata(const media::SharedBuffer& amf0);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool refused() const { return state_ == State::Refused; }
  [[nodiscard]] const std::string& app() const { return app_; }
  [[nodiscard]] const std::string& stream_key() const { return stream_key_; }

  [[nodiscard]] bool has_output() const { return channel_.has_output(); }
  [[nodiscard]] size_t output_bytes() const { return channel_.output_bytes(); }
  void take_output(ChunkWriteBatch& into) { channel_.take_output(into); }
  [[nodiscard]] bool handshake_done() const { return channel_.handshake_done(); }

 private:
  Status on_message(const RtmpMessage& message, const ServerEventSink& on_event);
  Status on_command(const RtmpMessage& message, const ServerEventSink& on_event);
  void on_connect(const Command& command, const ServerEventSink& on_event);
  void on_stream_request(const Command& command, uint32_t message_stream_id, bool publish,
                         const ServerEventSink& on_event);
  void on_stream_closed(const ServerEventSink& on_event);
  void on_data(const RtmpMessage& message, const ServerEventSink& on_event);
  static void emit(const ServerEventSink& on_event, ServerEvent event);
  void reply_status(std::string_view level, std::string_view code, std::string_view description);
  void refuse(std::string_view code, std::string_view description);

  ServerDialogueOptions options_;
  RtmpChannel channel_;
  std::vector<RtmpMessage> messages_;  // reused by every feed
  State state_ = State::AwaitingConnect;
  std::string app_;
  double connect_transaction_ = 0;
  double object_encoding_ = 0;
  uint32_t next_stream_id_ = 1;
  uint32_t message_stream_id_ = 0;  // the stream publish/play was issued on
  std::string stream_key_;
};

}  // namespace mmids::rtmp
