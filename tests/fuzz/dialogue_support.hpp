#pragma once
// What the RTMP dialogue fuzz targets and their seed generator share: a fixed plain
// handshake, a conversation of the project's own ClientDialogue with its own
// ServerDialogue (both accepting everything) recorded batch by batch, and the checks
// every target makes of what a dialogue writes. The recorded bytes are what mmids'
// client and server really say, so the fuzzers start from real dialogue, not guesses.
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/session/client_dialogue.hpp"
#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace mmids::fuzz {

// A dialogue's event sink that keeps every event, in order, for the target to look at.
template <typename Event>
auto collect_into(std::vector<Event>& events) {
  return [&events](Event& event) { events.push_back(std::move(event)); };
}

using Bytes = std::vector<uint8_t>;
using Batches = std::vector<Bytes>;  // one element per write of one side

// Version 3 and `packets` handshake packets of 1536 bytes (time 0, zero field, filler):
// C0+C1+C2 (packets = 2) for a server, S0+S1+S2 for a client. Plain form: neither side
// verifies it.
inline Bytes plain_handshake(size_t packets) {
  Bytes out(1 + packets * rtmp::kHandshakePacketSize, 0);
  out[0] = rtmp::kRtmpVersion;
  for (size_t i = 9; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 31 + 7);
  return out;
}
inline constexpr size_t kHandshakeBytes = 1 + 2 * rtmp::kHandshakePacketSize;  // C0+C1+C2 or S0+S1+S2

// A few media tags as encoders send them: AVC sequence header, keyframe and inter frame,
// AAC sequence header and frame.
inline std::vector<std::pair<media::MediaKind, Bytes>> sample_media() {
  const Bytes avcc{1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1E, 1, 0, 4, 0x68, 0xCE, 0x3C, 0x80};
  const Bytes idr{0, 0, 0, 5, 0x65, 0x88, 0x84, 0x00, 0x33};
  const Bytes inter{0, 0, 0, 3, 0x41, 0x9A, 0x02};
  const Bytes asc{0x12, 0x10};
  const Bytes raw{0x21, 0x10, 0x04, 0x60, 0x8C, 0x1C};
  return {{media::MediaKind::Video, media::flv::avc_sequence_header_tag(avcc)},
          {media::MediaKind::Audio, media::flv::aac_sequence_header_tag(asc)},
          {media::MediaKind::Video, media::flv::avc_frame_tag(true, 40, idr)},
          {media::MediaKind::Audio, media::flv::aac_frame_tag(raw)},
          {media::MediaKind::Video, media::flv::avc_frame_tag(false, 0, inter)}};
}

// onMetaData's value, AMF0-encoded.
inline media::SharedBuffer sample_metadata() {
  auto value = rtmp::Amf0Value::ecma_array();
  value.set("width", rtmp::Amf0Value::number(640));
  value.set("height", rtmp::Amf0Value::number(360));
  value.set("videocodecid", rtmp::Amf0Value::number(7));
  return media::SharedBuffer::adopt(rtmp::amf0_encode({value}));
}

inline Bytes take_bytes(rtmp::ChunkWriteBatch& batch) {
  Bytes out = batch.to_bytes();
  batch.clear();
  return out;
}

// Drops the first `count` bytes (the handshake) of a side's batches, and empty batches.
inline Batches without_prefix(const Batches& batches, size_t count) {
  Batches out;
  for (const auto& batch : batches) {
    const size_t skip = std::min(count, batch.size());
    count -= skip;
    if (skip < batch.size()) out.emplace_back(batch.begin() + static_cast<long>(skip), batch.end());
  }
  return out;
}

struct Conversation {
  Batches client;  // what the client wrote, handshake removed, one element per write
  Batches server;  // what the server wrote, handshake removed
};

// A client (Play or Publish) and a server that accepts connect, publish and play, talking
// until media has flowed: the publishing client sends metadata and sample_media(), the
// server sends them to the playing client.
inline Conversation converse(rtmp::ClientDialogueOptions::Mode mode) {
  rtmp::ClientDialogueOptions options;
  options.mode = mode;
  options.app = "live";
  options.tc_url = "rtmp://127.0.0.1:1935/live";
  options.stream_key = "cam1?token=fuzz";
  rtmp::ClientDialogue client(options);
  rtmp::ServerDialogue server;
  Batches client_writes;
  Batches server_writes;
  client.begin();
  bool media_sent = false;
  for (int round = 0; round < 16; ++round) {
    rtmp::ChunkWriteBatch batch;
    client.take_output(batch);
    if (!batch.empty()) {
      client_writes.push_back(take_bytes(batch));
      std::vector<rtmp::ServerEvent> events;
      if (!server.feed(client_writes.back(), collect_into(events)).ok()) std::abort();
      for (const auto& event : events) {
        if (std::holds_alternative<rtmp::server_event::ConnectRequested>(event)) server.accept_connect();
        if (std::holds_alternative<rtmp::server_event::PublishRequested>(event)) server.accept_publish();
        if (std::holds_alternative<rtmp::server_event::PlayRequested>(event)) server.accept_play();
      }
    }
    if (!media_sent && server.state() == rtmp::ServerDialogue::State::Playing) {
      server.send_metadata(sample_metadata());
      uint32_t timestamp = 0;
      for (const auto& [kind, tag] : sample_media()) server.send_media(kind, timestamp += 20, media::SharedBuffer::copy_of(tag));
      media_sent = true;
    }
    server.take_output(batch);
    if (!batch.empty()) {
      server_writes.push_back(take_bytes(batch));
      std::vector<rtmp::ClientEvent> events;
      if (!client.feed(server_writes.back(), collect_into(events)).ok()) std::abort();
    }
    if (!media_sent && client.started() && mode == rtmp::ClientDialogueOptions::Mode::Publish) {
      client.send_metadata(sample_metadata());
      uint32_t timestamp = 0;
      for (const auto& [kind, tag] : sample_media()) client.send_media(kind, timestamp += 20, media::SharedBuffer::copy_of(tag));
      media_sent = true;
    }
  }
  if (!media_sent) std::abort();  // the dialogues no longer reach media with each other
  return {without_prefix(client_writes, kHandshakeBytes), without_prefix(server_writes, kHandshakeBytes)};
}

// Reads a dialogue's output as its peer would: after the handshake, a chunk stream that
// must always decode (what mmids writes, any peer must be able to read). Also counts it.
class OutputChecker {
 public:
  void check(rtmp::ChunkWriteBatch& batch) {
    Bytes bytes = take_bytes(batch);
    total_ += bytes.size();
    std::span<const uint8_t> rest(bytes);
    const size_t skip = std::min(rest.size(), handshake_left_);
    handshake_left_ -= skip;
    rest = rest.subspan(skip);
    if (rest.empty()) return;
    messages_.clear();
    if (!decoder_.feed(rest, messages_).ok()) std::abort();  // we wrote a broken chunk stream
  }
  [[nodiscard]] size_t total() const { return total_; }

 private:
  size_t handshake_left_ = kHandshakeBytes;
  size_t total_ = 0;
  rtmp::ChunkDecoder decoder_{rtmp::ChunkDecoderLimits{16 * 1024 * 1024, 1024, 1u << 30, 1u << 16}};
  std::vector<rtmp::RtmpMessage> messages_;
};

// Decoder limits for the fuzzed side: small, so that inputs declaring huge messages cost
// the fuzzer little (the limits themselves are fuzz_rtmp_chunks' subject) and are reached.
inline rtmp::ChannelOptions fuzz_channel() {
  rtmp::ChannelOptions channel;
  channel.limits.max_message_length = 64 * 1024;
  channel.limits.max_partial_messages = 8;
  channel.limits.max_buffered_bytes = 256 * 1024;
  channel.limits.max_chunk_streams = 64;
  return channel;
}

// Feeding sizes picked by three bits of a control byte: byte by byte up to everything at once.
inline size_t piece_size(uint8_t bits) {
  static constexpr size_t sizes[] = {1, 7, 128, 129, 1000, 4096, 65536, size_t{1} << 30};
  return sizes[bits & 7];
}

// Answers taken bit by bit from the input, repeating when they run out.
class Decisions {
 public:
  explicit Decisions(uint16_t bits) : bits_(bits) {}
  bool next() { return (bits_ >> (at_++ % 16)) & 1; }

 private:
  uint16_t bits_;
  unsigned at_ = 0;
};

}  // namespace mmids::fuzz
