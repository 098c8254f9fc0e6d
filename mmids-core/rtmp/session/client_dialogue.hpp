#pragma once
// ClientDialogue: the client half of the RTMP conversation, socket-free. It plays a stream
// (what a pull does) or publishes one (what mmids-bench's publishers do): C0+C1, connect,
// createStream, then play or publish, and the status handling around them. Fed with the
// server's bytes it reports the stream starting and, when playing, the media and metadata
// the server sends. The server refusing or ending the stream is a failure of feed(): a
// client has nothing left to do then but close.
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/session/rtmp_channel.hpp"

#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace mmids::rtmp {

struct Command;

namespace client_event {
struct Started {};  // NetStream.Play.Start or NetStream.Publish.Start
struct MediaReceived {
  media::MediaKind kind = media::MediaKind::Video;
  uint32_t timestamp = 0;
  media::SharedBuffer payload;
};
struct MetadataReceived {
  media::SharedBuffer amf0;
};
}  // namespace client_event

using ClientEvent = std::variant<client_event::Started, client_event::MediaReceived, client_event::MetadataReceived>;
// Called for each event as the message causing it is read.
using ClientEventSink = std::function<void(ClientEvent& event)>;

struct ClientDialogueOptions {
  enum class Mode { Play, Publish };
  Mode mode = Mode::Play;
  std::string app;
  std::string tc_url;      // rtmp://host:port/app
  std::string stream_key;  // may carry "?query"
  ChannelOptions channel;
  uint32_t window_ack_size = 2'500'000;  // announced once connected
  uint32_t buffer_length_ms = 100;       // live: play what arrives
  // Publish: announce channel.out_chunk_size once connected, as encoders (ffmpeg, OBS) do,
  // instead of sending media in 128-byte chunks.
  bool announce_chunk_size = false;
};

class ClientDialogue {
 public:
  explicit ClientDialogue(ClientDialogueOptions options, uint32_t uptime_ms = 0);

  // Queues C0+C1; connect follows by itself once the handshake is done.
  void begin();
  // Consumes the server's bytes. Errors are final: a refusal ("server refused: ..."), the
  // server ending the stream ("the server ended the stream (...)"), or bad bytes.
  Status feed(std::span<const uint8_t> bytes, const ClientEventSink& on_event);

  // Publishing, once started: the stream's metadata and media.
  void send_metadata(const media::SharedBuffer& amf0);
  void send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload);
  // Publishing, once started: any message on the published stream (an aggregate, say); its
  // message stream id is set to the stream's.
  void send_message(RtmpMessage message);

  [[nodiscard]] bool started() const { return started_; }
  [[nodiscard]] bool has_output() const { return channel_.has_output(); }
  [[nodiscard]] size_t output_bytes() const { return channel_.output_bytes(); }
  void take_output(ChunkWriteBatch& into) { channel_.take_output(into); }

 private:
  Status on_message(const RtmpMessage& message, const ClientEventSink& on_event);
  Status on_command(const RtmpMessage& message, const ClientEventSink& on_event);
  Status on_status(const Command& command, const ClientEventSink& on_event);
  static void emit(const ClientEventSink& on_event, ClientEvent event);
  void send_connect();
  void send_stream_request();

  ClientDialogueOptions options_;
  RtmpChannel channel_;
  std::vector<RtmpMessage> messages_;
  bool connect_sent_ = false;
  bool started_ = false;
  uint32_t stream_id_ = 0;
};

}  // namespace mmids::rtmp
