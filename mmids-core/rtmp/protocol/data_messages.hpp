#pragma once
// Data messages (AMF0 type 18, AMF3 type 15) and aggregate messages (type 22).
//
// Metadata: publishers send `@setDataFrame("onMetaData", {...})` (ffmpeg, OBS) or, in
// older tools, `onMetaData({...})` directly. Players must receive `onMetaData({...})`.
// The metadata value is kept in its encoded form as a slice of the received payload,
// so relaying it re-encodes nothing; only the "onMetaData" name is prepended once.
//
// Aggregates: a run of FLV-tag-shaped sub-messages (type, 24-bit size, 24+8-bit
// timestamp, 24-bit stream id, body, 32-bit back pointer). They are split into plain
// messages whose payloads are slices of the aggregate's SharedBuffer.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmids-core/rtmp/protocol/amf0.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp {

struct DataMessage {
  std::string name;               // "@setDataFrame", "onMetaData", "|RtmpSampleAccess", ...
  std::vector<Amf0Value> values;  // the values after the name
};

struct Metadata {
  media::SharedBuffer encoded;  // the AMF0 encoding of the metadata value (a payload slice)
  Amf0Value value;              // the same value decoded (usually an ECMA array)
};

// Types 18 and 15 (15's leading 0x00 format byte is skipped). The first value must be a
// string name.
Result<DataMessage> parse_data_message(const RtmpMessage& message, Amf0Limits limits = {});

// nullopt when the message is a valid data message but not metadata; an error when it
// is malformed (or is metadata without a value).
Result<std::optional<Metadata>> parse_metadata(const RtmpMessage& message, Amf0Limits limits = {});

// The `onMetaData` message a server sends to players: "onMetaData" + the encoded value.
RtmpMessage make_metadata_message(uint32_t message_stream_id, const media::SharedBuffer& encoded_metadata,
                                  uint32_t timestamp = 0);
// Any type 18 data message.
RtmpMessage make_data_message(uint32_t message_stream_id, std::string_view name, std::span<const Amf0Value> values,
                              uint32_t timestamp = 0);

// An audio (type 8) or video (type 9) message on the audio or video chunk stream.
RtmpMessage make_media_message(uint32_t message_stream_id, media::MediaKind kind, uint32_t timestamp,
                               const media::SharedBuffer& payload);
// The media kind of an audio or video message type.
[[nodiscard]] inline media::MediaKind media_kind_of(uint8_t type_id) {
  return type_id == message_type::video ? media::MediaKind::Video : media::MediaKind::Audio;
}

// Splits a type 22 message. Sub-messages keep their own type and get the aggregate's
// chunk and message stream ids; timestamps are re-based so the first sub-message has
// the aggregate's timestamp and the others keep their offsets from it (32-bit wrapping).
// Only audio, video and data sub-messages are accepted; anything malformed (truncated
// header or body, a body running past the end) is an error. A missing back pointer after
// the last sub-message is tolerated; back pointer values are not checked.
Result<std::vector<RtmpMessage>> split_aggregate(const RtmpMessage& message);

}  // namespace mmids::rtmp
