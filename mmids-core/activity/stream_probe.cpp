#include "mmids-core/activity/stream_probe.hpp"

#include "mmids-core/media/tag_codecs.hpp"

namespace mmids::activity {

void StreamProbe::on_tag(media::MediaKind kind, bool sequence_header, std::span<const uint8_t> body) {
  bytes_ += body.size();
  if (kind == media::MediaKind::Audio) {
    if (audio_codec_.empty() && !body.empty()) audio_codec_ = media::audio_codec_name(body);
    return;
  }
  if (!sequence_header) {
    ++video_frames_;
    if (video_codec_.empty() && !body.empty()) video_codec_ = media::video_codec_name(body);
    return;
  }
  // A new decoder configuration: the codec or the size may have changed (a new encoder).
  video_codec_ = media::video_codec_name(body);
  if (auto size = media::video_picture_size(body)) {
    width_ = size->width;
    height_ = size->height;
  }
}

}  // namespace mmids::activity
