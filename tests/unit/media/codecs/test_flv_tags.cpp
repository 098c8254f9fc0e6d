// FLV tag bodies: the AVC/AAC bodies the libavformat pull builds, and what the muxers
// read back from any body (codec, packet type, composition time, where codec bytes
// start). Bodies too short for their header are errors; other codecs are named.
#include "mmids-core/media/codecs/flv_tags.hpp"

#include <catch2/catch.hpp>

using namespace mmids::media;
using Bytes = flv::Bytes;

TEST_CASE("codecs/flv: FLV AVC tags carry frame type, packet type and a signed composition time", "[media][codecs]") {
  CHECK(flv::avc_sequence_header_tag(Bytes{1, 2}) == Bytes{0x17, 0, 0, 0, 0, 1, 2});
  CHECK(flv::avc_frame_tag(true, 66, Bytes{9}) == Bytes{0x17, 1, 0, 0, 66, 9});
  CHECK(flv::avc_frame_tag(false, -1, Bytes{}) == Bytes{0x27, 1, 0xFF, 0xFF, 0xFF});
  CHECK(flv::avc_frame_tag(false, 1 << 30, Bytes{}) == Bytes{0x27, 1, 0x7F, 0xFF, 0xFF});  // clamped, not wrapped
  CHECK(flv::aac_sequence_header_tag(Bytes{0x12, 0x10}) == Bytes{0xAF, 0, 0x12, 0x10});
  CHECK(flv::aac_frame_tag(Bytes{0xAA}) == Bytes{0xAF, 1, 0xAA});
}

TEST_CASE("codecs/flv: an AVC video tag reads back as built", "[media][codecs]") {
  const Bytes body = flv::avc_frame_tag(false, -33, Bytes{0, 0, 0, 1, 0x41});
  auto tag = flv::read_video_tag(body);
  REQUIRE(tag);
  CHECK(tag->is_avc());
  CHECK_FALSE(tag->keyframe);
  CHECK(tag->packet_type == flv::kAvcNalu);
  CHECK(tag->composition_ms == -33);
  CHECK(Bytes(tag->data.begin(), tag->data.end()) == Bytes{0, 0, 0, 1, 0x41});

  auto header = flv::read_video_tag(flv::avc_sequence_header_tag(Bytes{1}));
  REQUIRE(header);
  CHECK(header->keyframe);
  CHECK(header->packet_type == flv::kAvcSequenceHeader);
  CHECK(header->data.size() == 1);

  CHECK(flv::read_video_tag(Bytes{}).error() == "empty video tag");
  CHECK(flv::read_video_tag(Bytes{0x17, 1, 0, 0}).error() == "AVC video tag shorter than its 5-byte header");
}

TEST_CASE("codecs/flv: other video codecs are recognised and named, not parsed as AVC", "[media][codecs]") {
  auto hevc = flv::read_video_tag(Bytes{0x1C, 1, 0, 0, 0, 9});
  REQUIRE(hevc);
  CHECK_FALSE(hevc->is_avc());
  CHECK(flv::codec_name(*hevc) == "HEVC (FLV codec id 12)");

  // Enhanced RTMP: ex-header bit, keyframe, packet type 1 (coded frames), FourCC av01.
  auto av1 = flv::read_video_tag(Bytes{0x91, 'a', 'v', '0', '1', 7});
  REQUIRE(av1);
  CHECK(av1->enhanced);
  CHECK(av1->keyframe);
  CHECK(av1->packet_type == 1);
  CHECK_FALSE(av1->is_avc());
  CHECK(flv::codec_name(*av1) == "enhanced RTMP 'av01'");
  CHECK(av1->data.size() == 1);
  CHECK_FALSE(flv::read_video_tag(Bytes{0x91, 'a', 'v'}));
}

TEST_CASE("codecs/flv: audio tags: AAC packet types, other formats named", "[media][codecs]") {
  auto raw = flv::read_audio_tag(Bytes{0xAF, 1, 0x21, 0x22});
  REQUIRE(raw);
  CHECK(raw->is_aac());
  CHECK(raw->packet_type == flv::kAacRaw);
  CHECK(raw->data.size() == 2);
  CHECK(flv::read_audio_tag(Bytes{0xAF}).error() == "AAC audio tag shorter than its 2-byte header");
  CHECK(flv::read_audio_tag(Bytes{}).error() == "empty audio tag");

  auto mp3 = flv::read_audio_tag(Bytes{0x2F, 0xFF, 0xFB});
  REQUIRE(mp3);
  CHECK_FALSE(mp3->is_aac());
  CHECK(flv::codec_name(*mp3) == "MP3 (FLV sound format 2)");
}
