#pragma once
// What a stream is, read from its FLV tag bodies: the codec of a video or audio tag
// ("h264", "hevc", "av1", "vp9", "aac", "mp3", "opus", ...; legacy and enhanced RTMP), and
// the picture size an H.264 sequence header announces. For the node's API, metrics and
// reports: nothing is decoded, and a tag we do not know is "unknown", not an error.
#include "mmids-core/media/codecs/h264_sps.hpp"

#include <optional>
#include <span>
#include <string_view>

namespace mmids::media {

[[nodiscard]] std::string_view video_codec_name(std::span<const uint8_t> body);
[[nodiscard]] std::string_view audio_codec_name(std::span<const uint8_t> body);

// The picture size of an H.264 sequence header tag (legacy AVC or enhanced "avc1"):
// from its avcC's first SPS. nullopt for other tags and codecs, or when unreadable.
[[nodiscard]] std::optional<h264::PictureSize> video_picture_size(std::span<const uint8_t> sequence_header);

}  // namespace mmids::media
