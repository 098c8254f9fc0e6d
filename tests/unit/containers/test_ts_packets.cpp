// The MPEG-TS building blocks byte by byte: packets (sync byte, PID, unit start,
// continuity counters, adaptation field with PCR / random access / stuffing), PES
// headers (PTS/DTS encoding, packet length) and PSI tables (compared with what ffmpeg's
// own muxer writes for the same program).
#include "mmids-core/containers/pes_header.hpp"
#include "mmids-core/containers/ts_packetizer.hpp"
#include "mmids-core/containers/ts_tables.hpp"
#include "tests/unit/containers/support/ts_reader.hpp"

#include <catch2/catch.hpp>

using namespace mmids::containers;
using mmids::testing::read_ts_packets;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes pattern(size_t size) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  return out;
}

Bytes packetize(TsPacketizer& packetizer, const Bytes& unit, const TsUnitFlags& flags = {}, uint16_t pid = 0x100) {
  Bytes out;
  const std::span<const uint8_t> pieces[] = {unit};
  packetizer.write_pes(pid, pieces, flags, out);
  return out;
}

}  // namespace

TEST_CASE("containers/ts: a PES unit fills 188-byte packets: unit start first, stuffing in the last", "[containers][ts]") {
  TsPacketizer packetizer;
  const Bytes unit = pattern(400);
  const Bytes out = packetize(packetizer, unit);
  REQUIRE(out.size() == 3 * 188);
  auto packets = read_ts_packets(out);
  CHECK(Bytes(out.begin(), out.begin() + 4) == Bytes{0x47, 0x41, 0x00, 0x10});  // PUSI, PID 0x100, payload only, CC 0
  CHECK(Bytes(out.begin() + 188, out.begin() + 192) == Bytes{0x47, 0x01, 0x00, 0x11});
  CHECK(Bytes(out.begin() + 376, out.begin() + 380) == Bytes{0x47, 0x01, 0x00, 0x32});  // adaptation + payload
  // The last packet carries 400 - 2 * 184 = 32 bytes after 152 bytes of adaptation field.
  CHECK(packets[2].adaptation_length == 151);
  CHECK(out[380 + 1] == 0x00);  // no flags
  CHECK(out[380 + 2] == 0xFF);  // stuffing
  Bytes payload;
  for (const auto& packet : packets) payload.insert(payload.end(), packet.payload.begin(), packet.payload.end());
  CHECK(payload == unit);
}

TEST_CASE("containers/ts: PCR and random access ride in the first packet's adaptation field", "[containers][ts]") {
  TsPacketizer packetizer;
  TsUnitFlags flags;
  flags.pcr_90khz = 0x123456789;  // 33 bits
  flags.random_access = true;
  const Bytes out = packetize(packetizer, pattern(500), flags);
  CHECK(Bytes(out.begin(), out.begin() + 12) ==
        Bytes{0x47, 0x41, 0x00, 0x30, 0x07, 0x50, 0x91, 0xA2, 0xB3, 0xC4, 0xFE, 0x00});
  auto packets = read_ts_packets(out);
  CHECK(packets[0].pcr_base == 0x123456789);
  CHECK(packets[0].random_access);
  CHECK_FALSE(packets[1].random_access);
  CHECK_FALSE(packets[1].pcr_base);
}

TEST_CASE("containers/ts: a unit one byte short of a packet gets a one-byte adaptation field", "[containers][ts]") {
  TsPacketizer packetizer;
  const Bytes out = packetize(packetizer, pattern(183));
  REQUIRE(out.size() == 188);
  CHECK(out[3] == 0x30);
  CHECK(out[4] == 0x00);  // adaptation_field_length 0: the length byte is the stuffing
  CHECK(Bytes(out.begin() + 5, out.end()) == pattern(183));
  CHECK(packetize(packetizer, pattern(184)).size() == 188);
  CHECK(packetize(packetizer, pattern(185)).size() == 2 * 188);
}

TEST_CASE("containers/ts: continuity counters count packets per PID and wrap at 16", "[containers][ts]") {
  TsPacketizer packetizer;
  Bytes out;
  for (int i = 0; i < 20; ++i) {
    const Bytes unit = pattern(10);
    const std::span<const uint8_t> pieces[] = {unit};
    packetizer.write_pes(i % 2 ? 0x101 : 0x100, pieces, {}, out);
  }
  auto packets = read_ts_packets(out);
  REQUIRE(packets.size() == 20);
  for (size_t i = 0; i < packets.size(); ++i) {
    CHECK(packets[i].sync == 0x47);
    CHECK(packets[i].pid == (i % 2 ? 0x101 : 0x100));
    CHECK(packets[i].continuity_counter == (i / 2) % 16);
  }
}

TEST_CASE("containers/ts: a unit in several pieces is packetized as their concatenation", "[containers][ts]") {
  TsPacketizer packetizer;
  const Bytes a = pattern(7);
  const Bytes b;  // empty pieces are harmless
  const Bytes c = pattern(300);
  const std::span<const uint8_t> pieces[] = {a, b, c};
  Bytes out;
  packetizer.write_pes(0x100, pieces, {}, out);
  Bytes payload;
  for (const auto& packet : read_ts_packets(out)) payload.insert(payload.end(), packet.payload.begin(), packet.payload.end());
  Bytes expected = a;
  expected.insert(expected.end(), c.begin(), c.end());
  CHECK(payload == expected);
}

TEST_CASE("containers/ts: PAT and PMT sections match what ffmpeg writes for H.264 + AAC", "[containers][ts]") {
  // From `ffmpeg ... -c:v libx264 -c:a aac -f mpegts`: program 1, PMT at 0x1000, H.264 on
  // 0x100 carrying the PCR, AAC (ADTS) on 0x101, version 0.
  CHECK(pat_section(0x1000, 0) == Bytes{0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00,
                                        0x2A, 0xB1, 0x04, 0xB2});
  const TsElementaryStream streams[] = {{kStreamTypeH264, 0x100}, {kStreamTypeAacAdts, 0x101}};
  CHECK(pmt_section(0x100, streams, 0) == Bytes{0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x00, 0xF0, 0x00,
                                                0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00, 0x2F, 0x44,
                                                0xB9, 0x9B});
  CHECK(pmt_section(0x100, streams, 3)[5] == 0xC7);  // version 3, current
  CHECK(crc32_mpeg2(pat_section(0x1000, 7)) == 0);   // a section's CRC makes the whole zero
}

TEST_CASE("containers/ts: a PSI section fills one packet after a zero pointer field, padded with 0xFF", "[containers][ts]") {
  TsPacketizer packetizer;
  Bytes out;
  const auto pat = pat_section(0x1000, 0);
  packetizer.write_section(kPatPid, pat, out);
  packetizer.write_section(kPatPid, pat, out);
  REQUIRE(out.size() == 2 * 188);
  CHECK(Bytes(out.begin(), out.begin() + 5) == Bytes{0x47, 0x40, 0x00, 0x10, 0x00});
  CHECK(Bytes(out.begin() + 5, out.begin() + 5 + static_cast<long>(pat.size())) == pat);
  CHECK(out[5 + pat.size()] == 0xFF);
  CHECK(out[187] == 0xFF);
  CHECK(out[188 + 3] == 0x11);  // continuity counter 1
}

TEST_CASE("containers/ts: PES headers encode PTS alone or PTS and DTS, with markers", "[containers][ts]") {
  const PesHeader pts_only(kStreamIdVideo, 90000, std::nullopt, std::nullopt);
  CHECK(Bytes(pts_only.bytes().begin(), pts_only.bytes().end()) ==
        Bytes{0x00, 0x00, 0x01, 0xE0, 0x00, 0x00, 0x84, 0x80, 0x05, 0x21, 0x00, 0x05, 0xBF, 0x21});

  const uint64_t pts = (uint64_t{1} << 33) - 1;  // the largest 33-bit value
  const PesHeader both(kStreamIdVideo, pts, 12345, std::nullopt);
  const auto bytes = both.bytes();
  REQUIRE(bytes.size() == 19);
  CHECK(bytes[7] == 0xC0);
  CHECK(bytes[8] == 10);
  CHECK(bytes[9] >> 4 == 0x3);  // '0011': PTS followed by DTS
  CHECK(bytes[14] >> 4 == 0x1);
  CHECK(mmids::testing::read_pes_timestamp(&bytes[9]) == pts);
  CHECK(mmids::testing::read_pes_timestamp(&bytes[14]) == 12345);

  const PesHeader audio(kStreamIdAudio, 1, std::nullopt, size_t{100});
  CHECK(audio.bytes()[4] == 0);
  CHECK(audio.bytes()[5] == 3 + 5 + 100);  // PES_packet_length counts from after itself
  const PesHeader too_long(kStreamIdAudio, 1, std::nullopt, size_t{70000});
  CHECK(too_long.bytes()[5] == 0);  // unbounded rather than wrong
}

TEST_CASE("containers/ts: milliseconds map onto the 33-bit 90 kHz clock, wrapping with RTMP's 32 bits", "[containers][ts]") {
  CHECK(to_90khz(1000) == 90000);
  CHECK(to_90khz(int64_t{0xFFFFFFFF}) == (uint64_t{0xFFFFFFFF} * 90) % (uint64_t{1} << 33));
  CHECK(to_90khz(int64_t{1} << 32) == 0);  // an RTMP wrap is an MPEG wrap
}
