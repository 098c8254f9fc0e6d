#include "mmids-core/containers/ts_packetizer.hpp"

#include <algorithm>
#include <cstring>

namespace mmids::containers {

namespace {

constexpr size_t kHeaderSize = 4;
constexpr size_t kPayloadCapacity = kTsPacketSize - kHeaderSize;
constexpr size_t kPcrSize = 6;
constexpr uint8_t kPayloadUnitStart = 0x40;
constexpr uint8_t kPayloadOnly = 0x10;
constexpr uint8_t kAdaptationAndPayload = 0x30;
constexpr uint8_t kRandomAccessFlag = 0x40;
constexpr uint8_t kPcrFlag = 0x10;
constexpr uint8_t kStuffingByte = 0xFF;
constexpr uint64_t kPcrBaseMask = (uint64_t{1} << 33) - 1;

void write_header(uint8_t* p, uint16_t pid, bool unit_start, bool adaptation, uint8_t counter) {
  p[0] = kTsSyncByte;
  p[1] = static_cast<uint8_t>((unit_start ? kPayloadUnitStart : 0) | ((pid >> 8) & 0x1F));
  p[2] = static_cast<uint8_t>(pid);
  p[3] = static_cast<uint8_t>((adaptation ? kAdaptationAndPayload : kPayloadOnly) | (counter & 0x0F));
}

// PCR: 33-bit base at 90 kHz, 6 reserved bits, 9-bit extension (0: 90 kHz precision).
void write_pcr(uint8_t* p, uint64_t pcr_90khz) {
  const uint64_t base = pcr_90khz & kPcrBaseMask;
  p[0] = static_cast<uint8_t>(base >> 25);
  p[1] = static_cast<uint8_t>(base >> 17);
  p[2] = static_cast<uint8_t>(base >> 9);
  p[3] = static_cast<uint8_t>(base >> 1);
  p[4] = static_cast<uint8_t>(((base & 1) << 7) | 0x7E);
  p[5] = 0;
}

// Reads the pieces in order, as one byte string.
class PieceCursor {
 public:
  explicit PieceCursor(std::span<const std::span<const uint8_t>> pieces) : pieces_(pieces) {}

  void copy_to(uint8_t* out, size_t count) {
    while (count > 0) {
      const auto& piece = pieces_[index_];
      const size_t n = std::min(count, piece.size() - offset_);
      if (n > 0) std::memcpy(out, piece.data() + offset_, n);
      out += n;
      count -= n;
      offset_ += n;
      if (offset_ == piece.size()) ++index_, offset_ = 0;
    }
  }

 private:
  std::span<const std::span<const uint8_t>> pieces_;
  size_t index_ = 0;
  size_t offset_ = 0;
};

}  // namespace

uint8_t TsPacketizer::next_continuity_counter(uint16_t pid) {
  auto it = std::find_if(counters_.begin(), counters_.end(), [pid](const auto& entry) { return entry.first == pid; });
  if (it == counters_.end()) {
    counters_.emplace_back(pid, 0);
    return 0;
  }
  it->second = static_cast<uint8_t>((it->second + 1) & 0x0F);
  return it->second;
}

uint8_t* TsPacketizer::append_packet(std::vector<uint8_t>& out) {
  const size_t at = out.size();
  out.resize(at + kTsPacketSize);
  return out.data() + at;
}

void TsPacketizer::write_pes(uint16_t pid, std::span<const std::span<const uint8_t>> pieces, const TsUnitFlags& flags,
                             std::vector<uint8_t>& out) {
  size_t remaining = 0;
  for (const auto& piece : pieces) remaining += piece.size();
  PieceCursor cursor(pieces);
  bool first = true;
  do {
    const bool pcr = first && flags.pcr_90khz.has_value();
    const bool random_access = first && flags.random_access;
    // An adaptation field is its length byte, a flags byte, the PCR, then stuffing.
    const size_t fields = (pcr || random_access) ? 2 + (pcr ? kPcrSize : 0) : 0;
    const size_t payload = std::min(remaining, kPayloadCapacity - fields);
    const size_t adaptation = kPayloadCapacity - payload;  // fields plus stuffing
    uint8_t* p = append_packet(out);
    write_header(p, pid, first, adaptation > 0, next_continuity_counter(pid));
    if (adaptation > 0) {
      p[4] = static_cast<uint8_t>(adaptation - 1);  // a lone length byte of 0 is one byte of stuffing
      if (adaptation > 1) {
        p[5] = static_cast<uint8_t>((random_access ? kRandomAccessFlag : 0) | (pcr ? kPcrFlag : 0));
        if (pcr) write_pcr(p + 6, *flags.pcr_90khz);
        const size_t used = 2 + (pcr ? kPcrSize : 0);
        std::memset(p + kHeaderSize + used, kStuffingByte, adaptation - used);
      }
    }
    cursor.copy_to(p + kHeaderSize + adaptation, payload);
    remaining -= payload;
    first = false;
  } while (remaining > 0);
}

void TsPacketizer::write_section(uint16_t pid, std::span<const uint8_t> section, std::vector<uint8_t>& out) {
  uint8_t* p = append_packet(out);
  write_header(p, pid, true, false, next_continuity_counter(pid));
  p[kHeaderSize] = 0;  // pointer_field: the section starts right after it
  const size_t length = std::min(section.size(), kPayloadCapacity - 1);
  std::memcpy(p + kHeaderSize + 1, section.data(), length);
  std::memset(p + kHeaderSize + 1 + length, kStuffingByte, kPayloadCapacity - 1 - length);
}

}  // namespace mmids::containers
