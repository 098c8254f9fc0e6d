// Fuzz target: what a server sends an RTMP client (a pull, or mmids-bench's publisher),
// through rtmp::ClientDialogue in Play and Publish mode (small decoder limits), the
// output drained after every read as the pull client does. Beyond "no crash, no hang":
// - the stream starts at most once; media arrives only when playing, after the start;
// - a publisher that started sends media (by a bit of the input) and that goes out;
// - what it writes is a chunk stream a server can decode, bounded by what it read;
// - every error carries a reason, and the connection ends at the first one.
//
// Input: [control][actions][server bytes]. Control bits 0-2: read sizes; bit 3: publish
// instead of play; bits 4-5: 0 = the server bytes are the whole conversation from S0;
// 1..3 = a valid plain S0+S1+S2 and the first 0..2 writes of the project's own server
// (connect replies; createStream's result) come first. Actions: bits that decide, after
// each read, whether a started publisher sends media.
#include "dialogue_support.hpp"

#include <cstdlib>

using namespace mmids;
using namespace mmids::rtmp;

namespace {

class ClientHarness {
 public:
  ClientHarness(ClientDialogueOptions::Mode mode, uint8_t actions)
      : mode_(mode), dialogue_(options(mode)), decide_(static_cast<uint16_t>(actions << 8 | actions)) {
    dialogue_.begin();
    drain();
  }

  // Feeds one read; false once the connection would be closed.
  bool read(std::span<const uint8_t> bytes) {
    input_ += bytes.size();
    events_.clear();
    const Status status = dialogue_.feed(bytes, fuzz::collect_into(events_));
    for (const auto& event : events_) std::visit([this](const auto& e) { check(e); }, event);
    if (started_ != dialogue_.started()) std::abort();
    if (started_ && mode_ == ClientDialogueOptions::Mode::Publish && decide_.next()) publish_something();
    drain();
    if (!status.ok()) {
      if (status.error().empty()) std::abort();
      return false;
    }
    return true;
  }

 private:
  static ClientDialogueOptions options(ClientDialogueOptions::Mode mode) {
    ClientDialogueOptions options;
    options.mode = mode;
    options.app = "pull_source";
    options.tc_url = "rtmp://10.0.0.1:1935/pull_source";
    options.stream_key = "cam1";
    options.channel = fuzz::fuzz_channel();
    return options;
  }

  void check(const client_event::Started&) {
    if (started_) std::abort();  // once
    started_ = true;
  }
  void check(const client_event::MediaReceived& event) {
    if (!started_ || mode_ != ClientDialogueOptions::Mode::Play || event.payload.empty()) std::abort();
  }
  void check(const client_event::MetadataReceived& event) {
    if (event.amf0.empty()) std::abort();
  }

  void publish_something() {
    static const auto media = fuzz::sample_media();
    static const auto metadata = fuzz::sample_metadata();
    dialogue_.send_metadata(metadata);
    for (const auto& [kind, tag] : media) dialogue_.send_media(kind, timestamp_ += 33, media::SharedBuffer::copy_of(tag));
    const size_t before = output_bytes_;
    drain();
    if (output_bytes_ - before < metadata.size()) std::abort();  // a started publisher's media goes out
    sent_ += output_bytes_ - before;
  }

  void drain() {
    ChunkWriteBatch batch;
    dialogue_.take_output(batch);
    output_bytes_ += batch.size();
    output_.check(batch);
    // C0+C1, connect and the stream request once; acks, pings and window sizes per read.
    if (output_.total() > 16 * 1024 + 32 * input_ + sent_) std::abort();
  }

  ClientDialogueOptions::Mode mode_;
  ClientDialogue dialogue_;
  fuzz::Decisions decide_;
  fuzz::OutputChecker output_;
  std::vector<ClientEvent> events_;
  size_t input_ = 0;
  size_t output_bytes_ = 0;
  size_t sent_ = 0;  // bytes of media the harness had the dialogue send
  uint32_t timestamp_ = 0;
  bool started_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t control = data[0];
  const size_t piece = fuzz::piece_size(control);
  const auto mode = (control & 0x08) ? ClientDialogueOptions::Mode::Publish : ClientDialogueOptions::Mode::Play;
  const size_t prefix = (control >> 4) & 3;
  ClientHarness harness(mode, data[1]);
  const std::span<const uint8_t> wire(data + 2, size - 2);

  if (prefix > 0) {
    static const auto handshake = fuzz::plain_handshake(2);
    static const auto to_player = fuzz::converse(ClientDialogueOptions::Mode::Play).server;
    static const auto to_publisher = fuzz::converse(ClientDialogueOptions::Mode::Publish).server;
    const auto& writes = mode == ClientDialogueOptions::Mode::Play ? to_player : to_publisher;
    if (!harness.read(handshake)) std::abort();  // a valid handshake is never refused
    for (size_t i = 0; i + 1 < prefix && i < writes.size(); ++i)
      if (!harness.read(writes[i])) std::abort();  // nor is a real server's conversation
  }
  for (size_t offset = 0; offset < wire.size(); offset += piece) {
    if (!harness.read(wire.subspan(offset, std::min(piece, wire.size() - offset)))) break;
  }
  return 0;
}
