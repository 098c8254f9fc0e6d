#pragma once
// The generated stream of `mmids-bench publish` without --file: H.264 and AAC as servers
// see them, at a chosen bitrate, without an encoder. A real SPS/PPS (Baseline, 640x360,
// what x264 writes) makes the sequence header parse everywhere (nginx-rtmp reads it);
// frames are one latency-stamp SEI plus one slice NAL unit of filler sized to reach the
// bitrate, keyframes every GOP; AAC-LC 44.1 kHz stereo frames of filler, ~43 per second.
// Nothing decodes the filler: relays only look at the tag headers.
//
// Frame sizes: the video share of the bitrate (total minus audio) per GOP, a keyframe
// weighing kKeyframeWeight interframes, which is about what x264 gives at GOP 1 s.
#include "mmids-core/common/result.hpp"
#include "tools/bench/stream/tag_source.hpp"

#include <memory>
#include <vector>

namespace mmids::bench {

struct GeneratedStreamOptions {
  uint32_t kbps = 1000;       // total: video + audio
  uint32_t audio_kbps = 64;   // 0: no audio
  uint32_t fps = 30;
  double gop_seconds = 1.0;
};

inline constexpr uint32_t kKeyframeWeight = 8;
inline constexpr uint32_t kAacSampleRate = 44100;
inline constexpr uint32_t kAacSamplesPerFrame = 1024;

// The bytes every publisher of one run shares.
struct GeneratedStreamShape {
  GeneratedStreamOptions options;
  uint32_t gop_frames = 30;
  size_t keyframe_body_bytes = 0;    // whole FLV tag body
  size_t interframe_body_bytes = 0;
  media::SharedBuffer metadata;
  std::vector<OutgoingTag> sequence_headers;  // AVC then AAC
  media::SharedBuffer audio_frame;            // every audio tag is this one buffer
  std::vector<uint8_t> filler;                // slice bytes, copied into each frame
};

// Checks the options (a video share > 0, fps 1..240, GOP 0.1..60 s).
Result<std::shared_ptr<const GeneratedStreamShape>> make_generated_stream(GeneratedStreamOptions options);

// One publisher's position in the generated stream.
class GeneratedTags final : public TagSource {
 public:
  explicit GeneratedTags(std::shared_ptr<const GeneratedStreamShape> shape);

  [[nodiscard]] const media::SharedBuffer& metadata() const override { return shape_->metadata; }
  [[nodiscard]] std::span<const OutgoingTag> sequence_headers() const override { return shape_->sequence_headers; }
  [[nodiscard]] uint32_t next_timestamp() const override;
  OutgoingTag take(uint64_t now_ns) override;

 private:
  [[nodiscard]] uint32_t video_timestamp() const;
  [[nodiscard]] uint32_t audio_timestamp() const;
  [[nodiscard]] bool video_is_next() const;
  [[nodiscard]] media::SharedBuffer video_frame(bool keyframe, uint64_t now_ns) const;

  std::shared_ptr<const GeneratedStreamShape> shape_;
  uint64_t video_index_ = 0;
  uint64_t audio_index_ = 0;
};

}  // namespace mmids::bench
