// H.264 reframing both ways (Annex-B <-> length-prefixed, avcC built and parsed), and how
// malformed input is refused: every length that overruns its data yields an error with a
// reason, never an over-read.
#include "mmids-core/media/codecs/h264.hpp"

#include <catch2/catch.hpp>

using namespace mmids::media;
using Bytes = h264::Bytes;

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

// The avcC record of kSps and kPps with 4-byte NALU lengths.
const Bytes kAvcc{1, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0, 5, 0x67, 0x64, 0x00, 0x1F, 0xAC, 1, 0, 4, 0x68, 0xEE, 0x3C, 0x80};

}  // namespace

TEST_CASE("codecs/h264: Annex-B H.264 becomes an avcC record and 4-byte length-prefixed NAL units", "[media][codecs]") {
  const Bytes stream = annex_b({{0x09, 0xF0}, kSps, kPps, kIdr});
  auto nalus = h264::split_annex_b(stream);
  REQUIRE(nalus.size() == 4);
  CHECK(to_bytes(nalus[1]) == kSps);
  CHECK(to_bytes(nalus[3]) == kIdr);

  auto avcc = h264::avcc_from_nalus(nalus);
  REQUIRE(avcc);
  CHECK(h264::avcc_length_size(*avcc) == 4);
  CHECK(*avcc == kAvcc);

  // The access unit delimiter goes; the rest is length-prefixed.
  CHECK(h264::to_length_prefixed(nalus) ==
        Bytes{0, 0, 0, 5, 0x67, 0x64, 0x00, 0x1F, 0xAC, 0, 0, 0, 4, 0x68, 0xEE, 0x3C, 0x80, 0, 0, 0, 3, 0x65, 0x88, 0x84});
  CHECK_FALSE(h264::avcc_length_size(stream));  // Annex-B extradata is not avcC
  CHECK_FALSE(h264::avcc_from_nalus(h264::split_annex_b(annex_b({kSps, kIdr}))));  // no PPS
}

TEST_CASE("codecs/h264: Annex-B splitting drops bytes before the first start code and trailing zero padding", "[media][codecs]") {
  const Bytes stream{0xAA, 0, 0, 1, 0x65, 1, 0, 0, 0, 0, 1, 0x41, 2};
  auto nalus = h264::split_annex_b(stream);
  REQUIRE(nalus.size() == 2);
  CHECK(to_bytes(nalus[0]) == Bytes{0x65, 1});
  CHECK(to_bytes(nalus[1]) == Bytes{0x41, 2});
  CHECK(h264::split_annex_b(Bytes{1, 2, 3}).empty());
}

TEST_CASE("codecs/h264: length-prefixed H.264 whose lengths overrun the packet is refused with a reason", "[media][codecs]") {
  auto ok = h264::split_length_prefixed(Bytes{0, 2, 0x65, 1, 0, 1, 0x41}, 2);
  REQUIRE(ok);
  CHECK(ok->size() == 2);
  auto overrun = h264::split_length_prefixed(Bytes{0, 0, 0, 9, 0x65}, 4);
  REQUIRE_FALSE(overrun);
  CHECK(overrun.error() == "NAL unit length runs past the packet");
  CHECK_FALSE(h264::split_length_prefixed(Bytes{0xFF, 0xFF, 0xFF, 0xFF}, 4));
  CHECK_FALSE(h264::split_length_prefixed(Bytes{0, 0}, 4));  // a truncated length
  CHECK_FALSE(h264::split_length_prefixed(Bytes{1}, 0));
}

TEST_CASE("codecs/h264: length-prefixed NAL units become Annex-B, all or nothing", "[media][codecs]") {
  Bytes out{0xEE};
  REQUIRE(h264::append_annex_b(Bytes{0, 0, 0, 3, 0x65, 0x88, 0x84, 0, 0, 0, 1, 0x41}, 4, out));
  CHECK(out == Bytes{0xEE, 0, 0, 0, 1, 0x65, 0x88, 0x84, 0, 0, 0, 1, 0x41});
  Bytes untouched{0xEE};
  CHECK_FALSE(h264::append_annex_b(Bytes{0, 1, 0x65, 0, 9, 0x41}, 2, untouched));
  CHECK(untouched == Bytes{0xEE});
}

TEST_CASE("codecs/h264: an avcC record parses into its profile, length size and parameter sets", "[media][codecs]") {
  auto config = h264::parse_avcc(kAvcc);
  REQUIRE(config);
  CHECK(config->profile == 0x64);
  CHECK(config->level == 0x1F);
  CHECK(config->nalu_length_size == 4);
  REQUIRE(config->sps.size() == 1);
  REQUIRE(config->pps.size() == 1);
  CHECK(config->sps[0] == kSps);
  CHECK(config->pps[0] == kPps);
  CHECK(h264::parameter_sets_annex_b(*config) == annex_b({kSps, kPps}));

  Bytes two_byte_lengths = kAvcc;
  two_byte_lengths[4] = 0xFD;
  CHECK(h264::parse_avcc(two_byte_lengths)->nalu_length_size == 2);
}

TEST_CASE("codecs/h264: a malformed avcC record is refused at every truncation, never over-read", "[media][codecs]") {
  for (size_t size = 0; size < kAvcc.size(); ++size) {
    // A copy of exactly `size` bytes, so a sanitizer would see any read past it.
    const Bytes truncated(kAvcc.begin(), kAvcc.begin() + static_cast<long>(size));
    auto parsed = h264::parse_avcc(truncated);
    INFO("size " << size);
    CHECK_FALSE(parsed);
    CHECK_FALSE(parsed.error().empty());
  }
  Bytes version_2 = kAvcc;
  version_2[0] = 2;
  CHECK(h264::parse_avcc(version_2).error() == "avcC configuration version is not 1");
  Bytes no_pps = kAvcc;
  no_pps[13] = 0;  // PPS count
  no_pps.resize(14);
  CHECK(h264::parse_avcc(no_pps).error() == "avcC record without an SPS or a PPS");
  Bytes huge_length = kAvcc;
  huge_length[6] = 0xFF;  // SPS length 0xFF05
  CHECK(h264::parse_avcc(huge_length).error() == "avcC SPS length runs past the record");
}
