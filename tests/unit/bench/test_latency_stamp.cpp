// The latency stamp (an SEI NAL unit at a fixed place in generated frames).
#include "tools/bench/stream/latency_stamp.hpp"

#include <catch2/catch.hpp>

using namespace mmids::bench;

namespace {
std::vector<uint8_t> frame_with_stamp(uint64_t ns) {
  std::vector<uint8_t> body{0x27, 0x01, 0, 0, 0};
  append_latency_stamp(body, ns);
  body.insert(body.end(), {0, 0, 0, 2, 0x41, 0x9a});
  return body;
}
}  // namespace

TEST_CASE("bench latency stamp round-trips every 64-bit value", "[bench][stamp]") {
  for (uint64_t ns : {0ULL, 1ULL, 127ULL, 128ULL, 1234567890123ULL, ~0ULL}) {
    auto body = frame_with_stamp(ns);
    CHECK(body.size() == kFlvAvcHeaderSize + kStampSize + 6);
    auto read = read_latency_stamp(body);
    REQUIRE(read.has_value());
    CHECK(*read == ns);
  }
}

TEST_CASE("bench latency stamp is a well-formed SEI without zero bytes in its payload", "[bench][stamp]") {
  auto body = frame_with_stamp(0);
  CHECK(body[5] == 0);
  CHECK(body[8] == kStampNaluSize);
  CHECK(body[9] == 0x06);  // SEI
  CHECK(body[10] == 5);    // user_data_unregistered
  // From the NAL header to the trailing bits, no zero byte: no emulation prevention needed.
  for (size_t i = 9; i < 9 + kStampNaluSize; ++i) CHECK(body[i] != 0);
  CHECK(body[9 + kStampNaluSize - 1] == 0x80);
}

TEST_CASE("bench latency stamp is not found in frames without one", "[bench][stamp]") {
  CHECK_FALSE(read_latency_stamp({}).has_value());
  std::vector<uint8_t> plain{0x17, 0x01, 0, 0, 0, 0, 0, 0, 30, 0x65};
  plain.resize(64, 0xAB);
  CHECK_FALSE(read_latency_stamp(plain).has_value());
  auto stamped = frame_with_stamp(42);
  stamped[15] ^= 0x01;  // a different UUID
  CHECK_FALSE(read_latency_stamp(stamped).has_value());
  stamped = frame_with_stamp(42);
  stamped.resize(kFlvAvcHeaderSize + kStampSize - 1);
  CHECK_FALSE(read_latency_stamp(stamped).has_value());
}
