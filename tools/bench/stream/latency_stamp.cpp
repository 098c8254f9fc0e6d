#include "tools/bench/stream/latency_stamp.hpp"

#include "mmids-core/common/byte_io.hpp"

#include <algorithm>
#include <array>

namespace mmids::bench {
namespace {

constexpr uint8_t kNalSei = 0x06;
constexpr uint8_t kSeiUserDataUnregistered = 5;
constexpr size_t kStampDigits = 10;  // 10 x 7 bits cover 64
constexpr uint8_t kSeiPayloadSize = 16 + kStampDigits;
constexpr uint8_t kRbspTrailingBits = 0x80;
// No zero byte, so no emulation prevention is ever needed ("mmids-bench/lat1").
constexpr std::array<uint8_t, 16> kUuid{'m', 'm', 'i', 'd', 's', '-', 'b', 'e', 'n', 'c', 'h', '/', 'l', 'a', 't', '1'};
constexpr size_t kUuidOffset = kFlvAvcHeaderSize + 4 + 3;
constexpr size_t kDigitsOffset = kUuidOffset + kUuid.size();

}  // namespace

void append_latency_stamp(std::vector<uint8_t>& out, uint64_t send_ns) {
  byte_io::put_u32be(out, kStampNaluSize);
  out.push_back(kNalSei);
  out.push_back(kSeiUserDataUnregistered);
  out.push_back(kSeiPayloadSize);
  out.insert(out.end(), kUuid.begin(), kUuid.end());
  for (size_t digit = kStampDigits; digit-- > 0;) {
    out.push_back(static_cast<uint8_t>(0x80 | ((send_ns >> (7 * digit)) & 0x7F)));
  }
  out.push_back(kRbspTrailingBits);
}

std::optional<uint64_t> read_latency_stamp(std::span<const uint8_t> body) {
  if (body.size() < kFlvAvcHeaderSize + kStampSize) return std::nullopt;
  if (byte_io::read_u32be(body.data() + kFlvAvcHeaderSize) != kStampNaluSize) return std::nullopt;
  if (!std::equal(kUuid.begin(), kUuid.end(), body.begin() + kUuidOffset)) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < kStampDigits; ++i) value = (value << 7) | (body[kDigitsOffset + i] & 0x7F);
  return value;
}

}  // namespace mmids::bench
