#include "mmids-core/rtmp/protocol/control_messages.hpp"

#include <string>
#include <vector>

#include "mmids-core/common/byte_io.hpp"

namespace mmids::rtmp {

namespace {

RtmpMessage control_message(uint8_t type_id, std::vector<uint8_t>&& payload) {
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream::protocol_control;
  message.type_id = type_id;
  message.message_stream_id = 0;
  message.timestamp = 0;
  message.payload = media::SharedBuffer::adopt(std::move(payload));
  return message;
}

RtmpMessage u32_message(uint8_t type_id, uint32_t value) {
  std::vector<uint8_t> payload;
  byte_io::put_u32be(payload, value);
  return control_message(type_id, std::move(payload));
}

Result<uint32_t> parse_u32(const RtmpMessage& message, uint8_t type_id, const char* name) {
  if (message.type_id != type_id)
    return Error(std::string(name) + ": message type " + std::to_string(message.type_id));
  if (message.payload.size() < 4)
    return Error(std::string(name) + ": payload of " + std::to_string(message.payload.size()) +
                          " bytes (needs 4)");
  return byte_io::read_u32be(message.payload.data());
}

}  // namespace

RtmpMessage make_set_chunk_size(uint32_t chunk_size) {
  return u32_message(message_type::set_chunk_size, chunk_size & 0x7FFFFFFF);  // high bit must be 0
}
RtmpMessage make_abort(uint32_t chunk_stream_id) { return u32_message(message_type::abort, chunk_stream_id); }
RtmpMessage make_acknowledgement(uint32_t sequence_number) {
  return u32_message(message_type::acknowledgement, sequence_number);
}
RtmpMessage make_window_ack_size(uint32_t window_size) {
  return u32_message(message_type::window_ack_size, window_size);
}
RtmpMessage make_set_peer_bandwidth(uint32_t window_size, PeerBandwidthLimit limit) {
  std::vector<uint8_t> payload;
  byte_io::put_u32be(payload, window_size);
  payload.push_back(static_cast<uint8_t>(limit));
  return control_message(message_type::set_peer_bandwidth, std::move(payload));
}

RtmpMessage make_user_control(UserControlEvent event, uint32_t value) {
  std::vector<uint8_t> payload;
  byte_io::put_u16be(payload, static_cast<uint16_t>(event));
  byte_io::put_u32be(payload, value);
  return control_message(message_type::user_control, std::move(payload));
}
RtmpMessage make_stream_begin(uint32_t message_stream_id) {
  return make_user_control(UserControlEvent::StreamBegin, message_stream_id);
}
RtmpMessage make_stream_eof(uint32_t message_stream_id) {
  return make_user_control(UserControlEvent::StreamEof, message_stream_id);
}
RtmpMessage make_stream_dry(uint32_t message_stream_id) {
  return make_user_control(UserControlEvent::StreamDry, message_stream_id);
}
RtmpMessage make_stream_is_recorded(uint32_t message_stream_id) {
  return make_user_control(UserControlEvent::StreamIsRecorded, message_stream_id);
}
RtmpMessage make_set_buffer_length(uint32_t message_stream_id, uint32_t buffer_length_ms) {
  std::vector<uint8_t> payload;
  byte_io::put_u16be(payload, static_cast<uint16_t>(UserControlEvent::SetBufferLength));
  byte_io::put_u32be(payload, message_stream_id);
  byte_io::put_u32be(payload, buffer_length_ms);
  return control_message(message_type::user_control, std::move(payload));
}
RtmpMessage make_ping_request(uint32_t timestamp) {
  return make_user_control(UserControlEvent::PingRequest, timestamp);
}
RtmpMessage make_ping_response(uint32_t timestamp) {
  return make_user_control(UserControlEvent::PingResponse, timestamp);
}

Result<uint32_t> parse_set_chunk_size(const RtmpMessage& message) {
  auto size = parse_u32(message, message_type::set_chunk_size, "Set Chunk Size");
  if (size && (*size == 0 || *size > 0x7FFFFFFF))
    return Error("Set Chunk Size: " + std::to_string(*size) + " (valid: 1..2147483647)");
  return size;
}
Result<uint32_t> parse_abort(const RtmpMessage& message) { return parse_u32(message, message_type::abort, "Abort"); }
Result<uint32_t> parse_acknowledgement(const RtmpMessage& message) {
  return parse_u32(message, message_type::acknowledgement, "Acknowledgement");
}
Result<uint32_t> parse_window_ack_size(const RtmpMessage& message) {
  return parse_u32(message, message_type::window_ack_size, "Window Acknowledgement Size");
}

Result<PeerBandwidth> parse_set_peer_bandwidth(const RtmpMessage& message) {
  auto window = parse_u32(message, message_type::set_peer_bandwidth, "Set Peer Bandwidth");
  if (!window) return std::move(window).take_error();
  if (message.payload.size() < 5) return Error("Set Peer Bandwidth: missing the limit type");
  const uint8_t limit = message.payload[4];
  if (limit > 2) return Error("Set Peer Bandwidth: limit type " + std::to_string(limit));
  return PeerBandwidth{*window, static_cast<PeerBandwidthLimit>(limit)};
}

Result<UserControl> parse_user_control(const RtmpMessage& message) {
  if (message.type_id != message_type::user_control)
    return Error("User Control: message type " + std::to_string(message.type_id));
  const auto& payload = message.payload;
  if (payload.size() < 6)
    return Error("User Control: payload of " + std::to_string(payload.size()) + " bytes (needs 6)");
  UserControl control;
  control.event = static_cast<UserControlEvent>(byte_io::read_u16be(payload.data()));
  control.value = byte_io::read_u32be(payload.data() + 2);
  if (control.event == UserControlEvent::SetBufferLength) {
    if (payload.size() < 10) return Error("User Control: Set Buffer Length without the length");
    control.buffer_length_ms = byte_io::read_u32be(payload.data() + 6);
  }
  return control;
}

}  // namespace mmids::rtmp
