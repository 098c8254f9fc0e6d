#pragma once
// Protocol control messages (types 1-6) and user control events (type 4): builders for
// what we send and parsers for what peers send. All travel on chunk stream 2, message
// stream 0, timestamp 0.
#include <cstdint>

#include "mmids-core/common/result.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp {

enum class PeerBandwidthLimit : uint8_t { Hard = 0, Soft = 1, Dynamic = 2 };

// User control event types. Peers send others too (Flash's 31/32 buffer empty/ready);
// parse_user_control passes any value through unchanged.
enum class UserControlEvent : uint16_t {
  StreamBegin = 0,
  StreamEof = 1,
  StreamDry = 2,
  SetBufferLength = 3,
  StreamIsRecorded = 4,
  PingRequest = 6,
  PingResponse = 7,
};

struct PeerBandwidth {
  uint32_t window_size = 0;
  PeerBandwidthLimit limit = PeerBandwidthLimit::Dynamic;
};

struct UserControl {
  UserControlEvent event = UserControlEvent::StreamBegin;
  // Stream id for the stream events, the timestamp for ping request/response.
  uint32_t value = 0;
  // SetBufferLength only: milliseconds.
  uint32_t buffer_length_ms = 0;
};

RtmpMessage make_set_chunk_size(uint32_t chunk_size);
RtmpMessage make_abort(uint32_t chunk_stream_id);
RtmpMessage make_acknowledgement(uint32_t sequence_number);
RtmpMessage make_window_ack_size(uint32_t window_size);
RtmpMessage make_set_peer_bandwidth(uint32_t window_size, PeerBandwidthLimit limit);

RtmpMessage make_user_control(UserControlEvent event, uint32_t value);
RtmpMessage make_stream_begin(uint32_t message_stream_id);
RtmpMessage make_stream_eof(uint32_t message_stream_id);
RtmpMessage make_stream_dry(uint32_t message_stream_id);
RtmpMessage make_stream_is_recorded(uint32_t message_stream_id);
RtmpMessage make_set_buffer_length(uint32_t message_stream_id, uint32_t buffer_length_ms);
RtmpMessage make_ping_request(uint32_t timestamp);
RtmpMessage make_ping_response(uint32_t timestamp);

// Parsers check the type id and the payload length; extra trailing bytes are ignored.
Result<uint32_t> parse_set_chunk_size(const RtmpMessage& message);  // also 1..0x7FFFFFFF
Result<uint32_t> parse_abort(const RtmpMessage& message);           // the chunk stream id
Result<uint32_t> parse_acknowledgement(const RtmpMessage& message); // the sequence number
Result<uint32_t> parse_window_ack_size(const RtmpMessage& message);
Result<PeerBandwidth> parse_set_peer_bandwidth(const RtmpMessage& message);
Result<UserControl> parse_user_control(const RtmpMessage& message);

}  // namespace mmids::rtmp
