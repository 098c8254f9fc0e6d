#pragma once
// The RTMP handshake as byte-in/byte-out state machines (no socket, no clock: the caller
// passes its uptime in milliseconds).
//
// Two forms exist in the wild:
// - plain (the Adobe spec): C1/S1 are time + zero + random, C2/S2 echo the peer's packet;
//   librtmp without crypto and many small clients use it;
// - Flash digest form (FP9+, also ffmpeg, OBS through librtmp with crypto, Flash/AIR):
//   C1 carries an HMAC-SHA256 digest keyed with the "Genuine Adobe Flash Player 001"
//   key at an offset derived from the packet itself (scheme 0: block at byte 8,
//   scheme 1: block at byte 772). Clients that sent a digest verify the server's S1
//   digest and S2 signature and drop the connection when they do not match, so the
//   server must answer in kind.
// RTMPE (versions 6 and 8, encrypted) is not supported.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mmids-core/common/result.hpp"

namespace mmids::rtmp {

inline constexpr size_t kHandshakePacketSize = 1536;
inline constexpr uint8_t kRtmpVersion = 3;

// OpenSSL reads its configuration and seeds its random generator on first use (about 5 ms
// on the project's machine, under which every other connection of a burst waits): a
// program that will handshake calls this once at startup, so its first peer does not pay.
void prepare_handshake_crypto();

class ServerHandshake {
 public:
  // `uptime_ms` goes into S1's time field.
  explicit ServerHandshake(uint32_t uptime_ms = 0);

  // Consumes received bytes and returns what must be sent now: S0+S1+S2 (3073 bytes)
  // once C0+C1 are in, nothing otherwise. After done(), bytes beyond C2 are kept for
  // take_leftover() (clients send `connect` right behind C2). Errors are sticky.
  Result<std::vector<uint8_t>> feed(std::span<const uint8_t> bytes);

  [[nodiscard]] bool done() const { return state_ == State::Done; }
  [[nodiscard]] bool failed() const { return state_ == State::Failed; }
  // Bytes received after C2: the first chunk-stream bytes. Call once done().
  std::vector<uint8_t> take_leftover();
  // True when C1 carried a valid Flash digest and the answer was the digest form.
  [[nodiscard]] bool used_digest() const { return used_digest_; }

 private:
  enum class State { AwaitC0C1, AwaitC2, Done, Failed };
  Result<std::vector<uint8_t>> fail(std::string reason);
  std::vector<uint8_t> answer_c1();

  State state_ = State::AwaitC0C1;
  uint32_t uptime_ms_;
  bool used_digest_ = false;
  std::string error_;
  std::vector<uint8_t> buffer_;
};

class ClientHandshake {
 public:
  // With `use_digest`, C1 carries a Flash Player digest (as ffmpeg sends it) and C2 is
  // signed when S1 carries a valid server digest; otherwise the plain form.
  explicit ClientHandshake(bool use_digest = true, uint32_t uptime_ms = 0);

  // C0+C1, to send first. Call once.
  std::vector<uint8_t> start();
  // Consumes received bytes; returns C2 once S0+S1 are in (empty otherwise). done()
  // after S2. S2 is not verified: servers differ too much in what they echo.
  Result<std::vector<uint8_t>> feed(std::span<const uint8_t> bytes);

  [[nodiscard]] bool done() const { return state_ == State::Done; }
  [[nodiscard]] bool failed() const { return state_ == State::Failed; }
  std::vector<uint8_t> take_leftover();
  // True when S1 carried a valid server digest (the server speaks the digest form).
  [[nodiscard]] bool server_used_digest() const { return server_used_digest_; }

 private:
  enum class State { Start, AwaitS0S1, AwaitS2, Done, Failed };
  Result<std::vector<uint8_t>> fail(std::string reason);

  State state_ = State::Start;
  bool use_digest_;
  bool server_used_digest_ = false;
  uint32_t uptime_ms_;
  std::string error_;
  std::vector<uint8_t> c1_;
  std::vector<uint8_t> buffer_;
};

// The digest primitives, exposed for tests and for anyone who must build a digest C1.
namespace handshake_digest {

enum class Scheme { Block8 = 0, Block772 = 1 };

// Offset of the 32-byte digest inside a 1536-byte C1/S1 for the scheme.
size_t digest_offset(std::span<const uint8_t> packet, Scheme scheme);
// HMAC-SHA256 over the packet minus the 32 digest bytes at `offset`, keyed with `key`.
std::vector<uint8_t> packet_digest(std::span<const uint8_t> packet, size_t offset, std::span<const uint8_t> key);
// Writes the digest into the packet (in place) and returns its offset.
size_t imprint(std::span<uint8_t> packet, Scheme scheme, std::span<const uint8_t> key);
// Whether the packet carries a digest at the scheme's offset that validates with `key`.
bool validate(std::span<const uint8_t> packet, Scheme scheme, std::span<const uint8_t> key);
// The signature of a C2/S2: HMAC(HMAC(full_key, peer_digest), packet[0..1504)) in the
// last 32 bytes. `full_key` is the 62-byte player or 68-byte server key.
void sign_response(std::span<uint8_t> packet, std::span<const uint8_t> peer_digest, std::span<const uint8_t> full_key);
bool verify_response(std::span<const uint8_t> packet, std::span<const uint8_t> peer_digest,
                     std::span<const uint8_t> full_key);

// "Genuine Adobe Flash Player 001" (30 bytes) + 32 constant bytes; "Genuine Adobe Flash
// Media Server 001" (36 bytes) + the same 32 bytes. The short forms key C1/S1 digests,
// the full forms key the C2/S2 signatures.
std::span<const uint8_t> player_key_full();
std::span<const uint8_t> player_key_short();
std::span<const uint8_t> server_key_full();
std::span<const uint8_t> server_key_short();

}  // namespace handshake_digest

}  // namespace mmids::rtmp
