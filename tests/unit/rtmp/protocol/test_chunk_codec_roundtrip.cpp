// ChunkEncoder -> ChunkDecoder round trips: header compression, chunk size changes,
// extended timestamps, interleaving, fragmentation, large chunk stream ids.
#include <catch2/catch.hpp>

#include "mmids-core/rtmp/protocol/control_messages.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;
namespace media = mmids::media;

namespace {

// Splits one encoded message into its chunks: the first carries `first_header` bytes of
// header, continuations `continuation_header` bytes.
std::vector<std::vector<uint8_t>> split_chunks(const std::vector<uint8_t>& wire, size_t first_header,
                                               size_t continuation_header, size_t chunk_size) {
  std::vector<std::vector<uint8_t>> chunks;
  size_t offset = 0;
  size_t header = first_header;
  while (offset < wire.size()) {
    const size_t take = std::min(wire.size() - offset, header + chunk_size);
    chunks.emplace_back(wire.begin() + static_cast<long>(offset), wire.begin() + static_cast<long>(offset + take));
    offset += take;
    header = continuation_header;
  }
  return chunks;
}

}  // namespace

TEST_CASE("chunk codec: header formats 0-3 are chosen by what repeats, and decode back", "[rtmp]") {
  ChunkEncoder encoder;
  const std::vector<RtmpMessage> sent = {
      message(6, 9, 1, 1000, pattern(300, 1)),  // fmt 0: first on this chunk stream
      message(6, 9, 1, 1040, pattern(200, 2)),  // fmt 1: length changed
      message(6, 9, 1, 1073, pattern(200, 3)),  // fmt 2: same length and type, new delta
      message(6, 9, 1, 1106, pattern(200, 4)),  // fmt 3: the delta repeats
      message(6, 9, 1, 1139, pattern(200, 5)),  // fmt 3 again
      message(6, 8, 1, 1139, pattern(200, 6)),  // fmt 1: type changed
      message(6, 8, 2, 1200, pattern(200, 7)),  // fmt 0: message stream changed
      message(6, 8, 2, 100, pattern(200, 8)),   // fmt 0: timestamp went back
      message(6, 8, 2, 100, media::SharedBuffer()),  // fmt 1: empty message
  };
  const int expected_fmt[] = {0, 1, 2, 3, 3, 1, 0, 0, 1};
  std::vector<uint8_t> wire;
  for (size_t i = 0; i < sent.size(); ++i) {
    const auto encoded = encoder.encode(sent[i]).to_bytes();
    INFO("message " << i);
    CHECK((encoded.at(0) >> 6) == expected_fmt[i]);
    append(wire, encoded);
  }

  SECTION("whole") {
    ChunkDecoder decoder;
    require_same(decode_all(decoder, wire), sent);
    CHECK(decoder.bytes_received() == wire.size());
    CHECK(decoder.buffered_bytes() == 0);
  }
  SECTION("one byte at a time") {
    ChunkDecoder decoder;
    require_same(decode_all(decoder, wire, 1), sent);
  }
  SECTION("odd pieces") {
    ChunkDecoder decoder;
    require_same(decode_all(decoder, wire, 7), sent);
  }
}

TEST_CASE("chunk codec: chunk size changes mid-stream, up and down", "[rtmp]") {
  ChunkEncoder encoder;
  ChunkWriteBatch batch;
  std::vector<RtmpMessage> expected;
  auto send = [&](const RtmpMessage& m) {
    encoder.encode(m, batch);
    expected.push_back(m);
  };
  auto change_chunk_size = [&](uint32_t size) {
    send(make_set_chunk_size(size));  // announced with the old size...
    encoder.set_chunk_size(size);     // ...then used
  };
  send(message(4, 8, 1, 0, pattern(500, 1)));
  change_chunk_size(4096);
  send(message(6, 9, 1, 10, pattern(10000, 2)));
  send(message(4, 8, 1, 20, pattern(500, 3)));
  change_chunk_size(1);
  send(message(6, 9, 1, 30, pattern(300, 4)));
  change_chunk_size(60000);
  send(message(6, 9, 1, 40, pattern(70000, 5)));
  change_chunk_size(128);
  send(message(6, 9, 1, 50, pattern(1000, 6)));
  const auto wire = batch.to_bytes();

  for (size_t piece : {size_t{1}, size_t{13}, size_t{4096}, SIZE_MAX}) {
    INFO("piece " << piece);
    ChunkDecoder decoder;
    require_same(decode_all(decoder, wire, piece), expected);
    CHECK(decoder.chunk_size() == 128);
  }
}

TEST_CASE("chunk codec: extended timestamps, repeated on every continuation chunk", "[rtmp]") {
  ChunkEncoder encoder;  // 128-byte chunks: a 300-byte message has two continuations
  const std::vector<RtmpMessage> sent = {
      message(4, 8, 1, 0x00FFFFFF, pattern(300, 1)),  // fmt 0, field exactly 0xFFFFFF
      message(4, 8, 1, 0x01FFFFFF, pattern(300, 2)),  // fmt 2, delta 0x1000000
      message(4, 8, 1, 0x02FFFFFF, pattern(300, 3)),  // fmt 3 new message, extended delta
      message(4, 8, 1, 0x03000027, pattern(300, 4)),  // fmt 2, small delta
      message(4, 8, 1, 0xFFFFFFF0, pattern(300, 5)),  // fmt 2, huge delta
      message(4, 8, 1, 0x00000010, pattern(300, 6)),  // fmt 0: wrapped (went back)
  };
  std::vector<uint8_t> wire;
  for (const auto& m : sent) append(wire, encoder.encode(m).to_bytes());

  // The first message: 1 + 11 + 4 header bytes, 128 payload bytes, then a fmt 3 basic
  // header followed by the extended timestamp again.
  REQUIRE(wire.size() > 16 + 128 + 5);
  CHECK(wire[16 + 128] == 0xC4);
  CHECK(std::vector<uint8_t>(wire.begin() + 16 + 128 + 1, wire.begin() + 16 + 128 + 5) ==
        bytes({0x00, 0xFF, 0xFF, 0xFF}));

  ChunkDecoder whole;
  require_same(decode_all(whole, wire), sent);
  ChunkDecoder bytewise;
  require_same(decode_all(bytewise, wire, 1), sent);
}

TEST_CASE("chunk codec: interleaved chunk streams reassemble independently", "[rtmp]") {
  ChunkEncoder encoder;
  const auto audio = message(4, 8, 1, 0, pattern(300, 1));
  const auto video = message(6, 9, 1, 0, pattern(400, 2));
  const auto audio_chunks = split_chunks(encoder.encode(audio).to_bytes(), 12, 1, 128);
  const auto video_chunks = split_chunks(encoder.encode(video).to_bytes(), 12, 1, 128);
  REQUIRE(audio_chunks.size() == 3);
  REQUIRE(video_chunks.size() == 4);
  std::vector<uint8_t> wire;
  for (size_t i = 0; i < 4; ++i) {
    if (i < audio_chunks.size()) append(wire, audio_chunks[i]);
    append(wire, video_chunks[i]);
  }
  ChunkDecoder decoder;
  require_same(decode_all(decoder, wire, 5), {audio, video});
}

TEST_CASE("chunk codec: a Set Chunk Size between two chunks of a message applies to its rest", "[rtmp]") {
  ChunkEncoder encoder;
  const auto big = message(6, 9, 1, 0, pattern(300, 1));
  const auto chunks = split_chunks(encoder.encode(big).to_bytes(), 12, 1, 128);
  REQUIRE(chunks.size() == 3);
  std::vector<uint8_t> wire = chunks[0];
  const auto set_size = make_set_chunk_size(200);
  append(wire, encoder.encode(set_size).to_bytes());
  // The remaining 172 payload bytes now fit one chunk.
  append(wire, {0xC6});
  wire.insert(wire.end(), big.payload.data() + 128, big.payload.data() + 300);
  ChunkDecoder decoder;
  require_same(decode_all(decoder, wire), {set_size, big});
  CHECK(decoder.chunk_size() == 200);
}

TEST_CASE("chunk codec: one, two and three byte basic headers (chunk stream ids up to 65599)", "[rtmp]") {
  struct Case {
    uint32_t csid;
    std::vector<uint8_t> basic_header;
  };
  const Case cases[] = {
      {2, bytes({0x02})},
      {63, bytes({0x3F})},
      {64, bytes({0x00, 0x00})},
      {319, bytes({0x00, 0xFF})},
      {320, bytes({0x01, 0x00, 0x01})},
      {1000, bytes({0x01, 0xA8, 0x03})},  // 1000 - 64 = 936 = 0x03A8, low byte first
      {65599, bytes({0x01, 0xFF, 0xFF})},
  };
  ChunkEncoder encoder;
  std::vector<uint8_t> wire;
  std::vector<RtmpMessage> sent;
  for (const auto& c : cases) {
    const auto m = message(c.csid, 9, 1, c.csid, pattern(200, static_cast<uint8_t>(c.csid)));
    const auto encoded = encoder.encode(m).to_bytes();
    INFO("csid " << c.csid);
    CHECK(std::vector<uint8_t>(encoded.begin(), encoded.begin() + static_cast<long>(c.basic_header.size())) ==
          c.basic_header);
    append(wire, encoded);
    sent.push_back(m);
  }
  ChunkDecoder decoder;
  require_same(decode_all(decoder, wire, 3), sent);
}

TEST_CASE("chunk encoder: payloads are referenced, not copied, and headers are stored once", "[rtmp]") {
  ChunkEncoder encoder;
  const auto payload = pattern(1000, 9);
  ChunkWriteBatch batch;
  encoder.encode(message(6, 9, 1, 0, payload), batch);
  encoder.encode(message(6, 9, 1, 40, payload), batch);  // the same frame twice
  CHECK(payload.use_count() == 3);  // ours + one reference per message in the batch
  CHECK(batch.message_count() == 2);

  // 8 chunks per message: header, payload, header, payload, ... (16 buffers each).
  CHECK(batch.segment_count() == 32);
  size_t total = 0;
  bool payload_referenced = false;
  batch.for_each_segment([&](std::span<const uint8_t> buffer) {
    total += buffer.size();
    if (buffer.data() == payload.data()) payload_referenced = true;
  });
  CHECK(payload_referenced);
  CHECK(total == batch.size());
  CHECK(batch.to_bytes().size() == batch.size());

  batch.clear();
  CHECK(batch.empty());
  CHECK(payload.use_count() == 1);
}

TEST_CASE("chunk encoder: reset forces a full header; bad chunk stream ids are refused", "[rtmp]") {
  ChunkEncoder encoder;
  const auto m = message(6, 9, 1, 0, pattern(10));
  CHECK((encoder.encode(m).to_bytes()[0] >> 6) == 0);
  CHECK((encoder.encode(m).to_bytes()[0] >> 6) == 2);  // delta 0 after fmt 0: fmt 2, not 3
  encoder.reset(6);
  CHECK((encoder.encode(m).to_bytes()[0] >> 6) == 0);
  CHECK_THROWS_AS(encoder.encode(message(1, 9, 1, 0, pattern(10))), std::invalid_argument);
  CHECK_THROWS_AS(encoder.encode(message(65600, 9, 1, 0, pattern(10))), std::invalid_argument);
}
