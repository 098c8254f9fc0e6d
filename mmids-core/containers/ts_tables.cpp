#include "mmids-core/containers/ts_tables.hpp"

#include "mmids-core/common/byte_io.hpp"

#include <array>

namespace mmids::containers {

namespace {


constexpr uint8_t kTableIdPat = 0x00;
constexpr uint8_t kTableIdPmt = 0x02;
constexpr uint16_t kTransportStreamId = 1;
constexpr uint16_t kProgramNumber = 1;
constexpr size_t kCrcSize = 4;

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i << 24;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
    table[i] = crc;
  }
  return table;
}

constexpr auto kCrcTable = make_crc_table();

// The long-form section header up to and including last_section_number. section_length
// is patched by `finish_section` once the body is known.
std::vector<uint8_t> start_section(uint8_t table_id, uint16_t id_extension, uint8_t version) {
  std::vector<uint8_t> section{table_id, 0, 0};
  byte_io::put_u16be(section, id_extension);
  // reserved '11', version_number, current_next_indicator 1; section 0 of 0.
  section.push_back(static_cast<uint8_t>(0xC0 | ((version & 0x1F) << 1) | 0x01));
  section.push_back(0);
  section.push_back(0);
  return section;
}

std::vector<uint8_t> finish_section(std::vector<uint8_t> section) {
  // section_syntax_indicator 1, '0', reserved '11', 12-bit length counted after it.
  const size_t length = section.size() - 3 + kCrcSize;
  section[1] = static_cast<uint8_t>(0xB0 | ((length >> 8) & 0x0F));
  section[2] = static_cast<uint8_t>(length);
  byte_io::put_u32be(section, crc32_mpeg2(section));
  return section;
}

void put_pid(std::vector<uint8_t>& out, uint16_t pid) { byte_io::put_u16be(out, static_cast<uint16_t>(0xE000 | pid)); }

}  // namespace

uint32_t crc32_mpeg2(std::span<const uint8_t> bytes) {
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t byte : bytes) crc = (crc << 8) ^ kCrcTable[((crc >> 24) ^ byte) & 0xFF];
  return crc;
}

std::vector<uint8_t> pat_section(uint16_t pmt_pid, uint8_t version) {
  auto section = start_section(kTableIdPat, kTransportStreamId, version);
  byte_io::put_u16be(section, kProgramNumber);
  put_pid(section, pmt_pid);
  return finish_section(std::move(section));
}

std::vector<uint8_t> pmt_section(uint16_t pcr_pid, std::span<const TsElementaryStream> streams, uint8_t version) {
  auto section = start_section(kTableIdPmt, kProgramNumber, version);
  put_pid(section, pcr_pid);
  byte_io::put_u16be(section, 0xF000);  // reserved, program_info_length 0
  for (const auto& stream : streams) {
    section.push_back(stream.stream_type);
    put_pid(section, stream.pid);
    byte_io::put_u16be(section, 0xF000);  // reserved, ES_info_length 0
  }
  return finish_section(std::move(section));
}

}  // namespace mmids::containers
