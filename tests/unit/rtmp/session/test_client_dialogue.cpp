// The client half of the RTMP dialogue, socket-free: against what a real server sent
// (a capture of a node serving ffplay's request), and against the server half itself.
#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/session/client_dialogue.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"
#include "tests/unit/rtmp/session/session_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;

namespace {

ClientDialogueOptions options(ClientDialogueOptions::Mode mode, const std::string& key = "cap") {
  ClientDialogueOptions result;
  result.mode = mode;
  result.app = "live";
  result.tc_url = "rtmp://127.0.0.1:1935/live";
  result.stream_key = key;
  return result;
}

struct Client {
  explicit Client(ClientDialogueOptions o) : dialogue(std::move(o)) { dialogue.begin(); }
  ClientDialogue dialogue;
  std::vector<ClientEvent> events;
  Status feed(std::span<const uint8_t> bytes) {
    return dialogue.feed(bytes, [this](ClientEvent& event) { events.push_back(event); });
  }
  std::vector<uint8_t> output() {
    ChunkWriteBatch batch;
    dialogue.take_output(batch);
    return batch.to_bytes();
  }
  size_t count_media(media::MediaKind kind) const {
    size_t n = 0;
    for (const auto& event : events)
      if (auto* m = std::get_if<client_event::MediaReceived>(&event); m && m->kind == kind) ++n;
    return n;
  }
};

// Client and server dialogues wired back to back: whatever one queues, the other reads.
struct Loopback {
  explicit Loopback(ClientDialogueOptions o) : client(std::move(o)) {}
  Client client;
  ServerDialogue server;
  std::vector<ServerEvent> server_events;
  bool accept = true;

  void run() {
    for (int round = 0; round < 20; ++round) {
      auto to_server = client.output();
      if (!to_server.empty()) {
        REQUIRE(server.feed(to_server, [this](ServerEvent& event) { on(event); }).ok());
      }
      ChunkWriteBatch batch;
      server.take_output(batch);
      auto to_client = batch.to_bytes();
      if (!to_client.empty()) last_client_status = client.feed(to_client);
      if (to_server.empty() && to_client.empty()) return;
    }
  }
  void on(ServerEvent& event) {
    server_events.push_back(event);
    if (std::holds_alternative<server_event::ConnectRequested>(event)) server.accept_connect();
    if (std::holds_alternative<server_event::PublishRequested>(event)) {
      accept ? server.accept_publish() : server.reject_publish(status::publish_bad_name, "stream key is taken");
    }
    if (std::holds_alternative<server_event::PlayRequested>(event)) {
      accept ? server.accept_play() : server.reject_play(status::play_stream_not_found, "no such stream to watch");
    }
  }
  Status last_client_status;
};

bool started(const Client& client) {
  return std::any_of(client.events.begin(), client.events.end(),
                     [](const ClientEvent& e) { return std::holds_alternative<client_event::Started>(e); });
}

}  // namespace

TEST_CASE("client dialogue: plays what a node sent ffplay: Start, then metadata and media", "[rtmp][session]") {
  Client client(options(ClientDialogueOptions::Mode::Play));
  // The capture is the node's side of a play whose client used transaction ids 1 (connect)
  // and 2 (createStream), as this client does.
  REQUIRE(client.feed(capture("mmids_play_server.bin")).ok());
  CHECK(started(client));
  CHECK(client.count_media(media::MediaKind::Video) >= 5);
  CHECK(client.count_media(media::MediaKind::Audio) >= 5);
  auto first_video = std::find_if(client.events.begin(), client.events.end(), [](const ClientEvent& e) {
    auto* m = std::get_if<client_event::MediaReceived>(&e);
    return m && m->kind == media::MediaKind::Video;
  });
  REQUIRE(first_video != client.events.end());
  const auto& video = std::get<client_event::MediaReceived>(*first_video);
  CHECK(media::inspect_video_tag(video.payload.span()).is_sequence_header);

  // What it said: C0+C1, C2, connect, window size, createStream, play, buffer length.
  PeerReader reader(1 + 2 * kHandshakePacketSize);
  auto sent = reader.read(client.output());
  auto commands = commands_in(sent);
  std::vector<std::string> names;
  for (const auto& command : commands) names.push_back(command.name);
  CHECK(names == std::vector<std::string>{"connect", "createStream", "play"});
  CHECK(commands.back().arguments[0].string_or("") == "cap");
}

TEST_CASE("client dialogue: publishes to the server dialogue, media arrives unchanged", "[rtmp][session]") {
  Loopback loop(options(ClientDialogueOptions::Mode::Publish, "cam?token=t1"));
  loop.run();
  REQUIRE(started(loop.client));
  REQUIRE(loop.server.state() == ServerDialogue::State::Publishing);
  loop.client.dialogue.send_metadata(media::SharedBuffer::copy_of(amf0_encode({Amf0Value::ecma_array()})));
  loop.client.dialogue.send_media(media::MediaKind::Video, 0, pattern(20000, 5));  // several chunks
  loop.client.dialogue.send_media(media::MediaKind::Audio, 23, pattern(200, 6));
  loop.run();
  std::vector<server_event::MediaReceived> media;
  bool metadata = false;
  std::string query;
  for (const auto& event : loop.server_events) {
    if (auto* m = std::get_if<server_event::MediaReceived>(&event)) media.push_back(*m);
    if (std::holds_alternative<server_event::MetadataReceived>(event)) metadata = true;
    if (auto* p = std::get_if<server_event::PublishRequested>(&event)) query = p->query;
  }
  CHECK(metadata);
  CHECK(query == "token=t1");
  REQUIRE(media.size() == 2);
  CHECK(media[0].payload == pattern(20000, 5));
  CHECK(media[1].kind == media::MediaKind::Audio);
  CHECK(media[1].timestamp == 23);
}

TEST_CASE("client dialogue: plays from the server dialogue", "[rtmp][session]") {
  Loopback loop(options(ClientDialogueOptions::Mode::Play));
  loop.run();
  REQUIRE(started(loop.client));
  loop.server.send_media(media::MediaKind::Video, 1000, pattern(9000, 7));
  loop.run();
  CHECK(loop.client.count_media(media::MediaKind::Video) == 1);
}

TEST_CASE("client dialogue: a refusal is a failure naming the server's reason", "[rtmp][session]") {
  Loopback loop(options(ClientDialogueOptions::Mode::Play));
  loop.accept = false;
  loop.run();
  REQUIRE_FALSE(loop.last_client_status.ok());
  CHECK_THAT(loop.last_client_status.error(), Catch::Contains("server refused") && Catch::Contains("StreamNotFound"));
}

TEST_CASE("client dialogue: the server ending the stream is a failure", "[rtmp][session]") {
  Loopback loop(options(ClientDialogueOptions::Mode::Play));
  loop.run();
  REQUIRE(started(loop.client));
  loop.server.end_play("gone");
  loop.run();
  REQUIRE_FALSE(loop.last_client_status.ok());
  CHECK_THAT(loop.last_client_status.error(), Catch::Contains("the server ended the stream"));
}
