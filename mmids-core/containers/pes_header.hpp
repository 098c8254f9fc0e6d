#pragma once
// PES packet headers (ISO/IEC 13818-1 2.4.3.6) and the 90 kHz clock they speak. RTMP
// counts milliseconds in 32 bits and MPEG in 33 bits at 90 kHz; 2^32 ms * 90 is a
// multiple of 2^33, so converting modulo 2^33 keeps an RTMP wrap a clean MPEG wrap.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mmids::containers {

inline constexpr uint8_t kStreamIdVideo = 0xE0;
inline constexpr uint8_t kStreamIdAudio = 0xC0;
inline constexpr uint64_t kMpegClockMask = (uint64_t{1} << 33) - 1;

// Milliseconds (an RTMP timestamp, plus or minus an offset) on the 33-bit 90 kHz clock.
[[nodiscard]] inline uint64_t to_90khz(int64_t milliseconds) {
  return static_cast<uint64_t>(milliseconds * 90) & kMpegClockMask;
}

class PesHeader {
 public:
  // `dts` only when it differs from `pts` (B-frames). `payload_size` gives a bounded
  // PES_packet_length; without it (video) the length is 0, "until the next PES packet".
  // A payload too large for the 16-bit length is written unbounded too.
  PesHeader(uint8_t stream_id, uint64_t pts, std::optional<uint64_t> dts, std::optional<size_t> payload_size);

  [[nodiscard]] std::span<const uint8_t> bytes() const { return {bytes_.data(), size_}; }

 private:
  static constexpr size_t kMaxSize = 19;  // 6 fixed + 3 flags + 5 PTS + 5 DTS
  std::array<uint8_t, kMaxSize> bytes_{};
  size_t size_ = 0;
};

}  // namespace mmids::containers
