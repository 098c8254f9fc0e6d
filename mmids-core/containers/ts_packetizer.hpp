#pragma once
// TsPacketizer: cuts payload units (PES packets, PSI sections) into 188-byte MPEG-TS
// packets (ISO/IEC 13818-1 2.4.3). It owns what is per PID across units: the continuity
// counters. The unit arrives as pieces (a header, then spans into the caller's buffers:
// a tag body, cached parameter sets), so the only copy of the media is the one into the
// TS packets themselves, appended to a buffer the caller reuses.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace mmids::containers {

inline constexpr size_t kTsPacketSize = 188;
inline constexpr uint8_t kTsSyncByte = 0x47;
inline constexpr uint16_t kPatPid = 0x0000;

using BytePieces = std::vector<std::span<const uint8_t>>;

struct TsUnitFlags {
  std::optional<uint64_t> pcr_90khz;  // program clock reference, in the first packet
  bool random_access = false;         // random_access_indicator in the first packet
};

class TsPacketizer {
 public:
  // Appends the packets carrying the concatenation of `pieces` on `pid`: the first with
  // payload_unit_start_indicator and the flags' adaptation field, the last padded with
  // adaptation-field stuffing (what PES packets need: no bytes after them but theirs).
  void write_pes(uint16_t pid, std::span<const std::span<const uint8_t>> pieces, const TsUnitFlags& flags,
                 std::vector<uint8_t>& out);

  // Appends one packet with a PSI section (pointer field 0, then the section, then 0xFF
  // fill). Precondition: the section fits one packet (183 bytes); PAT and PMT here do.
  void write_section(uint16_t pid, std::span<const uint8_t> section, std::vector<uint8_t>& out);

 private:
  uint8_t next_continuity_counter(uint16_t pid);
  uint8_t* append_packet(std::vector<uint8_t>& out);

  std::vector<std::pair<uint16_t, uint8_t>> counters_;  // a handful of PIDs: a flat list
};

}  // namespace mmids::containers
