#include "mmids-core/media/codecs/flv_tags.hpp"

#include "mmids-core/common/byte_io.hpp"

#include <algorithm>

namespace mmids::media::flv {

namespace {

constexpr uint8_t kFrameTypeKey = 1;
constexpr uint8_t kVideoExHeaderBit = 0x80;
constexpr size_t kAvcHeaderSize = 5;  // frame type/codec, packet type, SI24 composition time
constexpr size_t kExHeaderSize = 5;   // ex bit/frame type/packet type, FourCC

Bytes with_header(std::initializer_list<uint8_t> header, std::span<const uint8_t> data) {
  Bytes out(header);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

int32_t read_si24(const uint8_t* p) {
  const auto value = static_cast<int32_t>(byte_io::read_u24be(p));
  return (value & 0x800000) ? value - 0x1000000 : value;
}

std::string fourcc_text(uint32_t fourcc) {
  std::string text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto c = static_cast<char>(fourcc >> shift);
    text += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return text;
}

}  // namespace

Bytes avc_sequence_header_tag(std::span<const uint8_t> avcc) { return with_header({0x17, 0, 0, 0, 0}, avcc); }

Bytes avc_frame_tag(bool keyframe, int32_t composition_ms, std::span<const uint8_t> length_prefixed) {
  // Composition time is a signed 24-bit value: clamp rather than wrap a wild one.
  composition_ms = std::clamp(composition_ms, -0x800000, 0x7FFFFF);
  const auto cts = static_cast<uint32_t>(composition_ms);
  return with_header({static_cast<uint8_t>(keyframe ? 0x17 : 0x27), kAvcNalu, static_cast<uint8_t>(cts >> 16),
                      static_cast<uint8_t>(cts >> 8), static_cast<uint8_t>(cts)},
                     length_prefixed);
}

Bytes aac_sequence_header_tag(std::span<const uint8_t> audio_specific_config) {
  return with_header({0xAF, kAacSequenceHeader}, audio_specific_config);
}

Bytes aac_frame_tag(std::span<const uint8_t> raw_frame) { return with_header({0xAF, kAacRaw}, raw_frame); }

Result<VideoTag> read_video_tag(std::span<const uint8_t> body) {
  if (body.empty()) return Error("empty video tag");
  VideoTag tag;
  if (body[0] & kVideoExHeaderBit) {  // [ex:1][frame type:3][packet type:4][FourCC:32]
    if (body.size() < kExHeaderSize) return Error("enhanced RTMP video tag shorter than its header");
    tag.enhanced = true;
    tag.keyframe = ((body[0] >> 4) & 0x07) == kFrameTypeKey;
    tag.packet_type = body[0] & 0x0F;
    tag.fourcc = byte_io::read_u32be(body.data() + 1);
    tag.data = body.subspan(kExHeaderSize);
    return tag;
  }
  tag.keyframe = (body[0] >> 4) == kFrameTypeKey;
  tag.codec_id = body[0] & 0x0F;
  if (!tag.is_avc()) {
    tag.data = body.subspan(1);
    return tag;
  }
  if (body.size() < kAvcHeaderSize) return Error("AVC video tag shorter than its 5-byte header");
  tag.packet_type = body[1];
  tag.composition_ms = read_si24(body.data() + 2);
  tag.data = body.subspan(kAvcHeaderSize);
  return tag;
}

Result<AudioTag> read_audio_tag(std::span<const uint8_t> body) {
  if (body.empty()) return Error("empty audio tag");
  AudioTag tag;
  tag.sound_format = body[0] >> 4;
  if (!tag.is_aac()) {
    tag.data = body.subspan(1);
    return tag;
  }
  if (body.size() < 2) return Error("AAC audio tag shorter than its 2-byte header");
  tag.packet_type = body[1];
  tag.data = body.subspan(2);
  return tag;
}

std::string codec_name(const VideoTag& tag) {
  if (tag.enhanced) return "enhanced RTMP '" + fourcc_text(tag.fourcc) + "'";
  switch (tag.codec_id) {
    case kVideoCodecAvc: return "H.264";
    case 2: return "Sorenson H.263 (FLV codec id 2)";
    case 4: return "VP6 (FLV codec id 4)";
    case 12: return "HEVC (FLV codec id 12)";
    default: return "FLV video codec id " + std::to_string(tag.codec_id);
  }
}

std::string codec_name(const AudioTag& tag) {
  switch (tag.sound_format) {
    case kAudioFormatAac: return "AAC";
    case 2: return "MP3 (FLV sound format 2)";
    case 9: return "enhanced RTMP audio (FLV sound format 9)";
    case 11: return "Speex (FLV sound format 11)";
    default: return "FLV sound format " + std::to_string(tag.sound_format);
  }
}

}  // namespace mmids::media::flv
