// Fuzz target: the chunk decoder with small limits, fed in pieces whose sizes come from
// the input itself, then every decoded message through the message parsers, and a
// re-encode/re-decode round trip of what decoded (it must reproduce the messages).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"

using namespace mmids::rtmp;

namespace {

void exercise_parsers(const RtmpMessage& message) {
  Amf0Limits limits;
  limits.max_values = 4096;
  switch (message.type_id) {
    case message_type::set_chunk_size:
      (void)parse_set_chunk_size(message);
      break;
    case message_type::abort:
      (void)parse_abort(message);
      break;
    case message_type::acknowledgement:
      (void)parse_acknowledgement(message);
      break;
    case message_type::user_control:
      (void)parse_user_control(message);
      break;
    case message_type::window_ack_size:
      (void)parse_window_ack_size(message);
      break;
    case message_type::set_peer_bandwidth:
      (void)parse_set_peer_bandwidth(message);
      break;
    case message_type::command_amf0:
    case message_type::command_amf3:
      (void)parse_command(message, limits);
      break;
    case message_type::data_amf0:
    case message_type::data_amf3: {
      auto metadata = parse_metadata(message, limits);
      if (metadata && metadata->has_value()) (void)make_metadata_message(1, (*metadata)->encoded);
      break;
    }
    case message_type::aggregate:
      (void)split_aggregate(message);
      break;
    default:
      break;
  }
}

bool same(const RtmpMessage& a, const RtmpMessage& b) {
  return a.chunk_stream_id == b.chunk_stream_id && a.type_id == b.type_id &&
         a.message_stream_id == b.message_stream_id && a.timestamp == b.timestamp && a.payload == b.payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ChunkDecoderLimits limits;
  limits.max_message_length = 64 * 1024;
  limits.max_partial_messages = 4;
  limits.max_buffered_bytes = 128 * 1024;
  limits.max_chunk_streams = 16;
  ChunkDecoder decoder(limits);

  // First byte: feeding piece size (1..256), so fragmentation is explored too.
  const size_t piece = size_t{data[0]} + 1;
  const std::span<const uint8_t> wire(data + 1, size - 1);
  std::vector<RtmpMessage> messages;
  for (size_t offset = 0; offset < wire.size(); offset += piece) {
    if (!decoder.feed(wire.subspan(offset, std::min(piece, wire.size() - offset)), messages)) break;
  }
  if (decoder.buffered_bytes() > limits.max_buffered_bytes) std::abort();

  for (const auto& message : messages) exercise_parsers(message);

  // Whatever decoded must survive our own encoder and decoder unchanged (Set Chunk Size
  // messages change the sizes on both sides exactly as they did here).
  ChunkEncoder encoder;
  ChunkWriteBatch batch;
  for (const auto& message : messages) {
    encoder.encode(message, batch);
    if (message.type_id == message_type::set_chunk_size) {
      auto chunk_size = parse_set_chunk_size(message);
      if (!chunk_size) std::abort();  // the decoder only delivers valid ones
      encoder.set_chunk_size(*chunk_size);
    }
  }
  ChunkDecoder again(limits);
  std::vector<RtmpMessage> redecoded;
  const auto bytes = batch.to_bytes();
  if (!again.feed(bytes, redecoded)) std::abort();
  if (redecoded.size() != messages.size()) std::abort();
  for (size_t i = 0; i < messages.size(); ++i)
    if (!same(messages[i], redecoded[i])) std::abort();
  return 0;
}
