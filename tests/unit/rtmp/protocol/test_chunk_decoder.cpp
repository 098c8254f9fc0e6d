// ChunkDecoder against byte vectors written by hand from the RTMP specification, its
// limits, Abort, Set Chunk Size validation and tolerance of peers' quirks.
#include <catch2/catch.hpp>

#include "mmids-core/rtmp/protocol/control_messages.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;
namespace media = mmids::media;

namespace {

std::vector<uint8_t> filled(size_t size, uint8_t value) { return std::vector<uint8_t>(size, value); }

Status feed(ChunkDecoder& decoder, const std::vector<uint8_t>& wire, std::vector<RtmpMessage>& out) {
  return decoder.feed(wire, out);
}

}  // namespace

TEST_CASE("chunk decoder: a hand-written type 0 chunk", "[rtmp]") {
  // csid 3, timestamp 1000, length 5, type 20 (AMF0 command), message stream 1 (LE).
  const auto wire = bytes({0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x05, 0x14, 0x01, 0x00, 0x00, 0x00,  //
                           'h', 'e', 'l', 'l', 'o'});
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 1);
  require_same(messages[0], message(3, 20, 1, 1000, media::SharedBuffer::copy_of(std::string_view("hello"))));

  ChunkEncoder encoder;  // and the encoder writes exactly these bytes
  CHECK(encoder.encode(messages[0]).to_bytes() == wire);
}

TEST_CASE("chunk decoder: a hand-written extended timestamp, repeated on the continuation", "[rtmp]") {
  // 130-byte message at the default 128-byte chunk size, timestamp 0x01020304.
  std::vector<uint8_t> wire = bytes({0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x82, 0x08, 0x01, 0x00, 0x00, 0x00,  //
                                     0x01, 0x02, 0x03, 0x04});
  append(wire, filled(128, 0xAA));
  append(wire, bytes({0xC4, 0x01, 0x02, 0x03, 0x04, 0xBB, 0xBB}));
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].timestamp == 0x01020304);
  CHECK(messages[0].payload.size() == 130);
  CHECK(messages[0].payload[127] == 0xAA);
  CHECK(messages[0].payload[128] == 0xBB);

  ChunkEncoder encoder;
  CHECK(encoder.encode(messages[0]).to_bytes() == wire);
}

TEST_CASE("chunk decoder: tolerates writers that do not repeat the extended timestamp", "[rtmp]") {
  std::vector<uint8_t> wire = bytes({0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x82, 0x08, 0x01, 0x00, 0x00, 0x00,  //
                                     0x01, 0x02, 0x03, 0x04});
  append(wire, filled(128, 0xAA));
  append(wire, bytes({0xC4, 0xBB, 0xBB}));  // no extended field: only two bytes were left
  // The next message starts right away; its first bytes were read as a would-be field.
  append(wire, bytes({0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0x42}));
  for (size_t piece : {size_t{1}, SIZE_MAX}) {
    ChunkDecoder decoder;
    const auto messages = decode_all(decoder, wire, piece);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].payload.size() == 130);
    CHECK(messages[0].payload[129] == 0xBB);
    CHECK(messages[1].chunk_stream_id == 5);
    CHECK(messages[1].timestamp == 0x10);
    CHECK(messages[1].payload[0] == 0x42);
  }
}

TEST_CASE("chunk decoder: the spec's audio example (fmt 0, 2, 3, 3)", "[rtmp]") {
  // Adobe RTMP spec 5.3.2.1: same-size audio messages, delta 20, stream 12345.
  std::vector<uint8_t> wire = bytes({0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x20, 0x08, 0x39, 0x30, 0x00, 0x00});
  append(wire, filled(32, 1));
  append(wire, bytes({0x83, 0x00, 0x00, 0x14}));
  append(wire, filled(32, 2));
  append(wire, bytes({0xC3}));
  append(wire, filled(32, 3));
  append(wire, bytes({0xC3}));
  append(wire, filled(32, 4));
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 4);
  const uint32_t expected_timestamps[] = {1000, 1020, 1040, 1060};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(messages[i].timestamp == expected_timestamps[i]);
    CHECK(messages[i].message_stream_id == 12345);
    CHECK(messages[i].payload.size() == 32);
    CHECK(messages[i].payload[0] == i + 1);
  }
}

TEST_CASE("chunk decoder: fmt 3 right after fmt 0 repeats the fmt 0 field as delta (ffmpeg, librtmp)", "[rtmp]") {
  const auto wire = bytes({0x03, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00, 0xAA,  //
                           0xC3, 0xBB});
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].timestamp == 10);
  CHECK(messages[1].timestamp == 20);
}

TEST_CASE("chunk decoder: a hand-written three byte basic header and a zero-length message", "[rtmp]") {
  const auto wire = bytes({0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00});
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].chunk_stream_id == 320);
  CHECK(messages[0].payload.empty());
}

TEST_CASE("chunk decoder: timestamps wrap at 2^32", "[rtmp]") {
  std::vector<uint8_t> wire = bytes({0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00,  //
                                     0xFF, 0xFF, 0xFF, 0xF0, 0x01});
  append(wire, bytes({0x84, 0x00, 0x00, 0x20, 0x02}));  // fmt 2, delta 32
  ChunkDecoder decoder;
  const auto messages = decode_all(decoder, wire);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].timestamp == 0xFFFFFFF0u);
  CHECK(messages[1].timestamp == 0x10u);
}

TEST_CASE("chunk decoder: limits are enforced from the header, before allocating", "[rtmp]") {
  std::vector<RtmpMessage> out;

  SECTION("a 16 MiB message header with an 8 MiB limit fails at once") {
    ChunkDecoder decoder;  // default limit: 8 MiB
    const auto header = bytes({0x06, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x09, 0x01, 0x00, 0x00, 0x00});
    const auto status = feed(decoder, header, out);
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error(), Catch::Contains("16777215") && Catch::Contains("limit"));
    CHECK(decoder.buffered_bytes() == 0);
    CHECK(decoder.failed());
    // Sticky: even valid input is refused afterwards.
    const auto again = feed(decoder, bytes({0x02, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0, 0}), out);
    CHECK_FALSE(again.ok());
    CHECK(again.error() == status.error());
    CHECK(out.empty());
  }

  SECTION("too many messages in progress at once") {
    ChunkDecoderLimits limits;
    limits.max_partial_messages = 2;
    ChunkDecoder decoder(limits);
    for (uint8_t csid : {4, 5}) {
      auto chunk = bytes({csid, 0, 0, 0, 0x00, 0x01, 0x00, 0x09, 1, 0, 0, 0});  // 256 bytes declared
      append(chunk, filled(128, csid));
      REQUIRE(feed(decoder, chunk, out).ok());
    }
    const auto status = feed(decoder, bytes({0x06, 0, 0, 0, 0x00, 0x01, 0x00, 0x09, 1, 0, 0, 0}), out);
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error(), Catch::Contains("in progress"));
  }

  SECTION("too many bytes buffered across partial messages") {
    ChunkDecoderLimits limits;
    limits.max_buffered_bytes = 1000;
    ChunkDecoder decoder(limits);
    auto first = bytes({0x04, 0, 0, 0, 0x00, 0x02, 0x58, 0x09, 1, 0, 0, 0});  // 600 bytes declared
    append(first, filled(128, 1));
    REQUIRE(feed(decoder, first, out).ok());
    CHECK(decoder.buffered_bytes() == 600);
    const auto status = feed(decoder, bytes({0x05, 0, 0, 0, 0x00, 0x02, 0x58, 0x09, 1, 0, 0, 0}), out);
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error(), Catch::Contains("1000"));
  }

  SECTION("too many chunk streams") {
    ChunkDecoderLimits limits;
    limits.max_chunk_streams = 3;
    ChunkDecoder decoder(limits);
    for (uint8_t csid : {3, 4, 5})
      REQUIRE(feed(decoder, bytes({csid, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0, 0}), out).ok());
    CHECK_FALSE(feed(decoder, bytes({6, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0, 0}), out).ok());
  }
}

TEST_CASE("chunk decoder: Abort drops the partial message of that chunk stream", "[rtmp]") {
  ChunkEncoder encoder;
  ChunkDecoder decoder;
  std::vector<RtmpMessage> out;
  auto partial = bytes({0x06, 0, 0, 0, 0x00, 0x01, 0x2C, 0x09, 1, 0, 0, 0});  // 300 bytes declared
  append(partial, filled(128, 7));
  REQUIRE(feed(decoder, partial, out).ok());
  CHECK(decoder.buffered_bytes() == 300);

  REQUIRE(feed(decoder, encoder.encode(make_abort(6)).to_bytes(), out).ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0].type_id == message_type::abort);
  CHECK(decoder.buffered_bytes() == 0);

  // The next fmt 3 on that chunk stream starts a new message instead of continuing.
  REQUIRE(feed(decoder, bytes({0xC6}), out).ok());
  auto rest = filled(128, 8);
  append(rest, bytes({0xC6}));
  append(rest, filled(128, 8));
  append(rest, bytes({0xC6}));
  append(rest, filled(44, 8));
  REQUIRE(feed(decoder, rest, out).ok());
  REQUIRE(out.size() == 2);
  CHECK(out[1].payload.size() == 300);
  CHECK(out[1].payload[0] == 8);
}

TEST_CASE("chunk decoder: Set Chunk Size values are validated", "[rtmp]") {
  auto set_chunk_size = [](uint32_t value) {
    return bytes({0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, static_cast<int>(value >> 24),
                  static_cast<int>((value >> 16) & 0xFF), static_cast<int>((value >> 8) & 0xFF),
                  static_cast<int>(value & 0xFF)});
  };
  std::vector<RtmpMessage> out;
  {
    ChunkDecoder decoder;
    REQUIRE(feed(decoder, set_chunk_size(0x7FFFFFFF), out).ok());
    CHECK(decoder.chunk_size() == 0x7FFFFFFFu);
  }
  {
    ChunkDecoder decoder;
    const auto status = feed(decoder, set_chunk_size(0), out);
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error(), Catch::Contains("chunk size 0"));
  }
  {
    ChunkDecoder decoder;
    CHECK_FALSE(feed(decoder, set_chunk_size(0x80000000u), out).ok());
  }
  {
    ChunkDecoder decoder;  // a 2-byte Set Chunk Size
    CHECK_FALSE(feed(decoder, bytes({0x02, 0, 0, 0, 0, 0, 2, 0x01, 0, 0, 0, 0, 0x10, 0x00}), out).ok());
  }
}

TEST_CASE("chunk decoder: chunks that refer to a header never sent are errors", "[rtmp]") {
  std::vector<RtmpMessage> out;
  {
    ChunkDecoder decoder;
    const auto status = feed(decoder, bytes({0xC5, 0x00}), out);
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error(), Catch::Contains("chunk stream 5"));
  }
  {
    ChunkDecoder decoder;
    CHECK_FALSE(feed(decoder, bytes({0x85, 0x00, 0x00, 0x01}), out).ok());
  }
  {
    ChunkDecoder decoder;  // fmt 1 first is accepted (stream id 0), as ffmpeg and nginx-rtmp do
    CHECK(feed(decoder, bytes({0x45, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x08, 0x42}), out).ok());
    REQUIRE(out.size() == 1);
    CHECK(out[0].message_stream_id == 0);
  }
}

TEST_CASE("chunk decoder: counts every byte received, for acknowledgements", "[rtmp]") {
  ChunkDecoder decoder;
  std::vector<RtmpMessage> out;
  REQUIRE(feed(decoder, bytes({0x03, 0x00, 0x00}), out).ok());
  REQUIRE(feed(decoder, bytes({0x00, 0x00, 0x00, 0x01, 0x14, 0x00, 0x00, 0x00, 0x00, 0x05}), out).ok());
  CHECK(decoder.bytes_received() == 13);
  CHECK(out.size() == 1);
}
