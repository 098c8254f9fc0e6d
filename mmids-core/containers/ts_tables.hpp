#pragma once
// The PSI tables an MPEG-TS player needs before anything else (ISO/IEC 13818-1 2.4.4):
// the PAT (program 1 lives at the PMT PID) and the PMT (which PID carries which codec,
// and which PID carries the clock). Sections come with their CRC-32.
#include <cstdint>
#include <span>
#include <vector>

namespace mmids::containers {

inline constexpr uint8_t kStreamTypeH264 = 0x1B;
inline constexpr uint8_t kStreamTypeAacAdts = 0x0F;

struct TsElementaryStream {
  uint8_t stream_type = 0;
  uint16_t pid = 0;
};

// The MPEG-2 CRC-32 (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final
// xor): a section's last four bytes make the CRC of the whole section zero.
[[nodiscard]] uint32_t crc32_mpeg2(std::span<const uint8_t> bytes);

// `version` is the 5-bit version_number: players re-read a table when it changes.
[[nodiscard]] std::vector<uint8_t> pat_section(uint16_t pmt_pid, uint8_t version);
[[nodiscard]] std::vector<uint8_t> pmt_section(uint16_t pcr_pid, std::span<const TsElementaryStream> streams,
                                               uint8_t version);

}  // namespace mmids::containers
