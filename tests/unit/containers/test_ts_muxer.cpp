// TsMuxer on hand-made H.264/AAC payloads: tables first and before keyframes, Annex-B
// access units with AUD and parameter sets, PTS/DTS/PCR on the 90 kHz clock, ADTS audio,
// continuity, audio-only and video-only programs, and what it refuses (other codecs,
// frames before their configuration, malformed bytes) without writing anything.
#include "mmids-core/containers/ts_muxer.hpp"
#include "tests/unit/containers/support/synthetic_media.hpp"
#include "tests/unit/containers/support/ts_reader.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace mmids;
using namespace mmids::containers;
using namespace mmids::testing;

namespace {

constexpr uint64_t kDelay = TsMuxer::kDecodeDelay90khz;

struct Pmt {
  uint16_t pcr_pid = 0;
  uint8_t version = 0;
  std::vector<std::pair<uint8_t, uint16_t>> streams;  // stream type, PID
};

Pmt parse_pmt(const TsPacketView& packet) {
  const auto s = packet.payload.subspan(1);  // after the pointer field
  Pmt pmt;
  pmt.version = (s[5] >> 1) & 0x1F;
  pmt.pcr_pid = static_cast<uint16_t>(((s[8] & 0x1F) << 8) | s[9]);
  const size_t section_end = 3 + (((s[1] & 0x0F) << 8) | s[2]) - 4;
  for (size_t at = 12; at + 5 <= section_end; at += 5) {
    pmt.streams.emplace_back(s[at], static_cast<uint16_t>(((s[at + 1] & 0x1F) << 8) | s[at + 2]));
  }
  return pmt;
}

std::vector<uint16_t> pids(const std::vector<TsPacketView>& packets) {
  std::vector<uint16_t> out;
  for (const auto& packet : packets) out.push_back(packet.pid);
  return out;
}

Bytes with_start_code(const Bytes& nalu) {
  Bytes out{0, 0, 0, 1};
  out.insert(out.end(), nalu.begin(), nalu.end());
  return out;
}

}  // namespace

TEST_CASE("containers/ts: an H.264 + AAC stream starts with PAT and PMT announcing both, the clock on video", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  CHECK(muxer.write(avc_sequence_header(), out).outcome == MuxOutcome::Configured);
  CHECK(muxer.write(aac_sequence_header(), out).outcome == MuxOutcome::Configured);
  CHECK(out.empty());
  CHECK(muxer.write(avc_frame(0, true), out).written());
  REQUIRE(out.size() % 188 == 0);
  auto packets = read_ts_packets(out);
  REQUIRE(packets.size() >= 3);
  CHECK(packets[0].pid == 0);
  CHECK(packets[1].pid == TsMuxer::kPmtPid);
  const auto pmt = parse_pmt(packets[1]);
  CHECK(pmt.pcr_pid == TsMuxer::kVideoPid);
  CHECK(pmt.streams == std::vector<std::pair<uint8_t, uint16_t>>{{0x1B, 0x100}, {0x0F, 0x101}});
  CHECK(packets[2].pid == TsMuxer::kVideoPid);
}

TEST_CASE("containers/ts: a keyframe is AUD, SPS, PPS and its slices, with PTS, DTS and PCR at 90 kHz", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  REQUIRE(muxer.write(avc_frame(1000, true, 66, 500), out).written());
  const auto pes = reassemble_pes(read_ts_packets(out), TsMuxer::kVideoPid);
  REQUIRE(pes.size() == 1);
  CHECK(pes[0].stream_id == 0xE0);
  CHECK(pes[0].packet_length == 0);  // video: unbounded
  CHECK(pes[0].dts == 1000 * 90 + kDelay);
  CHECK(pes[0].pts == (1000 + 66) * 90 + kDelay);
  CHECK(pes[0].pcr_base == 1000 * 90);
  CHECK(pes[0].random_access);
  Bytes expected{0, 0, 0, 1, 0x09, 0xF0};
  for (const auto& unit : {kTestSps, kTestPps}) {
    const auto coded = with_start_code(unit);
    expected.insert(expected.end(), coded.begin(), coded.end());
  }
  const auto frame = slice(true, 500);
  expected.insert(expected.end(), {0, 0, 0, 1});
  expected.insert(expected.end(), frame.begin() + 4, frame.end());
  CHECK(pes[0].payload == expected);
}

TEST_CASE("containers/ts: other frames get an AUD only, and tables come again only before keyframes", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(avc_frame(0, true), out);
  const size_t first = out.size();
  REQUIRE(muxer.write(avc_frame(33, false, 0, 60), out).written());
  auto inter = read_ts_packets(std::span(out).subspan(first));
  CHECK(pids(inter) == std::vector<uint16_t>{0x100});
  const auto pes = reassemble_pes(inter, TsMuxer::kVideoPid);
  REQUIRE(pes.size() == 1);
  CHECK_FALSE(pes[0].random_access);
  CHECK_FALSE(pes[0].dts);  // pts == dts: DTS left out
  CHECK(pes[0].pts == 33 * 90 + kDelay);
  CHECK(Bytes(pes[0].payload.begin(), pes[0].payload.begin() + 10) == Bytes{0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1});

  const size_t second = out.size();
  (void)muxer.write(avc_frame(66, true), out);
  CHECK(pids(read_ts_packets(std::span(out).subspan(second))).front() == 0);  // PAT again
  muxer.request_tables();
  const size_t third = out.size();
  (void)muxer.write(avc_frame(99, false), out);
  CHECK(pids(read_ts_packets(std::span(out).subspan(third))) == std::vector<uint16_t>{0, 0x1000, 0x100});
}

TEST_CASE("containers/ts: AAC frames become ADTS in bounded PES packets with PTS only", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(aac_sequence_header(), out);
  REQUIRE(muxer.write(aac_frame(23, 3), out).written());
  auto packets = read_ts_packets(out);
  const auto pes = reassemble_pes(packets, TsMuxer::kAudioPid);
  REQUIRE(pes.size() == 1);
  CHECK(pes[0].stream_id == 0xC0);
  CHECK(pes[0].packet_length == 3 + 5 + 7 + 3);
  CHECK(pes[0].pts == 23 * 90 + kDelay);
  CHECK_FALSE(pes[0].dts);
  CHECK_FALSE(pes[0].pcr_base);  // the clock is on the video PID
  CHECK(pes[0].random_access);
  CHECK(pes[0].payload == Bytes{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x5F, 0xFC, 0x21, 0x21, 0x21});
}

TEST_CASE("containers/ts: audio-only: the PMT lists AAC alone and the clock rides on the audio PID", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(aac_sequence_header({0x11, 0x88}), out);  // 48 kHz mono
  REQUIRE(muxer.write(aac_frame(0), out).written());
  auto packets = read_ts_packets(out);
  REQUIRE(packets.size() == 3);
  const auto pmt = parse_pmt(packets[1]);
  CHECK(pmt.pcr_pid == TsMuxer::kAudioPid);
  CHECK(pmt.streams == std::vector<std::pair<uint8_t, uint16_t>>{{0x0F, 0x101}});
  CHECK(packets[2].pcr_base == 0);
  CHECK(packets[2].payload[packets[2].payload.size() - 50 - 7 + 2] == 0x4C);  // ADTS: LC, 48 kHz, 1 channel
}

TEST_CASE("containers/ts: video-only: the PMT lists H.264 alone", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(avc_frame(0, true), out);
  const auto pmt = parse_pmt(read_ts_packets(out)[1]);
  CHECK(pmt.pcr_pid == TsMuxer::kVideoPid);
  CHECK(pmt.streams == std::vector<std::pair<uint8_t, uint16_t>>{{0x1B, 0x100}});
}

TEST_CASE("containers/ts: continuity counters rise by one per packet on every PID across frames", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(aac_sequence_header(), out);
  for (uint32_t i = 0; i < 40; ++i) {
    (void)muxer.write(avc_frame(i * 33, i % 10 == 0, 0, 300 + i * 10), out);
    (void)muxer.write(aac_frame(i * 23), out);
  }
  std::map<uint16_t, int> last;
  size_t checked = 0;
  for (const auto& packet : read_ts_packets(out)) {
    CHECK(packet.sync == 0x47);
    if (auto it = last.find(packet.pid); it != last.end()) {
      CHECK(packet.continuity_counter == (it->second + 1) % 16);
      ++checked;
    }
    last[packet.pid] = packet.continuity_counter;
  }
  CHECK(checked > 100);
  CHECK(last.size() == 4);  // PAT, PMT, video, audio
}

TEST_CASE("containers/ts: a track configured later bumps the PMT version", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(aac_sequence_header(), out);
  (void)muxer.write(aac_frame(0), out);
  const auto first = parse_pmt(read_ts_packets(out)[1]);
  (void)muxer.write(avc_sequence_header(), out);
  const size_t at = out.size();
  (void)muxer.write(avc_frame(40, true), out);
  const auto second = parse_pmt(read_ts_packets(std::span(out).subspan(at))[1]);
  CHECK(second.version == (first.version + 1) % 32);
  CHECK(second.pcr_pid == TsMuxer::kVideoPid);
  CHECK(second.streams.size() == 2);
}

TEST_CASE("containers/ts: timestamps wrap with the RTMP clock", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(avc_frame(0xFFFFFFF0u, true, 40), out);
  const auto pes = reassemble_pes(read_ts_packets(out), TsMuxer::kVideoPid);
  const uint64_t mask = (uint64_t{1} << 33) - 1;
  CHECK(pes[0].dts == ((uint64_t{0xFFFFFFF0u} * 90 + kDelay) & mask));
  CHECK(pes[0].pts == ((uint64_t{0xFFFFFFF0u} * 90 + kDelay + 40 * 90) & mask));
}

TEST_CASE("containers/ts: other codecs are reported as unsupported, not muxed", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  auto hevc = muxer.write(payload_of(media::MediaKind::Video, 0, {0x1C, 0, 0, 0, 0, 1}), out);
  CHECK(hevc.outcome == MuxOutcome::Unsupported);
  CHECK(hevc.reason == "video codec HEVC (FLV codec id 12) is not supported in MPEG-TS");
  CHECK(hevc.is_problem());
  auto av1 = muxer.write(payload_of(media::MediaKind::Video, 0, {0x90, 'a', 'v', '0', '1', 0}), out);
  CHECK(av1.reason == "video codec enhanced RTMP 'av01' is not supported in MPEG-TS");
  auto mp3 = muxer.write(payload_of(media::MediaKind::Audio, 0, {0x2F, 0xFF, 0xFB}), out);
  CHECK(mp3.outcome == MuxOutcome::Unsupported);
  auto usac = muxer.write(aac_sequence_header({0xF9, 0x46, 0x40}), out);
  CHECK(usac.outcome == MuxOutcome::Unsupported);
  CHECK(out.empty());
  CHECK_FALSE(muxer.has_video());
  CHECK_FALSE(muxer.has_audio());
}

TEST_CASE("containers/ts: frames before their configuration wait; malformed ones are refused", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  CHECK(muxer.write(avc_frame(0, true), out).outcome == MuxOutcome::NeedsConfig);
  CHECK(muxer.write(aac_frame(0), out).outcome == MuxOutcome::NeedsConfig);
  auto bad_header = muxer.write(payload_of(media::MediaKind::Video, 0, {0x17, 0, 0, 0, 0, 1, 0x64}), out);
  CHECK(bad_header.outcome == MuxOutcome::Malformed);
  CHECK(bad_header.reason == "AVC sequence header: avcC record shorter than its fixed header");
  (void)muxer.write(avc_sequence_header(), out);
  auto overrun = muxer.write(payload_of(media::MediaKind::Video, 0, {0x17, 1, 0, 0, 0, 0, 0, 0, 9, 0x65}), out);
  CHECK(overrun.outcome == MuxOutcome::Malformed);
  CHECK(overrun.reason == "H.264 frame: NAL unit length runs past the packet");
  CHECK(muxer.write(payload_of(media::MediaKind::Video, 0, {0x17, 2, 0, 0, 0}), out).outcome == MuxOutcome::Skipped);
  CHECK(muxer.write(payload_of(media::MediaKind::Video, 0, {0x17, 1, 0, 0, 0}), out).outcome == MuxOutcome::Skipped);
  CHECK(out.empty());
  CHECK(muxer.write(avc_frame(0, true), out).written());  // and it goes on
}

TEST_CASE("containers/ts: a new stream forgets the old configuration", "[containers][ts]") {
  TsMuxer muxer;
  Bytes out;
  (void)muxer.write(avc_sequence_header(), out);
  (void)muxer.write(aac_sequence_header(), out);
  muxer.reset_stream();
  CHECK_FALSE(muxer.has_video());
  CHECK(muxer.write(avc_frame(0, true), out).outcome == MuxOutcome::NeedsConfig);
}
