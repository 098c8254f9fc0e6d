// The FLV tag bodies made from demuxed H.264 and AAC, and how malformed input is refused
// (lengths that overrun the data yield nothing, never an over-read).
#include "steps/ffmpeg_pull/flv_tag_builder.hpp"

#include <catch2/catch.hpp>

using namespace mmids::steps;
using Bytes = flv::Bytes;

namespace {

const Bytes kSps{0x67, 0x64, 0x00, 0x1F, 0xAC};
const Bytes kPps{0x68, 0xEE, 0x3C, 0x80};
const Bytes kIdr{0x65, 0x88, 0x84};

Bytes annex_b(std::initializer_list<Bytes> units) {
  Bytes out;
  for (const auto& unit : units) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), unit.begin(), unit.end());
  }
  return out;
}

Bytes to_bytes(std::span<const uint8_t> span) { return {span.begin(), span.end()}; }

}  // namespace

TEST_CASE("Annex-B H.264 becomes an avcC record and 4-byte length-prefixed NAL units", "[ffmpeg-pull]") {
  const Bytes stream = annex_b({{0x09, 0xF0}, kSps, kPps, kIdr});
  auto nalus = flv::split_annex_b(stream);
  REQUIRE(nalus.size() == 4);
  CHECK(to_bytes(nalus[1]) == kSps);
  CHECK(to_bytes(nalus[3]) == kIdr);

  auto avcc = flv::avcc_from_nalus(nalus);
  REQUIRE(avcc);
  CHECK(flv::avcc_length_size(*avcc) == 4);
  CHECK(*avcc == Bytes{1, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0, 5, 0x67, 0x64, 0x00, 0x1F, 0xAC, 1, 0, 4, 0x68, 0xEE, 0x3C,
                       0x80});

  // The access unit delimiter goes; the rest is length-prefixed.
  CHECK(flv::to_length_prefixed(nalus) ==
        Bytes{0, 0, 0, 5, 0x67, 0x64, 0x00, 0x1F, 0xAC, 0, 0, 0, 4, 0x68, 0xEE, 0x3C, 0x80, 0, 0, 0, 3, 0x65, 0x88, 0x84});
  CHECK_FALSE(flv::avcc_length_size(stream));  // Annex-B extradata is not avcC
  CHECK_FALSE(flv::avcc_from_nalus(flv::split_annex_b(annex_b({kSps, kIdr}))));  // no PPS
}

TEST_CASE("FLV AVC tags carry frame type, packet type and a signed composition time", "[ffmpeg-pull]") {
  CHECK(flv::avc_sequence_header_tag(Bytes{1, 2}) == Bytes{0x17, 0, 0, 0, 0, 1, 2});
  CHECK(flv::avc_frame_tag(true, 66, Bytes{9}) == Bytes{0x17, 1, 0, 0, 66, 9});
  CHECK(flv::avc_frame_tag(false, -1, Bytes{}) == Bytes{0x27, 1, 0xFF, 0xFF, 0xFF});
  CHECK(flv::avc_frame_tag(false, 1 << 30, Bytes{}) == Bytes{0x27, 1, 0x7F, 0xFF, 0xFF});  // clamped, not wrapped
}

TEST_CASE("length-prefixed H.264 whose lengths overrun the packet is refused", "[ffmpeg-pull]") {
  auto ok = flv::split_length_prefixed(Bytes{0, 2, 0x65, 1, 0, 1, 0x41}, 2);
  REQUIRE(ok);
  CHECK(ok->size() == 2);
  CHECK_FALSE(flv::split_length_prefixed(Bytes{0, 0, 0, 9, 0x65}, 4));
  CHECK_FALSE(flv::split_length_prefixed(Bytes{0xFF, 0xFF, 0xFF, 0xFF}, 4));
  CHECK_FALSE(flv::split_length_prefixed(Bytes{0, 0}, 4));  // a truncated length
  CHECK_FALSE(flv::split_length_prefixed(Bytes{1}, 0));
}

TEST_CASE("ADTS frames lose their headers and give the AudioSpecificConfig", "[ffmpeg-pull]") {
  // AAC LC (profile 1), 44.1 kHz (index 4), 2 channels, frame length 7 + 3, no CRC.
  const Bytes frame{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x5F, 0xFC, 0xAA, 0xBB, 0xCC};
  Bytes two = frame;
  two.insert(two.end(), frame.begin(), frame.end());
  auto frames = flv::split_adts(two);
  REQUIRE(frames);
  REQUIRE(frames->size() == 2);
  CHECK(to_bytes((*frames)[1].payload) == Bytes{0xAA, 0xBB, 0xCC});
  CHECK((*frames)[0].audio_specific_config == Bytes{0x12, 0x10});
  CHECK((*frames)[0].sample_rate == 44100);
  CHECK(flv::aac_sequence_header_tag(Bytes{0x12, 0x10}) == Bytes{0xAF, 0, 0x12, 0x10});
  CHECK(flv::aac_frame_tag((*frames)[0].payload) == Bytes{0xAF, 1, 0xAA, 0xBB, 0xCC});

  Bytes overrun = frame;
  overrun.pop_back();  // the header claims one byte more than there is
  CHECK_FALSE(flv::split_adts(overrun));
  Bytes bad_rate = frame;
  bad_rate[2] = 0x7C;  // frequency index 15
  CHECK_FALSE(flv::split_adts(bad_rate));
  CHECK_FALSE(flv::split_adts(Bytes{0xFF, 0xF1, 0x50}));
}
