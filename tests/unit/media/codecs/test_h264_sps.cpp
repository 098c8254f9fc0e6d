// The picture size read from H.264 SPS units as x264 writes them (captured from ffmpeg
// runs), with cropping, interlacing and baseline profile; and FLV tags named by codec.
#include "mmids-core/media/codecs/h264_sps.hpp"
#include "mmids-core/media/tag_codecs.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace mmids::media;

namespace {

using Bytes = std::vector<uint8_t>;

// ffmpeg -f lavfi -i testsrc2=size=640x360 -c:v libx264 (high profile; 368 rows cropped to 360)
const Bytes kSps640x360{0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0xa0, 0x2f, 0xf9, 0x70, 0x11, 0x00,
                        0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x0f, 0x16, 0x2d, 0x96};
// 1920x1080 (1088 rows cropped)
const Bytes kSps1920x1080{0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78, 0x02, 0x27, 0xe5, 0xc0, 0x44, 0x00,
                          0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x60, 0xc6, 0x58};
// -profile:v baseline, 320x240: no chroma fields
const Bytes kSpsBaseline320x240{0x67, 0x42, 0xc0, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00,
                                0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0xa4, 0x80};
// -flags +ildct+ilme, 1280x720: field coding, the height counted in field pairs
const Bytes kSpsInterlaced1280x720{0x67, 0x64, 0x00, 0x20, 0xac, 0xd9, 0x40, 0x50, 0x0b, 0xbf, 0x2e, 0x02, 0x20,
                                   0x00, 0x00, 0x03, 0x00, 0x20, 0x00, 0x00, 0x07, 0x83, 0xe2, 0xc5, 0xb2, 0xc0};

// An FLV AVC sequence header tag around an avcC holding `sps` and a small PPS.
Bytes avc_sequence_header(const Bytes& sps) {
  Bytes tag{0x17, 0x00, 0x00, 0x00, 0x00, 0x01, sps[1], sps[2], sps[3], 0xff, 0xe1,
            static_cast<uint8_t>(sps.size() >> 8), static_cast<uint8_t>(sps.size())};
  tag.insert(tag.end(), sps.begin(), sps.end());
  for (uint8_t byte : {0x01, 0x00, 0x04, 0x68, 0xeb, 0xe3, 0xcb}) tag.push_back(byte);
  return tag;
}

}  // namespace

TEST_CASE("h264 sps: picture sizes after cropping, for every profile shape x264 writes", "[media][h264]") {
  struct Case {
    const Bytes* sps;
    uint32_t width, height;
  };
  for (const auto& [sps, width, height] : {Case{&kSps640x360, 640, 360}, Case{&kSps1920x1080, 1920, 1080},
                                           Case{&kSpsBaseline320x240, 320, 240},
                                           Case{&kSpsInterlaced1280x720, 1280, 720}}) {
    auto size = h264::sps_picture_size(*sps);
    REQUIRE(size.ok());
    CHECK(size->width == width);
    CHECK(size->height == height);
  }
}

TEST_CASE("h264 sps: truncated units and other NAL units are refused, never over-read", "[media][h264]") {
  // Its size fields end in byte 11; the VUI after them is not needed.
  for (size_t length = 0; length < 11; ++length) {
    auto size = h264::sps_picture_size(std::span(kSps640x360.data(), length));
    CHECK_FALSE(size.ok());
  }
  const Bytes pps{0x68, 0xeb, 0xe3, 0xcb};
  CHECK_FALSE(h264::sps_picture_size(pps).ok());
  const Bytes zeros(40, 0x00);  // ue(v) with more than 31 leading zeros
  Bytes malformed{0x67, 0x64, 0x00, 0x1e};
  malformed.insert(malformed.end(), zeros.begin(), zeros.end());
  CHECK_FALSE(h264::sps_picture_size(malformed).ok());
}

TEST_CASE("tag codecs: legacy and enhanced RTMP tags are named, sequence headers give the size", "[media][codecs]") {
  CHECK(video_codec_name(Bytes{0x17, 0x01}) == "h264");
  CHECK(video_codec_name(Bytes{0x1c, 0x01}) == "hevc");
  CHECK(video_codec_name(Bytes{0x90, 'h', 'v', 'c', '1'}) == "hevc");
  CHECK(video_codec_name(Bytes{0x90, 'a', 'v', '0', '1'}) == "av1");
  CHECK(video_codec_name(Bytes{0x90, 'x', 'x', 'x', 'x'}) == "unknown");
  CHECK(video_codec_name(Bytes{}) == "unknown");
  CHECK(audio_codec_name(Bytes{0xaf, 0x01}) == "aac");
  CHECK(audio_codec_name(Bytes{0x2f}) == "mp3");
  CHECK(audio_codec_name(Bytes{0x90, 'O', 'p', 'u', 's'}) == "opus");

  auto size = video_picture_size(avc_sequence_header(kSps640x360));
  REQUIRE(size);
  CHECK(size->width == 640);
  CHECK(size->height == 360);
  CHECK_FALSE(video_picture_size(Bytes{0x1c, 0x00, 0x00, 0x00, 0x00, 0x01}));  // HEVC: not read
  auto broken = avc_sequence_header(kSps640x360);
  broken.resize(20);
  CHECK_FALSE(video_picture_size(broken));
}
