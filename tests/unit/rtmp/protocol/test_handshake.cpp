// Handshake: the plain echo form, the Flash digest form (checked against an HMAC computed
// here independently of the implementation), bad versions, leftovers, client vs server.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>

#include "mmids-core/rtmp/protocol/handshake.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using mmids::rtmp::testing::append;

namespace {

// The 32 constant bytes that complete both Flash keys.
const std::vector<uint8_t> kKeyTail = {0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0,
                                       0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80,
                                       0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

std::vector<uint8_t> text(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> with_tail(std::vector<uint8_t> key) {
  key.insert(key.end(), kKeyTail.begin(), kKeyTail.end());
  return key;
}

std::vector<uint8_t> hmac(const std::vector<uint8_t>& key, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(32);
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &length);
  return out;
}

// Digest offset computed as the Flash handshake defines it (block at 8 or 772).
size_t offset_for(const std::vector<uint8_t>& packet, size_t block) {
  return (packet[block] + packet[block + 1] + packet[block + 2] + packet[block + 3]) % 728 + block + 4;
}

std::vector<uint8_t> without(const std::vector<uint8_t>& packet, size_t offset) {
  std::vector<uint8_t> rest(packet.begin(), packet.begin() + static_cast<long>(offset));
  rest.insert(rest.end(), packet.begin() + static_cast<long>(offset + 32), packet.end());
  return rest;
}

std::vector<uint8_t> some_c1(uint8_t seed, bool with_version) {
  std::vector<uint8_t> c1(1536);
  for (size_t i = 8; i < c1.size(); ++i) c1[i] = static_cast<uint8_t>(seed + i * 13 + (i >> 7));
  if (with_version) {
    c1[4] = 9;
    c1[6] = 124;
    c1[7] = 2;
  }
  return c1;
}

std::vector<uint8_t> c0_plus(const std::vector<uint8_t>& c1) {
  std::vector<uint8_t> out = {3};
  append(out, c1);
  return out;
}

}  // namespace

TEST_CASE("handshake: plain C0C1 gets S0 S1 S2 with S2 echoing C1", "[rtmp]") {
  const auto c1 = some_c1(1, false);
  const auto c0c1 = c0_plus(c1);
  for (size_t piece : {size_t{1}, size_t{100}, c0c1.size()}) {
    INFO("piece " << piece);
    ServerHandshake server(0x01020304);
    std::vector<uint8_t> reply;
    for (size_t offset = 0; offset < c0c1.size(); offset += piece) {
      auto out = server.feed(std::span(c0c1).subspan(offset, std::min(piece, c0c1.size() - offset)));
      REQUIRE(out.ok());
      append(reply, *out);
    }
    REQUIRE(reply.size() == 1 + 2 * 1536);
    CHECK(reply[0] == 3);
    CHECK(std::vector<uint8_t>(reply.begin() + 1, reply.begin() + 5) == testing::bytes({1, 2, 3, 4}));
    CHECK(std::vector<uint8_t>(reply.begin() + 5, reply.begin() + 9) == testing::bytes({0, 0, 0, 0}));
    CHECK(std::vector<uint8_t>(reply.begin() + 1 + 1536, reply.end()) == c1);
    CHECK_FALSE(server.used_digest());
    CHECK_FALSE(server.done());

    // C2 (the echo of S1) plus the first chunk bytes in the same read.
    std::vector<uint8_t> c2(reply.begin() + 1, reply.begin() + 1 + 1536);
    append(c2, testing::bytes({0x03, 0x00, 0x00}));
    auto after = server.feed(c2);
    REQUIRE(after.ok());
    CHECK(after->empty());
    CHECK(server.done());
    CHECK(server.take_leftover() == testing::bytes({0x03, 0x00, 0x00}));
  }
}

TEST_CASE("handshake: a version with no valid digest falls back to the plain echo", "[rtmp]") {
  const auto c1 = some_c1(2, true);  // says 9.0.124.2 but carries no digest
  ServerHandshake server;
  auto reply = server.feed(c0_plus(c1));
  REQUIRE(reply.ok());
  REQUIRE(reply->size() == 3073);
  CHECK_FALSE(server.used_digest());
  CHECK(std::vector<uint8_t>(reply->begin() + 1 + 1536, reply->end()) == c1);
}

TEST_CASE("handshake: a Flash digest C1 gets a digest S1 and an S2 the client can verify", "[rtmp]") {
  const auto player_key = text("Genuine Adobe Flash Player 001");
  const auto server_key = text("Genuine Adobe Flash Media Server 001");
  for (size_t block : {size_t{8}, size_t{772}}) {
    INFO("digest block at " << block);
    // Build the C1 digest here, independently of the implementation.
    auto c1 = some_c1(static_cast<uint8_t>(block), true);
    const size_t client_offset = offset_for(c1, block);
    const auto client_digest = hmac(player_key, without(c1, client_offset));
    std::copy(client_digest.begin(), client_digest.end(), c1.begin() + static_cast<long>(client_offset));

    ServerHandshake server;
    auto reply = server.feed(c0_plus(c1));
    REQUIRE(reply.ok());
    REQUIRE(reply->size() == 3073);
    CHECK(server.used_digest());
    const std::vector<uint8_t> s1(reply->begin() + 1, reply->begin() + 1 + 1536);
    const std::vector<uint8_t> s2(reply->begin() + 1 + 1536, reply->end());

    // S1: non-zero version and a server digest at the scheme the client used.
    CHECK(s1[4] >= 3);
    const size_t server_offset = offset_for(s1, block);
    CHECK(hmac(server_key, without(s1, server_offset)) ==
          std::vector<uint8_t>(s1.begin() + static_cast<long>(server_offset),
                               s1.begin() + static_cast<long>(server_offset + 32)));
    // S2: signed with HMAC(full server key, client digest), as ffmpeg and librtmp check.
    const auto signing_key = hmac(with_tail(server_key), client_digest);
    const std::vector<uint8_t> s2_body(s2.begin(), s2.end() - 32);
    CHECK(hmac(signing_key, s2_body) == std::vector<uint8_t>(s2.end() - 32, s2.end()));
  }
}

TEST_CASE("handshake: unsupported versions fail with a reason, and stay failed", "[rtmp]") {
  ServerHandshake rtmpe;
  auto result = rtmpe.feed(testing::bytes({0x06}));
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("RTMPE"));
  CHECK(rtmpe.failed());
  CHECK_FALSE(rtmpe.feed(c0_plus(some_c1(1, false))).ok());

  ServerHandshake http;
  auto http_result = http.feed(text("GET / HTTP/1.1\r\n"));
  REQUIRE_FALSE(http_result.ok());
  CHECK_THAT(http_result.error(), Catch::Contains("HTTP"));

  ServerHandshake tls;
  auto tls_result = tls.feed(testing::bytes({0x16, 0x03, 0x01}));
  REQUIRE_FALSE(tls_result.ok());
  CHECK_THAT(tls_result.error(), Catch::Contains("TLS"));
}

TEST_CASE("handshake: ClientHandshake completes against ServerHandshake", "[rtmp]") {
  for (bool digest : {true, false}) {
    INFO("digest " << digest);
    ClientHandshake client(digest, 1234);
    ServerHandshake server(5678);
    const auto c0c1 = client.start();
    REQUIRE(c0c1.size() == 1537);
    auto s0s1s2 = server.feed(c0c1);
    REQUIRE(s0s1s2.ok());
    CHECK(server.used_digest() == digest);

    // The server's reply arrives with the first chunk bytes behind it.
    auto wire = *s0s1s2;
    append(wire, testing::bytes({0x02, 0x00}));
    auto c2 = client.feed(wire);
    REQUIRE(c2.ok());
    REQUIRE(c2->size() == 1536);
    CHECK(client.done());
    CHECK(client.server_used_digest() == digest);
    CHECK(client.take_leftover() == testing::bytes({0x02, 0x00}));

    auto done = server.feed(*c2);
    REQUIRE(done.ok());
    CHECK(server.done());
    if (digest) {
      // The client signed C2 with HMAC(full player key, server digest).
      const std::vector<uint8_t> s1(s0s1s2->begin() + 1, s0s1s2->begin() + 1537);
      const size_t server_offset = handshake_digest::digest_offset(s1, handshake_digest::Scheme::Block8);
      CHECK(handshake_digest::verify_response(
          *c2, std::span(s1).subspan(server_offset, 32), handshake_digest::player_key_full()));
    } else {
      CHECK(std::vector<uint8_t>(s0s1s2->begin() + 1, s0s1s2->begin() + 1537) == *c2);  // echo of S1
    }
  }
}

TEST_CASE("handshake: the client refuses a server speaking another version", "[rtmp]") {
  ClientHandshake client;
  (void)client.start();
  auto result = client.feed(testing::bytes({0x08}));
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("server asked for RTMP version 8"));
  ClientHandshake early;
  CHECK_FALSE(early.feed(testing::bytes({0x03})).ok());
}
