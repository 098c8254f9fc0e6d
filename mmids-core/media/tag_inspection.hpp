#pragma once
// Reads the few facts the relay needs from an FLV audio/video tag body, without
// decoding anything: keyframe, sequence header (decoder configuration), composition
// offset. Legacy FLV (AVC, HEVC as codec id 12, AAC) and enhanced RTMP (FourCC video:
// hvc1, av01, vp09, avc1; FourCC audio) are understood; anything else passes as a
// plain frame. Every other byte is relayed unchanged.
#include "mmids-core/media/notification.hpp"

#include <span>

namespace mmids::media {

struct TagFacts {
  bool is_keyframe = false;
  bool is_sequence_header = false;
  int32_t composition_offset_ms = 0;
};

[[nodiscard]] TagFacts inspect_video_tag(std::span<const uint8_t> body);
[[nodiscard]] TagFacts inspect_audio_tag(std::span<const uint8_t> body);

// Builds a payload notification from a tag body, filling the flags from its bytes.
[[nodiscard]] MediaPayload make_payload(StreamId id, MediaKind kind, uint32_t timestamp_ms, SharedBuffer body);

}  // namespace mmids::media
