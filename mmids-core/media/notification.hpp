#pragma once
// Media notifications: what flows from step to step inside a workflow (SPEC.md section 4).
// A payload is the RTMP/FLV tag body exactly as received (codec-agnostic relay); the
// flags are read from it once, at the edge, by media/tag_inspection.hpp.
#include "mmids-core/media/shared_buffer.hpp"

#include <cstdint>
#include <string>
#include <variant>

namespace mmids::media {

// Identifies one stream instance inside a node (a publisher session, a pull). Cheap to copy.
using StreamId = uint64_t;
StreamId next_stream_id();

enum class MediaKind : uint8_t { Audio, Video };

struct NewStream {
  StreamId id = 0;
  std::string name;  // the stream key it is known by
};

struct StreamDisconnected {
  StreamId id = 0;
};

struct StreamMetadata {
  StreamId id = 0;
  SharedBuffer amf0;  // the AMF0-encoded onMetaData value (object or ECMA array)
};

struct MediaPayload {
  StreamId id = 0;
  MediaKind kind = MediaKind::Video;
  uint32_t timestamp_ms = 0;          // decode timestamp (RTMP clock, wraps at 2^32)
  int32_t composition_offset_ms = 0;  // pts - dts for video
  bool is_keyframe = false;
  bool is_sequence_header = false;    // decoder configuration (AVC/HEVC/AV1 config, AAC ASC)
  SharedBuffer data;                  // FLV tag body, unchanged

  [[nodiscard]] bool is_video() const { return kind == MediaKind::Video; }
  [[nodiscard]] bool is_audio() const { return kind == MediaKind::Audio; }
};

using MediaNotification = std::variant<NewStream, StreamDisconnected, StreamMetadata, MediaPayload>;

[[nodiscard]] StreamId stream_id_of(const MediaNotification& notification);

// A copy of the notification carrying another stream id (payload bytes are shared).
[[nodiscard]] MediaNotification with_stream_id(const MediaNotification& notification, StreamId id);

}  // namespace mmids::media
