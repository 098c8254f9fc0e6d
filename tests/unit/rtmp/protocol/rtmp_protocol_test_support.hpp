#pragma once
// Helpers for the RTMP protocol tests: deterministic payloads, message construction and
// decoding a byte stream in pieces of a chosen size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp::testing {

inline std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

// Bytes that differ from position to position and from seed to seed.
inline media::SharedBuffer pattern(size_t size, uint8_t seed = 1) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed * 31 + i * 7 + (i >> 8));
  return media::SharedBuffer::adopt(std::move(out));
}

inline RtmpMessage message(uint32_t csid, uint8_t type_id, uint32_t stream_id, uint32_t timestamp,
                           media::SharedBuffer payload) {
  return RtmpMessage{csid, type_id, stream_id, timestamp, std::move(payload)};
}

inline void append(std::vector<uint8_t>& out, const std::vector<uint8_t>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

// The body of an aggregate message: FLV-shaped sub-messages (type, 24-bit size, 24+8-bit
// timestamp, stream id 0, body, 32-bit back pointer).
struct AggregatePart {
  uint8_t type_id;
  uint32_t timestamp;
  media::SharedBuffer body;
};
inline media::SharedBuffer aggregate_of(std::initializer_list<AggregatePart> parts) {
  std::vector<uint8_t> out;
  for (const auto& part : parts) {
    const auto size = static_cast<uint32_t>(part.body.size());
    const uint32_t t = part.timestamp;
    append(out, bytes({part.type_id, int(size >> 16 & 0xff), int(size >> 8 & 0xff), int(size & 0xff),
                       int(t >> 16 & 0xff), int(t >> 8 & 0xff), int(t & 0xff), int(t >> 24 & 0xff), 0, 0, 0}));
    out.insert(out.end(), part.body.data(), part.body.data() + part.body.size());
    const uint32_t back = size + 11;
    append(out, bytes({int(back >> 24), int(back >> 16 & 0xff), int(back >> 8 & 0xff), int(back & 0xff)}));
  }
  return media::SharedBuffer::adopt(std::move(out));
}

// Feeds `wire` in pieces of `piece` bytes and requires success.
inline std::vector<RtmpMessage> decode_all(ChunkDecoder& decoder, std::span<const uint8_t> wire,
                                           size_t piece = SIZE_MAX) {
  std::vector<RtmpMessage> out;
  for (size_t offset = 0; offset < wire.size();) {
    const size_t take = std::min(piece, wire.size() - offset);
    const auto status = decoder.feed(wire.subspan(offset, take), out);
    INFO("error: " << (status ? std::string("none") : status.error()));
    REQUIRE(status.ok());
    offset += take;
  }
  return out;
}

inline void require_same(const RtmpMessage& actual, const RtmpMessage& expected) {
  CHECK(actual.chunk_stream_id == expected.chunk_stream_id);
  CHECK(actual.type_id == expected.type_id);
  CHECK(actual.message_stream_id == expected.message_stream_id);
  CHECK(actual.timestamp == expected.timestamp);
  CHECK(actual.payload.size() == expected.payload.size());
  CHECK(actual.payload == expected.payload);
}

inline void require_same(const std::vector<RtmpMessage>& actual, const std::vector<RtmpMessage>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("message " << i);
    require_same(actual[i], expected[i]);
  }
}

}  // namespace mmids::rtmp::testing
