#include "mmids-core/rtmp/protocol/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <string>

namespace mmids::rtmp {

namespace handshake_digest {

namespace {

constexpr size_t kDigestSize = 32;

// The public constants of the Flash handshake (every RTMP implementation carries them).
constexpr std::array<uint8_t, 68> kServerKey = {
    'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A', 'd', 'o', 'b', 'e', ' ', 'F', 'l', 'a', 's',
    'h', ' ', 'M', 'e', 'd', 'i', 'a', ' ', 'S', 'e', 'r', 'v', 'e', 'r', ' ', '0', '0', '1',
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
    0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};
constexpr std::array<uint8_t, 62> kPlayerKey = {
    'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A', 'd', 'o', 'b', 'e', ' ', 'F', 'l', 'a', 's',
    'h', ' ', 'P', 'l', 'a', 'y', 'e', 'r', ' ', '0', '0', '1',
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
    0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

std::array<uint8_t, kDigestSize> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  std::array<uint8_t, kDigestSize> out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &length);
  return out;
}

}  // namespace

std::span<const uint8_t> player_key_full() { return kPlayerKey; }
std::span<const uint8_t> player_key_short() { return std::span(kPlayerKey).first(30); }
std::span<const uint8_t> server_key_full() { return kServerKey; }
std::span<const uint8_t> server_key_short() { return std::span(kServerKey).first(36); }

size_t digest_offset(std::span<const uint8_t> packet, Scheme scheme) {
  // The four bytes at the start of the digest block, summed, pick the digest position
  // within the block's 728 usable bytes.
  const size_t block = scheme == Scheme::Block8 ? 8 : 772;
  const size_t sum = size_t{packet[block]} + packet[block + 1] + packet[block + 2] + packet[block + 3];
  return sum % 728 + block + 4;
}

std::vector<uint8_t> packet_digest(std::span<const uint8_t> packet, size_t offset, std::span<const uint8_t> key) {
  std::vector<uint8_t> message;
  message.reserve(packet.size() - kDigestSize);
  message.insert(message.end(), packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
  message.insert(message.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset + kDigestSize), packet.end());
  const auto digest = hmac_sha256(key, message);
  return {digest.begin(), digest.end()};
}

size_t imprint(std::span<uint8_t> packet, Scheme scheme, std::span<const uint8_t> key) {
  const size_t offset = digest_offset(packet, scheme);
  const auto digest = packet_digest(packet, offset, key);
  std::copy(digest.begin(), digest.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
  return offset;
}

bool validate(std::span<const uint8_t> packet, Scheme scheme, std::span<const uint8_t> key) {
  if (packet.size() != kHandshakePacketSize) return false;
  const size_t offset = digest_offset(packet, scheme);
  const auto digest = packet_digest(packet, offset, key);
  return std::equal(digest.begin(), digest.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
}

void sign_response(std::span<uint8_t> packet, std::span<const uint8_t> peer_digest, std::span<const uint8_t> full_key) {
  const auto signing_key = hmac_sha256(full_key, peer_digest);
  const auto signature = hmac_sha256(signing_key, packet.first(packet.size() - kDigestSize));
  std::copy(signature.begin(), signature.end(), packet.end() - kDigestSize);
}

bool verify_response(std::span<const uint8_t> packet, std::span<const uint8_t> peer_digest,
                     std::span<const uint8_t> full_key) {
  if (packet.size() != kHandshakePacketSize) return false;
  const auto signing_key = hmac_sha256(full_key, peer_digest);
  const auto signature = hmac_sha256(signing_key, packet.first(packet.size() - kDigestSize));
  return std::equal(signature.begin(), signature.end(), packet.end() - kDigestSize);
}

}  // namespace handshake_digest

namespace {

using handshake_digest::Scheme;
constexpr size_t kDigestSize = 32;

void fill_random(std::span<uint8_t> bytes) {
  if (bytes.empty()) return;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) == 1) return;
  // The handshake random carries no secret; any filler will do if OpenSSL's pool fails.
  static thread_local std::mt19937 fallback{std::random_device{}()};
  for (auto& b : bytes) b = static_cast<uint8_t>(fallback());
}

void put_time(std::span<uint8_t> packet, uint32_t ms) {
  packet[0] = static_cast<uint8_t>(ms >> 24);
  packet[1] = static_cast<uint8_t>(ms >> 16);
  packet[2] = static_cast<uint8_t>(ms >> 8);
  packet[3] = static_cast<uint8_t>(ms);
}

bool has_version(std::span<const uint8_t> packet) {
  return packet[4] != 0 || packet[5] != 0 || packet[6] != 0 || packet[7] != 0;
}

std::string describe_bad_version(uint8_t version, bool from_server) {
  std::string reason = std::string(from_server ? "server" : "client") + " asked for RTMP version " +
                       std::to_string(version) + ", only 3 is supported";
  if (version == 6 || version == 8) reason += " (RTMPE, encrypted RTMP, is not supported)";
  if (version == 0x16) reason += " (a TLS handshake: RTMPS client on a plain RTMP port?)";
  if (version == 'G' || version == 'P' || version == 'H' || version == 'O')
    reason += " (looks like an HTTP request)";
  return reason;
}

// Finds a digest in a peer's C1/S1 (either scheme) and returns its 32 bytes.
std::vector<uint8_t> find_peer_digest(std::span<const uint8_t> packet, std::span<const uint8_t> key) {
  if (!has_version(packet)) return {};  // the digest form always announces a version
  for (Scheme scheme : {Scheme::Block8, Scheme::Block772}) {
    if (handshake_digest::validate(packet, scheme, key)) {
      const size_t offset = handshake_digest::digest_offset(packet, scheme);
      return {packet.begin() + static_cast<std::ptrdiff_t>(offset),
              packet.begin() + static_cast<std::ptrdiff_t>(offset + kDigestSize)};
    }
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------- server

ServerHandshake::ServerHandshake(uint32_t uptime_ms) : uptime_ms_(uptime_ms) {}

Result<std::vector<uint8_t>> ServerHandshake::fail(std::string reason) {
  state_ = State::Failed;
  error_ = std::move(reason);
  buffer_.clear();
  return Error(error_);
}

Result<std::vector<uint8_t>> ServerHandshake::feed(std::span<const uint8_t> bytes) {
  if (state_ == State::Failed) return Error(error_);
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  std::vector<uint8_t> out;
  if (state_ == State::AwaitC0C1) {
    // Refuse a wrong version on the first byte instead of waiting for 1536 more.
    if (!buffer_.empty() && buffer_[0] != kRtmpVersion) return fail(describe_bad_version(buffer_[0], false));
    if (buffer_.size() < 1 + kHandshakePacketSize) return out;
    out = answer_c1();
    buffer_.erase(buffer_.begin(), buffer_.begin() + 1 + kHandshakePacketSize);
    state_ = State::AwaitC2;
  }
  if (state_ == State::AwaitC2 && buffer_.size() >= kHandshakePacketSize) {
    // C2 is not checked: clients echo S1 loosely (time fields, or signed forms we would
    // have to verify per client family), and nothing downstream depends on it.
    buffer_.erase(buffer_.begin(), buffer_.begin() + kHandshakePacketSize);
    state_ = State::Done;
  }
  return out;
}

std::vector<uint8_t> ServerHandshake::answer_c1() {
  const std::span<const uint8_t> c1(buffer_.data() + 1, kHandshakePacketSize);
  std::vector<uint8_t> out(1 + 2 * kHandshakePacketSize);
  out[0] = kRtmpVersion;
  const std::span<uint8_t> s1(out.data() + 1, kHandshakePacketSize);
  const std::span<uint8_t> s2(out.data() + 1 + kHandshakePacketSize, kHandshakePacketSize);
  put_time(s1, uptime_ms_);
  fill_random(s1.subspan(8));

  const auto client_digest = find_peer_digest(c1, handshake_digest::player_key_short());
  if (client_digest.empty()) {
    // Plain form: zero version, S2 is C1 verbatim (librtmp compares it byte for byte).
    std::copy(c1.begin(), c1.end(), s2.begin());
    return out;
  }
  used_digest_ = true;
  // A non-zero server version tells clients to verify our digest (ffmpeg checks >= 3).
  s1[4] = 4;
  s1[5] = 5;
  s1[6] = 0;
  s1[7] = 1;
  // Same scheme as the client used: every client searches both, this is the safe choice.
  const Scheme scheme = handshake_digest::validate(c1, Scheme::Block8, handshake_digest::player_key_short())
                            ? Scheme::Block8
                            : Scheme::Block772;
  handshake_digest::imprint(s1, scheme, handshake_digest::server_key_short());
  fill_random(s2);
  handshake_digest::sign_response(s2, client_digest, handshake_digest::server_key_full());
  return out;
}

std::vector<uint8_t> ServerHandshake::take_leftover() {
  if (state_ != State::Done) return {};
  return std::exchange(buffer_, {});
}

// ---------------------------------------------------------------------------- client

ClientHandshake::ClientHandshake(bool use_digest, uint32_t uptime_ms)
    : use_digest_(use_digest), uptime_ms_(uptime_ms) {}

Result<std::vector<uint8_t>> ClientHandshake::fail(std::string reason) {
  state_ = State::Failed;
  error_ = std::move(reason);
  buffer_.clear();
  return Error(error_);
}

std::vector<uint8_t> ClientHandshake::start() {
  c1_.assign(kHandshakePacketSize, 0);
  put_time(c1_, uptime_ms_);
  fill_random(std::span(c1_).subspan(8));
  if (use_digest_) {
    // Version 9.0.124.2, as ffmpeg announces itself: any non-zero value asks for the digest form.
    c1_[4] = 9;
    c1_[5] = 0;
    c1_[6] = 124;
    c1_[7] = 2;
    handshake_digest::imprint(c1_, Scheme::Block8, handshake_digest::player_key_short());
  }
  state_ = State::AwaitS0S1;
  std::vector<uint8_t> out;
  out.reserve(1 + kHandshakePacketSize);
  out.push_back(kRtmpVersion);
  out.insert(out.end(), c1_.begin(), c1_.end());
  return out;
}

Result<std::vector<uint8_t>> ClientHandshake::feed(std::span<const uint8_t> bytes) {
  if (state_ == State::Failed) return Error(error_);
  if (state_ == State::Start) return fail("handshake: bytes received before C0+C1 were sent");
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  std::vector<uint8_t> out;
  if (state_ == State::AwaitS0S1) {
    if (!buffer_.empty() && buffer_[0] != kRtmpVersion) return fail(describe_bad_version(buffer_[0], true));
    if (buffer_.size() < 1 + kHandshakePacketSize) return out;
    const std::span<const uint8_t> s1(buffer_.data() + 1, kHandshakePacketSize);
    std::vector<uint8_t> server_digest;
    if (use_digest_) server_digest = find_peer_digest(s1, handshake_digest::server_key_short());
    if (!server_digest.empty()) {
      server_used_digest_ = true;
      out.assign(kHandshakePacketSize, 0);
      fill_random(out);
      handshake_digest::sign_response(out, server_digest, handshake_digest::player_key_full());
    } else {
      out.assign(s1.begin(), s1.end());  // plain form: C2 echoes S1
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + 1 + kHandshakePacketSize);
    state_ = State::AwaitS2;
  }
  if (state_ == State::AwaitS2 && buffer_.size() >= kHandshakePacketSize) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + kHandshakePacketSize);
    state_ = State::Done;
  }
  return out;
}

std::vector<uint8_t> ClientHandshake::take_leftover() {
  if (state_ != State::Done) return {};
  return std::exchange(buffer_, {});
}

void prepare_handshake_crypto() {
  std::array<uint8_t, kDigestSize> bytes{};
  fill_random(bytes);
  (void)handshake_digest::hmac_sha256(bytes, bytes);
}

}  // namespace mmids::rtmp
