#pragma once
// Small hand-made H.264/AAC payloads for structure tests (real media comes from
// media_fixture.hpp). Flags are read from the bytes, as rtmp_receive does.
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/codecs/h264.hpp"
#include "mmids-core/media/tag_inspection.hpp"

#include <vector>

namespace mmids::testing {

using Bytes = std::vector<uint8_t>;

inline const Bytes kTestSps{0x67, 0x42, 0xC0, 0x1E, 0xDA, 0x02, 0x80, 0xBF, 0xE5};
inline const Bytes kTestPps{0x68, 0xCE, 0x3C, 0x80};
inline const Bytes kAacLc44kStereo{0x12, 0x10};

inline media::MediaPayload payload_of(media::MediaKind kind, uint32_t timestamp_ms, Bytes body, media::StreamId id = 1) {
  return media::make_payload(id, kind, timestamp_ms, media::SharedBuffer::adopt(std::move(body)));
}

inline media::MediaPayload avc_sequence_header(uint32_t timestamp_ms = 0, media::StreamId id = 1) {
  const auto avcc = media::h264::avcc_from_nalus({kTestSps, kTestPps});
  return payload_of(media::MediaKind::Video, timestamp_ms, media::flv::avc_sequence_header_tag(*avcc), id);
}

// One slice NAL unit (IDR for keyframes) of `slice_bytes` bytes, 4-byte length-prefixed.
inline Bytes slice(bool keyframe, size_t slice_bytes) {
  Bytes nalu(slice_bytes, 0x5A);
  nalu[0] = keyframe ? 0x65 : 0x41;
  Bytes out{static_cast<uint8_t>(slice_bytes >> 24), static_cast<uint8_t>(slice_bytes >> 16),
            static_cast<uint8_t>(slice_bytes >> 8), static_cast<uint8_t>(slice_bytes)};
  out.insert(out.end(), nalu.begin(), nalu.end());
  return out;
}

inline media::MediaPayload avc_frame(uint32_t timestamp_ms, bool keyframe, int32_t composition_ms = 0,
                                     size_t slice_bytes = 100, media::StreamId id = 1) {
  return payload_of(media::MediaKind::Video, timestamp_ms,
                    media::flv::avc_frame_tag(keyframe, composition_ms, slice(keyframe, slice_bytes)), id);
}

inline media::MediaPayload aac_sequence_header(const Bytes& asc = kAacLc44kStereo, uint32_t timestamp_ms = 0,
                                               media::StreamId id = 1) {
  return payload_of(media::MediaKind::Audio, timestamp_ms, media::flv::aac_sequence_header_tag(asc), id);
}

inline media::MediaPayload aac_frame(uint32_t timestamp_ms, size_t bytes = 50, media::StreamId id = 1) {
  return payload_of(media::MediaKind::Audio, timestamp_ms, media::flv::aac_frame_tag(Bytes(bytes, 0x21)), id);
}

struct SyntheticStream {
  uint32_t duration_ms = 3000;
  int gop_frames = 30;  // at 30 fps: a keyframe every second
  bool video = true;
  bool audio = true;
  media::StreamId id = 1;
  uint32_t start_ms = 0;
};

// NewStream, sequence headers, then 30 fps video (frame i at start + i * 1000 / 30 ms)
// and an AAC frame every 23 ms, interleaved in timestamp order, until `duration_ms`.
inline std::vector<media::MediaNotification> synthetic_stream(const SyntheticStream& spec) {
  std::vector<media::MediaNotification> out{media::NewStream{spec.id, "synthetic"}};
  if (spec.video) out.push_back(avc_sequence_header(spec.start_ms, spec.id));
  if (spec.audio) out.push_back(aac_sequence_header(kAacLc44kStereo, spec.start_ms, spec.id));
  uint32_t video_index = 0;
  uint32_t audio_index = 0;
  while (true) {
    const uint32_t video_at = video_index * 1000 / 30;
    const uint32_t audio_at = audio_index * 23;
    const bool video_next = spec.video && video_at < spec.duration_ms && (!spec.audio || video_at <= audio_at);
    if (video_next) {
      const bool key = video_index % static_cast<uint32_t>(spec.gop_frames) == 0;
      out.push_back(avc_frame(spec.start_ms + video_at, key, 0, key ? 2000 : 300, spec.id));
      ++video_index;
    } else if (spec.audio && audio_at < spec.duration_ms) {
      out.push_back(aac_frame(spec.start_ms + audio_at, 50, spec.id));
      ++audio_index;
    } else {
      break;
    }
  }
  return out;
}

}  // namespace mmids::testing
