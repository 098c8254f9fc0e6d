// Fuzz target: what a client sends an RTMP server, through rtmp::ServerDialogue (with
// small decoder limits), every event answered as the server might (accept or
// reject, by bits of the input), the output drained after every read as the connection
// does. Beyond "no crash, no hang":
// - the events follow the dialogue's contract: one connect; publish/play only once
//   connected and one at a time; media and metadata only after the publish was accepted
//   and until the stream closes; apps and keys without their query strings;
// - once refused, it stays refused and reports nothing more;
// - what it writes is a chunk stream a client can decode, bounded by what it read;
// - every error carries a reason, and the connection ends at the first one.
//
// Input: [control][decisions: 2 bytes][client bytes]. Control bits 0-2: read sizes;
// bits 3-4: 0 = the client bytes are the whole conversation from C0; 1..3 = a valid
// plain handshake and the first 1..3 writes of a real client (connect; createStream;
// publish or play) come first; bit 5: that client plays instead of publishing.
#include "dialogue_support.hpp"

#include <cstdlib>
#include <string_view>

using namespace mmids;
using namespace mmids::rtmp;

namespace {

class ServerHarness {
 public:
  explicit ServerHarness(uint16_t decisions) : dialogue_(options()), decide_(decisions) {}

  // Feeds one read; false once the connection would be closed.
  bool read(std::span<const uint8_t> bytes) {
    input_ += bytes.size();
    const bool refused_before = dialogue_.refused();
    events_.clear();
    const Status status = dialogue_.feed(bytes, fuzz::collect_into(events_));
    if (refused_before && (!events_.empty() || !dialogue_.refused())) std::abort();
    // First what the events say against what came before them, then the answers: a
    // server answers after the whole read, so a client may have closed the stream (or
    // asked again) in the same read, and then an answer finds nothing pending.
    for (const auto& event : events_) std::visit([this](const auto& e) { check(e); }, event);
    for (const auto& event : events_) answer(event);
    if (dialogue_.state() == ServerDialogue::State::Playing) play_something();
    const auto state = dialogue_.state();
    connected_ = state != ServerDialogue::State::AwaitingConnect && state != ServerDialogue::State::ConnectPending;
    stream_open_ = state == ServerDialogue::State::PublishPending || state == ServerDialogue::State::Publishing ||
                   state == ServerDialogue::State::PlayPending || state == ServerDialogue::State::Playing;
    publishing_ = state == ServerDialogue::State::Publishing;

    ChunkWriteBatch batch;
    dialogue_.take_output(batch);
    output_.check(batch);
    // Protocol control answers (acks, pings) are small and per read; commands answer
    // commands. Anything far beyond that is a reply loop.
    if (output_.total() > 16 * 1024 + 32 * input_ + 2 * sent_) std::abort();
    if (!status.ok()) {
      if (status.error().empty()) std::abort();
      return false;
    }
    return true;
  }

 private:
  static ServerDialogueOptions options() {
    ServerDialogueOptions options;
    options.channel = fuzz::fuzz_channel();
    return options;
  }

  void check(const server_event::ConnectRequested& event) {
    if (connect_seen_ || event.app.find('?') != std::string::npos || event.app.ends_with('/')) std::abort();
    if (dialogue_.state() != ServerDialogue::State::ConnectPending) std::abort();  // only an answer moves it on
    connect_seen_ = true;
  }
  void check(const server_event::PublishRequested& event) { check_stream_request(event.stream_key); }
  void check(const server_event::PlayRequested& event) { check_stream_request(event.stream_key); }
  void check(const server_event::StreamClosed&) {
    if (!stream_open_) std::abort();
    stream_open_ = publishing_ = false;
  }
  void check(const server_event::MediaReceived& event) {
    if (!publishing_ || event.payload.empty()) std::abort();
    if (event.payload.size() > fuzz::fuzz_channel().limits.max_message_length) std::abort();
  }
  void check(const server_event::MetadataReceived& event) {
    if (!publishing_ || event.amf0.empty()) std::abort();
  }
  void check(const server_event::Notice& event) {
    if (event.text.empty()) std::abort();
  }
  void check_stream_request(const std::string& key) {
    if (!connected_ || stream_open_ || key.find('?') != std::string::npos) std::abort();
    stream_open_ = true;
  }

  void answer(const ServerEvent& event) {
    using State = ServerDialogue::State;
    const State before = dialogue_.state();
    if (std::holds_alternative<server_event::ConnectRequested>(event)) {
      if (decide_.next()) {
        dialogue_.accept_connect();
        if (dialogue_.state() != State::Connected) std::abort();
      } else {
        dialogue_.reject_connect("fuzz says no");
        if (!dialogue_.refused()) std::abort();
      }
      return;
    }
    const bool publish = std::holds_alternative<server_event::PublishRequested>(event);
    if (!publish && !std::holds_alternative<server_event::PlayRequested>(event)) return;
    const bool pending = before == (publish ? State::PublishPending : State::PlayPending);
    if (decide_.next()) {
      publish ? dialogue_.accept_publish() : dialogue_.accept_play();
      if (dialogue_.state() != (pending ? (publish ? State::Publishing : State::Playing) : before)) std::abort();
    } else {
      publish ? dialogue_.reject_publish("NetStream.Publish.BadName", "fuzz says no")
              : dialogue_.reject_play("NetStream.Play.StreamNotFound", "fuzz says no");
      if (dialogue_.state() != (pending ? State::Refused : before)) std::abort();
    }
  }

  // A player gets media and metadata, or its stream ended, as the server's viewers do.
  void play_something() {
    if (decide_.next()) {
      static const auto media = fuzz::sample_media();
      for (const auto& [kind, tag] : media) {
        dialogue_.send_media(kind, timestamp_ += 33, media::SharedBuffer::copy_of(tag));
        sent_ += tag.size();
      }
      static const auto metadata = fuzz::sample_metadata();
      dialogue_.send_metadata(metadata);
      sent_ += metadata.size();
    } else if (decide_.next()) {
      dialogue_.end_play("fuzz ended it");
      if (dialogue_.state() != ServerDialogue::State::Connected) std::abort();
    }
  }

  ServerDialogue dialogue_;
  fuzz::Decisions decide_;
  fuzz::OutputChecker output_;
  std::vector<ServerEvent> events_;
  size_t input_ = 0;
  size_t sent_ = 0;  // media bytes the harness had the dialogue send
  uint32_t timestamp_ = 0;
  bool connect_seen_ = false;
  bool connected_ = false;    // the states as the events and answers so far leave them
  bool stream_open_ = false;
  bool publishing_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t control = data[0];
  const size_t piece = fuzz::piece_size(control);
  const size_t prefix_writes = (control >> 3) & 3;
  const bool plays = (control & 0x20) != 0;
  ServerHarness harness(static_cast<uint16_t>(data[1] << 8 | data[2]));
  const std::span<const uint8_t> wire(data + 3, size - 3);

  if (prefix_writes > 0) {
    static const auto handshake = fuzz::plain_handshake(2);
    static const auto publisher = fuzz::converse(ClientDialogueOptions::Mode::Publish).client;
    static const auto player = fuzz::converse(ClientDialogueOptions::Mode::Play).client;
    const auto& writes = plays ? player : publisher;
    if (!harness.read(handshake)) std::abort();  // a valid handshake is never refused
    for (size_t i = 0; i < prefix_writes && i < writes.size(); ++i)
      if (!harness.read(writes[i])) std::abort();  // nor is a real client's conversation
  }
  for (size_t offset = 0; offset < wire.size(); offset += piece) {
    if (!harness.read(wire.subspan(offset, std::min(piece, wire.size() - offset)))) break;
  }
  return 0;
}
