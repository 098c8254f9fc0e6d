// Keyframe and sequence-header detection for the codecs the relay must carry.
#include "mmids-core/media/tag_inspection.hpp"

#include <catch2/catch.hpp>

using namespace mmids::media;

namespace {
std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}
}  // namespace

TEST_CASE("legacy H.264 tags", "[media][tags]") {
  auto header = inspect_video_tag(bytes({0x17, 0x00, 0, 0, 0}));
  CHECK(header.is_keyframe);
  CHECK(header.is_sequence_header);
  auto key = inspect_video_tag(bytes({0x17, 0x01, 0, 0, 0x21}));
  CHECK(key.is_keyframe);
  CHECK_FALSE(key.is_sequence_header);
  CHECK(key.composition_offset_ms == 0x21);
  auto inter = inspect_video_tag(bytes({0x27, 0x01, 0xff, 0xff, 0xfe}));
  CHECK_FALSE(inter.is_keyframe);
  CHECK(inter.composition_offset_ms == -2);
}

TEST_CASE("legacy HEVC (codec id 12) tags", "[media][tags]") {
  CHECK(inspect_video_tag(bytes({0x1c, 0x00, 0, 0, 0})).is_sequence_header);
  CHECK(inspect_video_tag(bytes({0x1c, 0x01, 0, 0, 0})).is_keyframe);
  CHECK_FALSE(inspect_video_tag(bytes({0x2c, 0x01, 0, 0, 0})).is_keyframe);
}

TEST_CASE("enhanced RTMP video tags (hvc1, av01)", "[media][tags]") {
  // isExHeader | frameType 1 | packetType 0 (SequenceStart) + 'hvc1'
  auto start = inspect_video_tag(bytes({0x90, 'h', 'v', 'c', '1'}));
  CHECK(start.is_sequence_header);
  CHECK(start.is_keyframe);
  // frameType 1, CodedFrames with SI24 composition time
  auto coded = inspect_video_tag(bytes({0x91, 'h', 'v', 'c', '1', 0, 0, 0x10}));
  CHECK(coded.is_keyframe);
  CHECK_FALSE(coded.is_sequence_header);
  CHECK(coded.composition_offset_ms == 0x10);
  // frameType 2, CodedFramesX (no composition time) for AV1
  auto inter = inspect_video_tag(bytes({0xa3, 'a', 'v', '0', '1', 9, 9}));
  CHECK_FALSE(inter.is_keyframe);
  CHECK_FALSE(inter.is_sequence_header);
}

TEST_CASE("AAC and other audio tags", "[media][tags]") {
  CHECK(inspect_audio_tag(bytes({0xaf, 0x00, 0x12, 0x10})).is_sequence_header);
  CHECK_FALSE(inspect_audio_tag(bytes({0xaf, 0x01, 0x21})).is_sequence_header);
  CHECK_FALSE(inspect_audio_tag(bytes({0x2f, 0x00})).is_sequence_header);  // MP3 has none
  CHECK(inspect_audio_tag(bytes({0x90, 'O', 'p', 'u', 's'})).is_sequence_header);
}

TEST_CASE("truncated tags are plain frames, never a crash", "[media][tags]") {
  CHECK_FALSE(inspect_video_tag({}).is_keyframe);
  CHECK_FALSE(inspect_video_tag(bytes({0x17})).is_sequence_header);
  CHECK_FALSE(inspect_video_tag(bytes({0x91, 'h'})).is_sequence_header);
  CHECK_FALSE(inspect_audio_tag(bytes({0xaf})).is_sequence_header);
}
