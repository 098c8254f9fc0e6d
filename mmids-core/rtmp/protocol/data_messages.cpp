#include "mmids-core/rtmp/protocol/data_messages.hpp"

#include "mmids-core/common/byte_io.hpp"

namespace mmids::rtmp {

namespace {

constexpr std::string_view kSetDataFrame = "@setDataFrame";
constexpr std::string_view kOnMetaData = "onMetaData";
constexpr size_t kAggregateHeaderSize = 11;
constexpr size_t kBackPointerSize = 4;

bool is_data_type(uint8_t type_id) {
  return type_id == message_type::data_amf0 || type_id == message_type::data_amf3;
}

// The AMF bytes of a data message: type 15 starts with a 0x00 format byte.
size_t amf_start(const RtmpMessage& message) {
  return message.type_id == message_type::data_amf3 && !message.payload.empty() && message.payload[0] == 0x00 ? 1
                                                                                                              : 0;
}

Result<std::string> read_name(Amf0Reader& reader) {
  if (reader.at_end()) return Error("data message: empty payload");
  auto name = reader.read();
  if (!name) return Error("data message name: " + name.error());
  if (!name->is_string()) return Error("data message: the first value is not a string name");
  return std::string(*name->as_string());
}

}  // namespace

Result<DataMessage> parse_data_message(const RtmpMessage& message, Amf0Limits limits) {
  if (!is_data_type(message.type_id))
    return Error("data message: message type " + std::to_string(message.type_id));
  Amf0Reader reader(message.payload.span().subspan(amf_start(message)), limits);
  auto name = read_name(reader);
  if (!name) return std::move(name).take_error();
  DataMessage data{std::move(*name), {}};
  while (!reader.at_end()) {
    auto value = reader.read();
    if (!value) return Error("data message '" + data.name + "': " + value.error());
    data.values.push_back(std::move(*value));
  }
  return data;
}

Result<std::optional<Metadata>> parse_metadata(const RtmpMessage& message, Amf0Limits limits) {
  if (!is_data_type(message.type_id))
    return Error("data message: message type " + std::to_string(message.type_id));
  const size_t start = amf_start(message);
  Amf0Reader reader(message.payload.span().subspan(start), limits);
  auto name = read_name(reader);
  if (!name) return std::move(name).take_error();
  if (*name == kSetDataFrame) {
    if (reader.at_end()) return std::optional<Metadata>();
    auto inner = reader.read();
    if (!inner) return Error("@setDataFrame: " + inner.error());
    if (inner->string_or("") != kOnMetaData) return std::optional<Metadata>();
  } else if (*name != kOnMetaData) {
    return std::optional<Metadata>();
  }
  if (reader.at_end()) return Error("onMetaData without a value");
  const size_t value_start = reader.offset();
  auto value = reader.read();
  if (!value) return Error("onMetaData value: " + value.error());
  Metadata metadata;
  metadata.encoded = message.payload.slice(start + value_start, reader.offset() - value_start);
  metadata.value = std::move(*value);
  return std::optional<Metadata>(std::move(metadata));
}

RtmpMessage make_metadata_message(uint32_t message_stream_id, const media::SharedBuffer& encoded_metadata,
                                  uint32_t timestamp) {
  std::vector<uint8_t> payload;
  payload.reserve(3 + kOnMetaData.size() + encoded_metadata.size());
  amf0_encode(Amf0Value::string(std::string(kOnMetaData)), payload);
  payload.insert(payload.end(), encoded_metadata.data(), encoded_metadata.data() + encoded_metadata.size());
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream::data;
  message.type_id = message_type::data_amf0;
  message.message_stream_id = message_stream_id;
  message.timestamp = timestamp;
  message.payload = media::SharedBuffer::adopt(std::move(payload));
  return message;
}

RtmpMessage make_data_message(uint32_t message_stream_id, std::string_view name, std::span<const Amf0Value> values,
                              uint32_t timestamp) {
  std::vector<uint8_t> payload;
  amf0_encode(Amf0Value::string(std::string(name)), payload);
  for (const auto& value : values) amf0_encode(value, payload);
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream::data;
  message.type_id = message_type::data_amf0;
  message.message_stream_id = message_stream_id;
  message.timestamp = timestamp;
  message.payload = media::SharedBuffer::adopt(std::move(payload));
  return message;
}

Result<std::vector<RtmpMessage>> split_aggregate(const RtmpMessage& message) {
  if (message.type_id != message_type::aggregate)
    return Error("aggregate: message type " + std::to_string(message.type_id));
  const media::SharedBuffer& payload = message.payload;
  std::vector<RtmpMessage> parts;
  size_t offset = 0;
  bool first = true;
  uint32_t first_timestamp = 0;
  while (offset < payload.size()) {
    if (payload.size() - offset < kAggregateHeaderSize)
      return Error("aggregate: truncated sub-message header at byte " + std::to_string(offset));
    const uint8_t* header = payload.data() + offset;
    const uint8_t type_id = header[0];
    const uint32_t size = byte_io::read_u24be(header + 1);
    // 24-bit timestamp then its high byte, as in FLV tags.
    const uint32_t timestamp = byte_io::read_u24be(header + 4) | (uint32_t{header[7]} << 24);
    if (type_id != message_type::audio && type_id != message_type::video && !is_data_type(type_id))
      return Error("aggregate: sub-message of type " + std::to_string(type_id) + " at byte " +
                            std::to_string(offset));
    const size_t body = offset + kAggregateHeaderSize;
    if (size > payload.size() - body)
      return Error("aggregate: sub-message of " + std::to_string(size) + " bytes runs past the end");
    if (first) {
      first_timestamp = timestamp;
      first = false;
    }
    RtmpMessage part;
    part.chunk_stream_id = message.chunk_stream_id;
    part.type_id = type_id;
    part.message_stream_id = message.message_stream_id;
    part.timestamp = message.timestamp + (timestamp - first_timestamp);
    part.payload = payload.slice(body, size);
    parts.push_back(std::move(part));
    offset = body + size;
    const size_t left = payload.size() - offset;
    if (left == 0) break;  // last back pointer missing: tolerated
    if (left < kBackPointerSize) return Error("aggregate: truncated back pointer");
    offset += kBackPointerSize;
  }
  return parts;
}

RtmpMessage make_media_message(uint32_t message_stream_id, media::MediaKind kind, uint32_t timestamp,
                               const media::SharedBuffer& payload) {
  const bool video = kind == media::MediaKind::Video;
  RtmpMessage message;
  message.chunk_stream_id = video ? chunk_stream::video : chunk_stream::audio;
  message.type_id = video ? message_type::video : message_type::audio;
  message.message_stream_id = message_stream_id;
  message.timestamp = timestamp;
  message.payload = payload;
  return message;
}

}  // namespace mmids::rtmp
