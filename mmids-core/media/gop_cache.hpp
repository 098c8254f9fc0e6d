#pragma once
// GopCache: what a viewer joining a live stream needs to show a picture at once:
// the metadata, the sequence headers, and every frame since the last video keyframe
// (SPEC.md section 6, instant start). Bounded: a GOP larger than the limits is dropped
// whole and caching resumes at the next keyframe, so a joiner never starts mid-GOP.
#include "mmids-core/media/notification.hpp"

#include <deque>
#include <functional>
#include <optional>

namespace mmids::media {

class GopCache {
 public:
  struct Limits {
    size_t max_bytes = 16 * 1024 * 1024;
    size_t max_frames = 4096;
  };
  // With `keep_frames` false only metadata and sequence headers are kept (gop_cache=off).
  explicit GopCache(Limits limits, bool keep_frames = true) : limits_(limits), keep_frames_(keep_frames) {}
  GopCache() : GopCache(Limits{}) {}

  void add(const MediaNotification& notification);
  void clear();

  // Metadata, video and audio sequence headers, then the GOP in arrival order.
  void replay(const std::function<void(const MediaNotification&)>& sink) const;

  [[nodiscard]] size_t frame_count() const { return frames_.size(); }
  [[nodiscard]] size_t frame_bytes() const { return frame_bytes_; }
  [[nodiscard]] bool has_keyframe() const { return !frames_.empty(); }

 private:
  void add_payload(const MediaPayload& payload);

  Limits limits_;
  bool keep_frames_;
  std::optional<StreamMetadata> metadata_;
  std::optional<MediaPayload> video_sequence_header_;
  std::optional<MediaPayload> audio_sequence_header_;
  std::deque<MediaPayload> frames_;  // starts with a video keyframe when not empty
  size_t frame_bytes_ = 0;
};

}  // namespace mmids::media
