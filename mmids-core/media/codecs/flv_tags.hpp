#pragma once
// FLV audio/video tag bodies, both ways: builders for the libavformat pull (demuxed H.264
// and AAC reach the node as if an RTMP publisher had sent them) and readers for the
// muxers (which codec, which packet type, where the codec bytes start). Readers check
// every length; a body too short for its header is a value with a reason.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mmids::media::flv {

using Bytes = std::vector<uint8_t>;

// FLV tag types (an FLV file's tag header, RTMP's message type ids).
inline constexpr uint8_t kTagAudio = 8;
inline constexpr uint8_t kTagVideo = 9;
inline constexpr uint8_t kTagScript = 18;
// AMF0 string "onMetaData": the name a script tag's metadata value goes by.
inline constexpr uint8_t kOnMetaDataName[] = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'};

inline constexpr uint8_t kVideoCodecAvc = 7;
inline constexpr uint8_t kAudioFormatAac = 10;
inline constexpr uint8_t kAvcSequenceHeader = 0;
inline constexpr uint8_t kAvcNalu = 1;
inline constexpr uint8_t kAvcEndOfSequence = 2;
inline constexpr uint8_t kAacSequenceHeader = 0;
inline constexpr uint8_t kAacRaw = 1;

// ---- builders ----

// Legacy FLV AVC tag bodies: [frame type | codec 7][packet type][composition time SI24].
[[nodiscard]] Bytes avc_sequence_header_tag(std::span<const uint8_t> avcc);
[[nodiscard]] Bytes avc_frame_tag(bool keyframe, int32_t composition_ms, std::span<const uint8_t> length_prefixed);

// FLV AAC tag bodies: 0xAF (AAC, the fixed flags FLV requires for it), then 0 with the
// AudioSpecificConfig or 1 with a raw frame.
[[nodiscard]] Bytes aac_sequence_header_tag(std::span<const uint8_t> audio_specific_config);
[[nodiscard]] Bytes aac_frame_tag(std::span<const uint8_t> raw_frame);

// ---- readers ----

struct VideoTag {
  bool enhanced = false;   // enhanced RTMP (ex header): `fourcc` names the codec
  uint8_t codec_id = 0;    // legacy FLV codec id (7 = AVC, 12 = HEVC by convention)
  uint32_t fourcc = 0;     // 'hvc1', 'av01', 'vp09', 'avc1' when enhanced
  bool keyframe = false;
  uint8_t packet_type = 0;     // AVC: sequence header, NALU or end of sequence
  int32_t composition_ms = 0;  // AVC NALU packets: pts - dts
  std::span<const uint8_t> data;  // after the header: avcC, length-prefixed NAL units, ...

  [[nodiscard]] bool is_avc() const { return !enhanced && codec_id == kVideoCodecAvc; }
};

struct AudioTag {
  uint8_t sound_format = 0;  // 10 = AAC, 2 = MP3, 9 = enhanced RTMP ex header, ...
  uint8_t packet_type = 0;   // AAC: AudioSpecificConfig or raw frame
  std::span<const uint8_t> data;  // after the header

  [[nodiscard]] bool is_aac() const { return sound_format == kAudioFormatAac; }
};

[[nodiscard]] Result<VideoTag> read_video_tag(std::span<const uint8_t> body);
[[nodiscard]] Result<AudioTag> read_audio_tag(std::span<const uint8_t> body);

// A readable codec name for logs: "H.264", "HEVC (FLV codec id 12)", "enhanced RTMP 'av01'".
[[nodiscard]] std::string codec_name(const VideoTag& tag);
[[nodiscard]] std::string codec_name(const AudioTag& tag);

}  // namespace mmids::media::flv
