#pragma once
// Test-side MPEG-TS reading, written from the standard independently of the muxer: the
// fields of each 188-byte packet, and PES packets reassembled per PID with their PTS/DTS.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mmids::testing {

struct TsPacketView {
  uint8_t sync = 0;
  uint16_t pid = 0;
  bool unit_start = false;
  uint8_t continuity_counter = 0;
  bool has_payload = false;
  size_t adaptation_length = 0;  // the adaptation field's length byte, when there is one
  bool random_access = false;
  std::optional<uint64_t> pcr_base;
  std::span<const uint8_t> payload;
};

struct PesView {
  uint8_t stream_id = 0;
  uint16_t packet_length = 0;
  std::optional<uint64_t> pts;
  std::optional<uint64_t> dts;
  bool random_access = false;  // of its first TS packet
  std::optional<uint64_t> pcr_base;
  std::vector<uint8_t> payload;  // after the PES header
};

// Precondition checked by the tests: bytes.size() is a multiple of 188.
std::vector<TsPacketView> read_ts_packets(std::span<const uint8_t> bytes);
std::vector<PesView> reassemble_pes(const std::vector<TsPacketView>& packets, uint16_t pid);
// The 33-bit value of a 5-byte PES timestamp field.
uint64_t read_pes_timestamp(const uint8_t* p);

}  // namespace mmids::testing
