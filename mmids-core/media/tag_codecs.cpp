#include "mmids-core/media/tag_codecs.hpp"

#include "mmids-core/media/codecs/h264.hpp"

#include <array>
#include <utility>

namespace mmids::media {
namespace {

constexpr uint8_t kExHeader = 0x80;
constexpr size_t kAvcConfigOffset = 5;  // legacy: [codec][packet type][composition time:3]
constexpr size_t kExConfigOffset = 5;   // enhanced: [header][FourCC:4]

std::string_view fourcc_name(std::span<const uint8_t> body,
                             std::span<const std::pair<std::string_view, std::string_view>> known) {
  if (body.size() < 5) return "unknown";
  const std::string_view code(reinterpret_cast<const char*>(body.data() + 1), 4);
  for (const auto& [fourcc, name] : known)
    if (fourcc == code) return name;
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kVideoFourccs{
    {{"avc1", "h264"}, {"hvc1", "hevc"}, {"av01", "av1"}, {"vp09", "vp9"}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kAudioFourccs{
    {{"mp4a", "aac"}, {"Opus", "opus"}, {"fLaC", "flac"}, {".mp3", "mp3"}, {"ac-3", "ac3"}, {"ec-3", "eac3"}}};

}  // namespace

std::string_view video_codec_name(std::span<const uint8_t> body) {
  if (body.empty()) return "unknown";
  if (body[0] & kExHeader) return fourcc_name(body, kVideoFourccs);
  switch (body[0] & 0x0f) {
    case 2: return "h263";
    case 3: return "screen";
    case 4: case 5: return "vp6";
    case 7: return "h264";
    case 12: return "hevc";
    default: return "unknown";
  }
}

std::string_view audio_codec_name(std::span<const uint8_t> body) {
  if (body.empty()) return "unknown";
  switch (body[0] >> 4) {
    case 0: case 3: return "pcm";
    case 1: return "adpcm";
    case 2: case 14: return "mp3";
    case 4: case 5: case 6: return "nellymoser";
    case 7: return "g711a";
    case 8: return "g711u";
    case 9: return fourcc_name(body, kAudioFourccs);
    case 10: return "aac";
    case 11: return "speex";
    default: return "unknown";
  }
}

std::optional<h264::PictureSize> video_picture_size(std::span<const uint8_t> sequence_header) {
  if (video_codec_name(sequence_header) != "h264" || sequence_header.size() <= kAvcConfigOffset) return std::nullopt;
  const size_t offset = (sequence_header[0] & kExHeader) ? kExConfigOffset : kAvcConfigOffset;
  auto config = h264::parse_avcc(sequence_header.subspan(offset));
  if (!config.ok()) return std::nullopt;
  auto size = h264::sps_picture_size(config->sps.front());
  if (!size.ok()) return std::nullopt;
  return *size;
}

}  // namespace mmids::media
