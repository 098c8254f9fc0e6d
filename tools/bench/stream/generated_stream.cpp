#include "tools/bench/stream/generated_stream.hpp"

#include "mmids-core/common/byte_io.hpp"
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/codecs/h264.hpp"
#include "mmids-core/rtmp/protocol/amf0.hpp"
#include "tools/bench/stream/latency_stamp.hpp"

#include <algorithm>
#include <cmath>

namespace mmids::bench {
namespace {

// x264's parameter sets for Baseline 3.0, 640x360 (encoded once; nothing decodes frames).
constexpr uint8_t kSps[] = {0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xbf, 0xe5, 0xc0, 0x44, 0x00, 0x00,
                            0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x58, 0xba, 0x80};
constexpr uint8_t kPps[] = {0x68, 0xce, 0x0f, 0xc8};
constexpr uint32_t kWidth = 640;
constexpr uint32_t kHeight = 360;
// AudioSpecificConfig: AAC-LC, 44.1 kHz (index 4), 2 channels.
constexpr uint8_t kAacConfig[] = {0x12, 0x10};

constexpr uint8_t kNalIdr = 0x65;     // nal_ref_idc 3, IDR slice
constexpr uint8_t kNalNonIdr = 0x41;  // nal_ref_idc 2, non-IDR slice
// FLV header, stamp, the slice's length and NAL header: what a frame holds besides filler.
constexpr size_t kFrameOverhead = kFlvAvcHeaderSize + kStampSize + 4 + 1;
constexpr size_t kMinFrameBody = kFrameOverhead + 16;
constexpr size_t kMinAudioBody = 8;

media::SharedBuffer make_metadata(const GeneratedStreamOptions& options) {
  auto value = rtmp::Amf0Value::ecma_array();
  value.set("width", rtmp::Amf0Value::number(kWidth));
  value.set("height", rtmp::Amf0Value::number(kHeight));
  value.set("framerate", rtmp::Amf0Value::number(options.fps));
  value.set("videocodecid", rtmp::Amf0Value::number(media::flv::kVideoCodecAvc));
  value.set("videodatarate", rtmp::Amf0Value::number(options.kbps - options.audio_kbps));
  if (options.audio_kbps > 0) {
    value.set("audiocodecid", rtmp::Amf0Value::number(media::flv::kAudioFormatAac));
    value.set("audiodatarate", rtmp::Amf0Value::number(options.audio_kbps));
    value.set("audiosamplerate", rtmp::Amf0Value::number(kAacSampleRate));
    value.set("stereo", rtmp::Amf0Value::boolean(true));
  }
  value.set("encoder", rtmp::Amf0Value::string("mmids-bench"));
  std::vector<uint8_t> bytes;
  rtmp::amf0_encode(value, bytes);
  return media::SharedBuffer::adopt(std::move(bytes));
}

std::vector<uint8_t> make_filler(size_t size) {
  std::vector<uint8_t> filler(size);
  // Never zero, so no start-code or emulation-prevention pattern can appear.
  for (size_t i = 0; i < size; ++i) filler[i] = static_cast<uint8_t>(1 + (i * 131) % 255);
  return filler;
}

}  // namespace

Result<std::shared_ptr<const GeneratedStreamShape>> make_generated_stream(GeneratedStreamOptions options) {
  if (options.fps < 1 || options.fps > 240) return Error("--fps must be from 1 to 240");
  if (!(options.gop_seconds >= 0.1 && options.gop_seconds <= 60)) return Error("--gop must be from 0.1 to 60 seconds");
  if (options.kbps <= options.audio_kbps) return Error("the bitrate must exceed the audio bitrate");
  auto shape = std::make_shared<GeneratedStreamShape>();
  shape->options = options;
  shape->gop_frames = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(options.gop_seconds * options.fps)));
  const double gop_bytes = (options.kbps - options.audio_kbps) * 1000.0 / 8 * shape->gop_frames / options.fps;
  const double interframe = gop_bytes / (shape->gop_frames - 1 + kKeyframeWeight);
  shape->interframe_body_bytes = std::max(kMinFrameBody, static_cast<size_t>(interframe));
  shape->keyframe_body_bytes = std::max(kMinFrameBody, static_cast<size_t>(interframe * kKeyframeWeight));
  shape->filler = make_filler(shape->keyframe_body_bytes - kFrameOverhead);
  shape->metadata = make_metadata(options);

  const std::vector<std::span<const uint8_t>> parameter_sets{kSps, kPps};
  auto avcc = media::h264::avcc_from_nalus(parameter_sets);
  shape->sequence_headers.push_back(
      {media::MediaKind::Video, 0, media::SharedBuffer::adopt(media::flv::avc_sequence_header_tag(*avcc))});
  if (options.audio_kbps > 0) {
    shape->sequence_headers.push_back(
        {media::MediaKind::Audio, 0, media::SharedBuffer::adopt(media::flv::aac_sequence_header_tag(kAacConfig))});
    const double frames_per_second = static_cast<double>(kAacSampleRate) / kAacSamplesPerFrame;
    const size_t audio_bytes = std::max(kMinAudioBody, static_cast<size_t>(options.audio_kbps * 1000.0 / 8 / frames_per_second));
    const auto raw = make_filler(audio_bytes - 2);
    shape->audio_frame = media::SharedBuffer::adopt(media::flv::aac_frame_tag(raw));
  }
  return std::shared_ptr<const GeneratedStreamShape>(std::move(shape));
}

GeneratedTags::GeneratedTags(std::shared_ptr<const GeneratedStreamShape> shape) : shape_(std::move(shape)) {}

uint32_t GeneratedTags::video_timestamp() const {
  return static_cast<uint32_t>(video_index_ * 1000 / shape_->options.fps);
}

uint32_t GeneratedTags::audio_timestamp() const {
  return static_cast<uint32_t>(audio_index_ * kAacSamplesPerFrame * 1000 / kAacSampleRate);
}

bool GeneratedTags::video_is_next() const {
  return shape_->audio_frame.empty() || video_timestamp() <= audio_timestamp();
}

uint32_t GeneratedTags::next_timestamp() const { return video_is_next() ? video_timestamp() : audio_timestamp(); }

OutgoingTag GeneratedTags::take(uint64_t now_ns) {
  if (!video_is_next()) {
    OutgoingTag tag{media::MediaKind::Audio, audio_timestamp(), shape_->audio_frame};
    ++audio_index_;
    return tag;
  }
  const bool keyframe = video_index_ % shape_->gop_frames == 0;
  OutgoingTag tag{media::MediaKind::Video, video_timestamp(), video_frame(keyframe, now_ns)};
  ++video_index_;
  return tag;
}

media::SharedBuffer GeneratedTags::video_frame(bool keyframe, uint64_t now_ns) const {
  const size_t size = keyframe ? shape_->keyframe_body_bytes : shape_->interframe_body_bytes;
  const size_t filler = size - kFrameOverhead;
  std::vector<uint8_t> body;
  body.reserve(size);
  body.insert(body.end(), {static_cast<uint8_t>(keyframe ? 0x17 : 0x27), media::flv::kAvcNalu, 0, 0, 0});
  append_latency_stamp(body, now_ns);
  byte_io::put_u32be(body, static_cast<uint32_t>(filler + 1));
  body.push_back(keyframe ? kNalIdr : kNalNonIdr);
  body.insert(body.end(), shape_->filler.begin(), shape_->filler.begin() + static_cast<std::ptrdiff_t>(filler));
  return media::SharedBuffer::adopt(std::move(body));
}

}  // namespace mmids::bench
