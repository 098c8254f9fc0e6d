#include "tools/bench/stream/flv_file.hpp"

#include "mmids-core/common/byte_io.hpp"
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/tag_inspection.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>

namespace mmids::bench {
namespace {

constexpr size_t kFileHeaderSize = 9;
constexpr size_t kTagHeaderSize = 11;
constexpr size_t kPreviousTagSize = 4;
using media::flv::kOnMetaDataName;
using media::flv::kTagAudio;
using media::flv::kTagScript;
using media::flv::kTagVideo;
constexpr uint8_t kTagFilterBit = 0x20;  // encrypted tags: nothing we can send
constexpr uint32_t kFallbackFrameMs = 33;

struct RawTag {
  uint8_t type;
  uint32_t timestamp_ms;
  media::SharedBuffer body;
};

bool is_sequence_header(const RawTag& tag) {
  return tag.type == kTagVideo ? media::inspect_video_tag(tag.body.span()).is_sequence_header
                               : media::inspect_audio_tag(tag.body.span()).is_sequence_header;
}

// The average video frame interval (the seam of a loop), or a 30 fps frame without video.
uint32_t frame_interval(const std::vector<OutgoingTag>& media) {
  std::vector<uint32_t> video;
  for (const auto& tag : media) {
    if (tag.kind == media::MediaKind::Video) video.push_back(tag.timestamp_ms);
  }
  if (video.size() < 2 || video.back() <= video.front()) return kFallbackFrameMs;
  return std::max<uint32_t>(1, (video.back() - video.front()) / static_cast<uint32_t>(video.size() - 1));
}

Result<std::vector<RawTag>> split_tags(const media::SharedBuffer& file) {
  const uint8_t* bytes = file.data();
  if (file.size() < kFileHeaderSize || bytes[0] != 'F' || bytes[1] != 'L' || bytes[2] != 'V') {
    return Error("not an FLV file (no FLV signature)");
  }
  const uint32_t data_offset = byte_io::read_u32be(bytes + 5);
  if (data_offset < kFileHeaderSize || data_offset > file.size()) return Error("bad FLV header size");
  std::vector<RawTag> tags;
  size_t at = data_offset + kPreviousTagSize;
  while (at + kTagHeaderSize <= file.size()) {
    const uint8_t type = bytes[at];
    const uint32_t size = byte_io::read_u24be(bytes + at + 1);
    const uint32_t timestamp = byte_io::read_u24be(bytes + at + 4) | (uint32_t{bytes[at + 7]} << 24);
    if (type & kTagFilterBit) return Error("encrypted FLV tag at byte " + std::to_string(at));
    if (at + kTagHeaderSize + size > file.size()) break;  // cut short: keep what is complete
    tags.push_back({type, timestamp, file.slice(at + kTagHeaderSize, size)});
    at += kTagHeaderSize + size + kPreviousTagSize;
  }
  return tags;
}

}  // namespace

Result<FlvFile> parse_flv_file(media::SharedBuffer file_bytes) {
  auto tags = split_tags(file_bytes);
  if (!tags.ok()) return std::move(tags).take_error();
  FlvFile file;
  bool video_header = false;
  bool audio_header = false;
  std::optional<uint32_t> origin;
  for (const auto& tag : *tags) {
    if (tag.type == kTagScript) {
      const auto body = tag.body.span();
      if (file.metadata.empty() && body.size() > sizeof kOnMetaDataName &&
          std::equal(std::begin(kOnMetaDataName), std::end(kOnMetaDataName), body.begin())) {
        file.metadata = tag.body.slice(sizeof kOnMetaDataName, body.size() - sizeof kOnMetaDataName);
      }
      continue;
    }
    if ((tag.type != kTagAudio && tag.type != kTagVideo) || tag.body.empty()) continue;
    const auto kind = tag.type == kTagVideo ? media::MediaKind::Video : media::MediaKind::Audio;
    bool& seen_header = kind == media::MediaKind::Video ? video_header : audio_header;
    if (!seen_header && is_sequence_header(tag)) {
      seen_header = true;
      file.sequence_headers.push_back({kind, 0, tag.body});
      continue;
    }
    if (!origin) origin = tag.timestamp_ms;
    const uint32_t timestamp = tag.timestamp_ms >= *origin ? tag.timestamp_ms - *origin : 0;
    file.media.push_back({kind, timestamp, tag.body});
  }
  if (file.media.empty()) return Error("the FLV file has no audio or video frames");
  file.loop_period_ms = file.media.back().timestamp_ms + frame_interval(file.media);
  return file;
}

Result<FlvFile> read_flv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error("cannot read " + path);
  auto file = parse_flv_file(media::SharedBuffer::adopt(std::move(bytes)));
  if (!file.ok()) return Error(path + ": " + file.error());
  return file;
}

FileTags::FileTags(std::shared_ptr<const FlvFile> file) : file_(std::move(file)) {}

uint32_t FileTags::next_timestamp() const { return loop_offset_ms_ + file_->media[index_].timestamp_ms; }

OutgoingTag FileTags::take(uint64_t /*now_ns*/) {
  OutgoingTag tag = file_->media[index_];
  tag.timestamp_ms += loop_offset_ms_;
  if (++index_ == file_->media.size()) {
    index_ = 0;
    loop_offset_ms_ += file_->loop_period_ms;
  }
  return tag;
}

}  // namespace mmids::bench
