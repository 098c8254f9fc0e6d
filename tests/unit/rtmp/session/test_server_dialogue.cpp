// The server half of the RTMP dialogue, socket-free: fed with what real clients send (byte
// captures of ffmpeg) and with hand-built messages, it must produce the events a server
// decides on and the replies clients wait for.
#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"
#include "tests/unit/rtmp/session/session_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;

namespace {

// A dialogue with a policy that answers at once, recording every event.
struct Server {
  ServerDialogue dialogue;
  std::vector<ServerEvent> events;
  bool accept_connects = true;
  bool accept_streams = true;

  Status feed(std::span<const uint8_t> bytes, size_t piece = SIZE_MAX) {
    for (size_t offset = 0; offset < bytes.size();) {
      const size_t take = std::min(piece, bytes.size() - offset);
      auto status = dialogue.feed(bytes.subspan(offset, take), [this](ServerEvent& event) { on(event); });
      if (!status.ok()) return status;
      offset += take;
    }
    return {};
  }
  void on(ServerEvent& event) {
    events.push_back(event);
    if (std::holds_alternative<server_event::ConnectRequested>(event)) {
      accept_connects ? dialogue.accept_connect() : dialogue.reject_connect("no such app");
    } else if (std::holds_alternative<server_event::PublishRequested>(event)) {
      accept_streams ? dialogue.accept_publish() : dialogue.reject_publish(status::publish_bad_name, "taken");
    } else if (std::holds_alternative<server_event::PlayRequested>(event)) {
      accept_streams ? dialogue.accept_play() : dialogue.reject_play(status::play_stream_not_found, "none");
    }
  }
  std::vector<uint8_t> output() {
    ChunkWriteBatch batch;
    dialogue.take_output(batch);
    return batch.to_bytes();
  }
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& event : events)
      if (const auto* e = std::get_if<T>(&event)) out.push_back(*e);
    return out;
  }
};

// A scripted client that has finished the handshake with `server`.
ScriptedClient connected_client(Server& server, PeerReader& reader);

// ... and connected to app "live" and publishing `key`.
ScriptedClient publishing_client(Server& server, PeerReader& reader, const std::string& key = "cam") {
  auto client = connected_client(server, reader);
  REQUIRE(server.feed(client.connect("live")).ok());
  REQUIRE(server.feed(client.encode(make_command(1, command_name::publish, 0, Amf0Value::null(),
                                                 std::vector{Amf0Value::string(key)}))).ok());
  return client;
}

ScriptedClient connected_client(Server& server, PeerReader& reader) {
  ScriptedClient client;
  REQUIRE(server.feed(client.hello()).ok());
  auto s0s1s2 = server.output();
  REQUIRE(s0s1s2.size() == 1 + 2 * kHandshakePacketSize);
  reader.read(s0s1s2);
  REQUIRE(server.feed(client.answer(s0s1s2)).ok());
  REQUIRE(server.dialogue.handshake_done());
  return client;
}

}  // namespace

TEST_CASE("server dialogue: ffmpeg's publish comes out as connect, publish, metadata and media", "[rtmp][session]") {
  const auto wire = capture("ffmpeg_publish_client.bin");
  for (size_t piece : {size_t{1}, size_t{100}, size_t{1400}, wire.size()}) {
    INFO("read size " << piece);
    Server server;
    REQUIRE(server.feed(wire, piece).ok());

    auto connects = server.all<server_event::ConnectRequested>();
    REQUIRE(connects.size() == 1);
    CHECK(connects[0].app == "live");
    auto publishes = server.all<server_event::PublishRequested>();
    REQUIRE(publishes.size() == 1);
    CHECK(publishes[0].stream_key == "cap");
    CHECK(publishes[0].mode == "live");
    CHECK(server.all<server_event::MetadataReceived>().size() == 1);
    // The capture ends with ffmpeg's FCUnpublish and deleteStream.
    CHECK(server.all<server_event::StreamClosed>().size() == 1);
    CHECK(server.dialogue.state() == ServerDialogue::State::Connected);

    auto media = server.all<server_event::MediaReceived>();
    size_t video = 0, audio = 0;
    for (const auto& m : media) (m.kind == media::MediaKind::Video ? video : audio)++;
    CHECK(video >= 10);  // 1.2 s at 10 fps
    CHECK(audio >= 40);
    // The first video message is the decoder configuration, the next a keyframe.
    auto first_video = std::find_if(media.begin(), media.end(), [](auto& m) { return m.kind == media::MediaKind::Video; });
    REQUIRE(first_video != media.end());
    CHECK(media::inspect_video_tag(first_video->payload.span()).is_sequence_header);

    // What ffmpeg waits for, in order, after the handshake reply.
    PeerReader reader(1 + 2 * kHandshakePacketSize);
    auto sent = reader.read(server.output());
    CHECK(reader.handshake()[0] == kRtmpVersion);
    REQUIRE(first_of_type(sent, message_type::window_ack_size));
    auto chunk_size = first_of_type(sent, message_type::set_chunk_size);
    REQUIRE(chunk_size);
    CHECK(*parse_set_chunk_size(*chunk_size) == 4096);
    auto commands = commands_in(sent);
    REQUIRE(commands.size() >= 4);
    CHECK(commands[0].name == command_name::result);  // connect
    CHECK(commands[0].arguments[0].get("code").string_or("") == status::connect_success);
    CHECK(status_codes_in(sent) ==
          std::vector<std::string>{std::string(status::publish_start), std::string(status::unpublish_success)});
  }
}

TEST_CASE("server dialogue: ffmpeg's play is a play request answered by Reset and Start", "[rtmp][session]") {
  Server server;
  REQUIRE(server.feed(capture("ffmpeg_play_client.bin")).ok());
  auto plays = server.all<server_event::PlayRequested>();
  REQUIRE(plays.size() == 1);
  CHECK(plays[0].stream_key == "cap");
  CHECK(server.dialogue.state() == ServerDialogue::State::Playing);

  server.dialogue.send_metadata(media::SharedBuffer::copy_of(amf0_encode({Amf0Value::ecma_array()})));
  server.dialogue.send_media(media::MediaKind::Video, 40, pattern(5000, 3));
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto sent = reader.read(server.output());
  CHECK(status_codes_in(sent) == std::vector<std::string>{std::string(status::play_reset), std::string(status::play_start),
                                                          std::string(status::data_start)});
  auto video = first_of_type(sent, message_type::video);
  REQUIRE(video);
  CHECK(video->payload == pattern(5000, 3));
  CHECK(video->timestamp == 40);
  CHECK(video->message_stream_id == 1);  // the stream ffmpeg created and played on
  REQUIRE(first_of_type(sent, message_type::data_amf0));
}

TEST_CASE("server dialogue: a stream key's query is kept apart from the key", "[rtmp][session]") {
  Server server;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = connected_client(server, reader);
  REQUIRE(server.feed(client.connect("live?app_token=1")).ok());
  REQUIRE(server.feed(client.encode(make_command(1, command_name::publish, 0, Amf0Value::null(),
                                                 std::vector{Amf0Value::string("cam?token=abc&x=1")}))).ok());
  auto connects = server.all<server_event::ConnectRequested>();
  REQUIRE(connects.size() == 1);
  CHECK(connects[0].app == "live");
  auto publishes = server.all<server_event::PublishRequested>();
  REQUIRE(publishes.size() == 1);
  CHECK(publishes[0].stream_key == "cam");
  CHECK(publishes[0].query == "token=abc&x=1");
}

TEST_CASE("server dialogue: commands before connect end the dialogue", "[rtmp][session]") {
  Server server;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = connected_client(server, reader);
  auto status = server.feed(client.encode(make_command(0, command_name::create_stream, 2, Amf0Value::null())));
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error(), Catch::Contains("before connect"));
}

TEST_CASE("server dialogue: a refused connect is told Connect.Rejected and nothing more is heard", "[rtmp][session]") {
  Server server;
  server.accept_connects = false;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = connected_client(server, reader);
  REQUIRE(server.feed(client.connect("nope")).ok());
  CHECK(server.dialogue.refused());
  auto sent = reader.read(server.output());
  auto commands = commands_in(sent);
  REQUIRE(commands.size() == 1);
  CHECK(commands[0].name == command_name::error);
  CHECK(commands[0].arguments[0].get("code").string_or("") == status::connect_rejected);
  REQUIRE(server.feed(client.encode(make_command(0, command_name::create_stream, 2, Amf0Value::null()))).ok());
  CHECK(reader.read(server.output()).empty());
}

TEST_CASE("server dialogue: a refused publish is told BadName", "[rtmp][session]") {
  Server server;
  server.accept_streams = false;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = publishing_client(server, reader);
  CHECK(server.dialogue.refused());
  CHECK(status_codes_in(reader.read(server.output())) == std::vector<std::string>{std::string(status::publish_bad_name)});
}

TEST_CASE("server dialogue: acknowledgements follow the peer's window and pings are answered", "[rtmp][session]") {
  Server server;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = connected_client(server, reader);
  REQUIRE(server.feed(client.encode(make_window_ack_size(1000))).ok());
  REQUIRE(server.feed(client.encode(make_ping_request(777))).ok());
  REQUIRE(server.feed(client.connect("live")).ok());
  // Enough bytes to pass the window: media before publish is dropped but still counted.
  REQUIRE(server.feed(client.encode(message(6, message_type::video, 1, 0, pattern(3000)))).ok());
  auto sent = reader.read(server.output());
  auto ack = first_of_type(sent, message_type::acknowledgement);
  REQUIRE(ack);
  CHECK(*parse_acknowledgement(*ack) >= 1000);
  auto ping = first_of_type(sent, message_type::user_control);
  REQUIRE(ping);
  auto event = parse_user_control(*ping);
  REQUIRE(event.ok());
  CHECK(event->event == UserControlEvent::PingResponse);
  CHECK(event->value == 777);
  CHECK(server.all<server_event::MediaReceived>().empty());
}

TEST_CASE("server dialogue: aggregates arrive as the media messages inside them", "[rtmp][session]") {
  Server server;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = publishing_client(server, reader);
  // Two sub-messages: video at +0 and audio at +20 ms.
  auto aggregate = aggregate_of({{message_type::video, 100, pattern(50, 1)}, {message_type::audio, 120, pattern(30, 2)}});
  REQUIRE(server.feed(client.encode(message(6, message_type::aggregate, 1, 1000, aggregate))).ok());
  auto media = server.all<server_event::MediaReceived>();
  REQUIRE(media.size() == 2);
  CHECK(media[0].kind == media::MediaKind::Video);
  CHECK(media[0].timestamp == 1000);
  CHECK(media[0].payload == pattern(50, 1));
  CHECK(media[1].kind == media::MediaKind::Audio);
  CHECK(media[1].timestamp == 1020);
}

TEST_CASE("server dialogue: closing the stream ends the role and says Unpublish.Success", "[rtmp][session]") {
  Server server;
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto client = publishing_client(server, reader);
  REQUIRE(server.feed(client.encode(make_command(0, command_name::fc_unpublish, 0, Amf0Value::null()))).ok());
  REQUIRE(server.feed(client.encode(make_command(0, command_name::delete_stream, 0, Amf0Value::null()))).ok());
  CHECK(server.all<server_event::StreamClosed>().size() == 1);  // FCUnpublish, then deleteStream finds nothing open
  CHECK(server.dialogue.state() == ServerDialogue::State::Connected);
  auto codes = status_codes_in(reader.read(server.output()));
  CHECK(codes == std::vector<std::string>{std::string(status::publish_start), std::string(status::unpublish_success)});
}

TEST_CASE("server dialogue: a player told the stream ended gets Stream EOF and UnpublishNotify", "[rtmp][session]") {
  Server server;
  REQUIRE(server.feed(capture("ffmpeg_play_client.bin")).ok());
  server.dialogue.end_play("cap ended");
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto sent = reader.read(server.output());
  auto codes = status_codes_in(sent);
  REQUIRE_FALSE(codes.empty());
  CHECK(codes.back() == status::play_unpublish_notify);
  bool eof = false;
  for (const auto& message : sent) {
    if (message.type_id != message_type::user_control) continue;
    if (auto event = parse_user_control(message); event.ok() && event->event == UserControlEvent::StreamEof) eof = true;
  }
  CHECK(eof);
}

TEST_CASE("server dialogue: garbage instead of a handshake is an error", "[rtmp][session]") {
  Server server;
  std::vector<uint8_t> garbage(2000, 0x47);
  auto status = server.feed(garbage);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error(), Catch::Contains("handshake"));
}
