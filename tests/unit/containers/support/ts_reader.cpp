#include "tests/unit/containers/support/ts_reader.hpp"

namespace mmids::testing {

uint64_t read_pes_timestamp(const uint8_t* p) {
  return (uint64_t{p[0] & 0x0Eu} << 29) | (uint64_t{p[1]} << 22) | (uint64_t{p[2] & 0xFEu} << 14) |
         (uint64_t{p[3]} << 7) | (uint64_t{p[4]} >> 1);
}

std::vector<TsPacketView> read_ts_packets(std::span<const uint8_t> bytes) {
  std::vector<TsPacketView> packets;
  for (size_t at = 0; at + 188 <= bytes.size(); at += 188) {
    const uint8_t* p = bytes.data() + at;
    TsPacketView packet;
    packet.sync = p[0];
    packet.unit_start = (p[1] & 0x40) != 0;
    packet.pid = static_cast<uint16_t>(((p[1] & 0x1F) << 8) | p[2]);
    const uint8_t control = (p[3] >> 4) & 0x03;
    packet.continuity_counter = p[3] & 0x0F;
    packet.has_payload = (control & 0x01) != 0;
    size_t offset = 4;
    if (control & 0x02) {
      packet.adaptation_length = p[4];
      if (packet.adaptation_length > 0) {
        packet.random_access = (p[5] & 0x40) != 0;
        if (p[5] & 0x10) {
          packet.pcr_base = (uint64_t{p[6]} << 25) | (uint64_t{p[7]} << 17) | (uint64_t{p[8]} << 9) |
                            (uint64_t{p[9]} << 1) | (p[10] >> 7);
        }
      }
      offset += 1 + packet.adaptation_length;
    }
    if (packet.has_payload && offset <= 188) packet.payload = std::span(p + offset, 188 - offset);
    packets.push_back(packet);
  }
  return packets;
}

std::vector<PesView> reassemble_pes(const std::vector<TsPacketView>& packets, uint16_t pid) {
  std::vector<PesView> units;
  std::vector<uint8_t> bytes;
  PesView current;
  auto finish = [&] {
    if (bytes.size() < 9) return;
    current.stream_id = bytes[3];
    current.packet_length = static_cast<uint16_t>((bytes[4] << 8) | bytes[5]);
    const uint8_t flags = bytes[7];
    const size_t header_end = 9 + bytes[8];
    if (flags & 0x80) current.pts = read_pes_timestamp(&bytes[9]);
    if ((flags & 0xC0) == 0xC0) current.dts = read_pes_timestamp(&bytes[14]);
    if (header_end <= bytes.size()) current.payload.assign(bytes.begin() + static_cast<long>(header_end), bytes.end());
    units.push_back(current);
  };
  for (const auto& packet : packets) {
    if (packet.pid != pid) continue;
    if (packet.unit_start) {
      finish();
      bytes.clear();
      current = PesView{};
      current.random_access = packet.random_access;
      current.pcr_base = packet.pcr_base;
    }
    bytes.insert(bytes.end(), packet.payload.begin(), packet.payload.end());
  }
  finish();
  return units;
}

}  // namespace mmids::testing
