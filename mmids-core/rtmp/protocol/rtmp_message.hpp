#pragma once
// RtmpMessage: one complete RTMP message as the chunk layer delivers and accepts it, plus
// the message type ids and the chunk stream ids this project sends on.
#include <cstdint>

#include "mmids-core/media/shared_buffer.hpp"

namespace mmids::rtmp {

// A chunk header's timestamp field at this value means "the real one follows in 4 bytes".
inline constexpr uint32_t kExtendedTimestampMarker = 0xFFFFFF;

struct RtmpMessage {
  uint32_t chunk_stream_id = 0;    // 2..65599
  uint8_t type_id = 0;             // see message_type
  uint32_t message_stream_id = 0;  // 0 = the connection itself (control, connect)
  uint32_t timestamp = 0;          // absolute, milliseconds, wraps at 2^32
  media::SharedBuffer payload;
};

namespace message_type {
inline constexpr uint8_t set_chunk_size = 1;
inline constexpr uint8_t abort = 2;
inline constexpr uint8_t acknowledgement = 3;
inline constexpr uint8_t user_control = 4;
inline constexpr uint8_t window_ack_size = 5;
inline constexpr uint8_t set_peer_bandwidth = 6;
inline constexpr uint8_t audio = 8;
inline constexpr uint8_t video = 9;
inline constexpr uint8_t data_amf3 = 15;
inline constexpr uint8_t shared_object_amf3 = 16;
inline constexpr uint8_t command_amf3 = 17;
inline constexpr uint8_t data_amf0 = 18;
inline constexpr uint8_t shared_object_amf0 = 19;
inline constexpr uint8_t command_amf0 = 20;
inline constexpr uint8_t aggregate = 22;
}  // namespace message_type

// Chunk stream ids we send on. 2 is reserved by the spec for protocol control; the
// others are convention (separate ids for audio and video keep header compression
// effective when both interleave).
namespace chunk_stream {
inline constexpr uint32_t protocol_control = 2;
inline constexpr uint32_t command = 3;
inline constexpr uint32_t audio = 4;
inline constexpr uint32_t data = 5;
inline constexpr uint32_t video = 6;
inline constexpr uint32_t min_id = 2;
inline constexpr uint32_t max_id = 65599;  // 64 + 0xFFFF, the 3-byte basic header's range
}  // namespace chunk_stream

}  // namespace mmids::rtmp
