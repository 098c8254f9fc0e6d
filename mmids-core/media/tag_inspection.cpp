#include "mmids-core/media/tag_inspection.hpp"

namespace mmids::media {
namespace {

constexpr uint8_t kVideoFrameKey = 1;
constexpr uint8_t kVideoCodecAvc = 7;
constexpr uint8_t kVideoCodecHevcLegacy = 12;  // the pre-enhanced-RTMP HEVC convention
constexpr uint8_t kAvcPacketSequenceHeader = 0;
constexpr uint8_t kAvcPacketNalu = 1;
constexpr uint8_t kExPacketSequenceStart = 0;
constexpr uint8_t kExPacketCodedFrames = 1;
constexpr uint8_t kExPacketMpeg2TsSequenceStart = 5;
constexpr uint8_t kAudioFormatAac = 10;
constexpr uint8_t kAudioFormatExHeader = 9;
constexpr uint8_t kAacPacketSequenceHeader = 0;

int32_t read_si24(std::span<const uint8_t> bytes, size_t at) {
  int32_t value = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
  return (value & 0x800000) ? value - 0x1000000 : value;
}

bool fourcc_is(std::span<const uint8_t> body, const char (&code)[5]) {
  return body.size() >= 5 && body[1] == code[0] && body[2] == code[1] && body[3] == code[2] &&
         body[4] == code[3];
}

}  // namespace

TagFacts inspect_video_tag(std::span<const uint8_t> body) {
  TagFacts facts;
  if (body.empty()) return facts;
  const uint8_t first = body[0];
  if (first & 0x80) {  // enhanced RTMP: [isExHeader:1][frameType:3][packetType:4][FourCC:4]
    const uint8_t frame_type = (first >> 4) & 0x07;
    const uint8_t packet_type = first & 0x0f;
    facts.is_keyframe = frame_type == kVideoFrameKey;
    facts.is_sequence_header =
        packet_type == kExPacketSequenceStart || packet_type == kExPacketMpeg2TsSequenceStart;
    // Only AVC and HEVC coded frames carry a composition time (SI24 after the FourCC).
    if (packet_type == kExPacketCodedFrames && body.size() >= 8 &&
        (fourcc_is(body, "hvc1") || fourcc_is(body, "avc1"))) {
      facts.composition_offset_ms = read_si24(body, 5);
    }
    return facts;
  }
  const uint8_t frame_type = first >> 4;
  const uint8_t codec_id = first & 0x0f;
  facts.is_keyframe = frame_type == kVideoFrameKey;
  if ((codec_id == kVideoCodecAvc || codec_id == kVideoCodecHevcLegacy) && body.size() >= 2) {
    facts.is_sequence_header = body[1] == kAvcPacketSequenceHeader;
    if (body[1] == kAvcPacketNalu && body.size() >= 5) facts.composition_offset_ms = read_si24(body, 2);
  }
  return facts;
}

TagFacts inspect_audio_tag(std::span<const uint8_t> body) {
  TagFacts facts;
  if (body.empty()) return facts;
  const uint8_t sound_format = body[0] >> 4;
  if (sound_format == kAudioFormatAac && body.size() >= 2) {
    facts.is_sequence_header = body[1] == kAacPacketSequenceHeader;
  } else if (sound_format == kAudioFormatExHeader) {
    facts.is_sequence_header = (body[0] & 0x0f) == kExPacketSequenceStart;
  }
  return facts;
}

MediaPayload make_payload(StreamId id, MediaKind kind, uint32_t timestamp_ms, SharedBuffer body) {
  const TagFacts facts =
      kind == MediaKind::Video ? inspect_video_tag(body.span()) : inspect_audio_tag(body.span());
  MediaPayload payload;
  payload.id = id;
  payload.kind = kind;
  payload.timestamp_ms = timestamp_ms;
  payload.composition_offset_ms = facts.composition_offset_ms;
  payload.is_keyframe = facts.is_keyframe;
  payload.is_sequence_header = facts.is_sequence_header;
  payload.data = std::move(body);
  return payload;
}

}  // namespace mmids::media
