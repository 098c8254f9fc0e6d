#pragma once
// StreamProbe: what a stream source (a publisher, a pull) learns of its stream while it
// relays it: codecs, picture size, bytes and video frames received. Fed every tag by the
// source on its io thread; the per-tag cost is two additions, the tag's codec byte is read
// only until known, and sequence headers (rare) are parsed for the picture size.
#include "mmids-core/media/notification.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace mmids::activity {

class StreamProbe {
 public:
  void on_tag(media::MediaKind kind, bool sequence_header, std::span<const uint8_t> body);
  void on_payload(const media::MediaPayload& payload) {
    on_tag(payload.kind, payload.is_sequence_header, payload.data.span());
  }

  [[nodiscard]] uint64_t bytes() const { return bytes_; }
  [[nodiscard]] uint64_t video_frames() const { return video_frames_; }
  [[nodiscard]] const std::string& video_codec() const { return video_codec_; }  // "" until a video tag
  [[nodiscard]] const std::string& audio_codec() const { return audio_codec_; }  // "" until an audio tag
  [[nodiscard]] uint32_t width() const { return width_; }  // 0 when unknown
  [[nodiscard]] uint32_t height() const { return height_; }

 private:
  uint64_t bytes_ = 0;
  uint64_t video_frames_ = 0;
  std::string video_codec_;
  std::string audio_codec_;
  uint32_t width_ = 0;
  uint32_t height_ = 0;
};

}  // namespace mmids::activity
