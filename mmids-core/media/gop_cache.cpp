#include "mmids-core/media/gop_cache.hpp"

namespace mmids::media {

void GopCache::add(const MediaNotification& notification) {
  if (const auto* payload = std::get_if<MediaPayload>(&notification)) {
    add_payload(*payload);
  } else if (const auto* metadata = std::get_if<StreamMetadata>(&notification)) {
    metadata_ = *metadata;
  }
}

void GopCache::add_payload(const MediaPayload& payload) {
  if (payload.is_sequence_header) {
    (payload.is_video() ? video_sequence_header_ : audio_sequence_header_) = payload;
    return;
  }
  if (!keep_frames_) return;
  if (payload.is_video() && payload.is_keyframe) {
    frames_.clear();
    frame_bytes_ = 0;
  } else if (frames_.empty()) {
    return;  // no keyframe yet: nothing a joiner could start from
  }
  if (frames_.size() + 1 > limits_.max_frames || frame_bytes_ + payload.data.size() > limits_.max_bytes) {
    // Too long a GOP to hold: drop it whole and wait for the next keyframe.
    frames_.clear();
    frame_bytes_ = 0;
    return;
  }
  frames_.push_back(payload);
  frame_bytes_ += payload.data.size();
}

void GopCache::clear() {
  metadata_.reset();
  video_sequence_header_.reset();
  audio_sequence_header_.reset();
  frames_.clear();
  frame_bytes_ = 0;
}

void GopCache::replay(const std::function<void(const MediaNotification&)>& sink) const {
  if (metadata_) sink(*metadata_);
  if (video_sequence_header_) sink(*video_sequence_header_);
  if (audio_sequence_header_) sink(*audio_sequence_header_);
  for (const auto& frame : frames_) sink(frame);
}

}  // namespace mmids::media
