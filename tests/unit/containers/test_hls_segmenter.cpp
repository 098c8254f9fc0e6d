// HlsSegmenter on synthetic streams: where segments are cut and how long they are, what
// each starts with, waiting for a first keyframe, the sliding window and lookups,
// discontinuities when a stream replaces another, the end of a stream, audio-only
// streams, the memory bound, and payloads of other streams.
#include "mmids-core/containers/hls_segmenter.hpp"
#include "tests/unit/containers/support/synthetic_media.hpp"
#include "tests/unit/containers/support/ts_reader.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace mmids;
using namespace mmids::containers;
using namespace mmids::testing;

namespace {

void feed(HlsSegmenter& segmenter, const std::vector<media::MediaNotification>& notifications) {
  for (const auto& notification : notifications) {
    const auto result = segmenter.push(notification);
    INFO(result.reason);
    REQUIRE_FALSE(result.is_problem());
  }
}

std::vector<uint32_t> durations(const HlsSegmenter& segmenter) {
  std::vector<uint32_t> out;
  for (const auto& segment : segmenter.segments()) out.push_back(segment->duration_ms);
  return out;
}

std::vector<uint64_t> sequences(const HlsSegmenter& segmenter) {
  std::vector<uint64_t> out;
  for (const auto& segment : segmenter.segments()) out.push_back(segment->sequence);
  return out;
}

}  // namespace

TEST_CASE("containers/hls: segments are cut at keyframes once the target duration is reached", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 4500, .gop_frames = 30}));
  // Keyframes every second: four closed segments of exactly 1 s, the fifth still open.
  CHECK(durations(segmenter) == std::vector<uint32_t>{1000, 1000, 1000, 1000});
  CHECK(segmenter.next_sequence() == 4);

  HlsSegmenter longer_gops;
  feed(longer_gops, synthetic_stream({.duration_ms = 4500, .gop_frames = 20}));
  // Keyframes at 0, 666, 1333, 2000, 2666, 3333, 4000: the first one past 1 s cuts.
  CHECK(durations(longer_gops) == std::vector<uint32_t>{1333, 1333, 1334});
  CHECK(longer_gops.target_duration_seconds() == 2);  // ceil of the longest
}

TEST_CASE("containers/hls: every segment starts with PAT, PMT and a keyframe, in whole TS packets", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 3500}));
  REQUIRE(segmenter.segments().size() == 3);
  for (const auto& segment : segmenter.segments()) {
    const auto bytes = segment->to_bytes();
    REQUIRE(bytes.size() % 188 == 0);
    CHECK(bytes.size() == segment->size());
    const auto packets = read_ts_packets(bytes);
    REQUIRE(packets.size() > 3);
    CHECK(packets[0].pid == 0);
    CHECK(packets[1].pid == TsMuxer::kPmtPid);
    CHECK(packets[2].pid == TsMuxer::kVideoPid);
    CHECK(packets[2].unit_start);
    CHECK(packets[2].random_access);
    for (const auto& packet : packets) CHECK(packet.sync == 0x47);
  }
}

TEST_CASE("containers/hls: segments continue one TS stream: continuity counters run across them", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 3500}));
  std::vector<uint8_t> all;
  for (const auto& segment : segmenter.segments()) {
    const auto bytes = segment->to_bytes();
    all.insert(all.end(), bytes.begin(), bytes.end());
  }
  std::map<uint16_t, int> last;
  for (const auto& packet : read_ts_packets(all)) {
    if (last.count(packet.pid)) CHECK(packet.continuity_counter == (last[packet.pid] + 1) % 16);
    last[packet.pid] = packet.continuity_counter;
  }
}

TEST_CASE("containers/hls: a stream that starts on a non-keyframe waits for its first keyframe", "[containers][hls]") {
  HlsSegmenter segmenter;
  auto stream = synthetic_stream({.duration_ms = 2500, .gop_frames = 30});
  // A viewer-side join mid-GOP: the headers, then everything from 500 ms on.
  std::vector<media::MediaNotification> joined(stream.begin(), stream.begin() + 3);
  for (size_t i = 3; i < stream.size(); ++i) {
    if (std::get<media::MediaPayload>(stream[i]).timestamp_ms >= 500) joined.push_back(stream[i]);
  }
  feed(segmenter, {joined[0], joined[1], joined[2]});
  REQUIRE_FALSE(std::get<media::MediaPayload>(joined[3]).is_keyframe);
  const auto waiting = segmenter.push(joined[3]);
  CHECK(waiting.outcome == MuxOutcome::Skipped);
  CHECK(waiting.reason == "waiting for a keyframe");
  feed(segmenter, {joined.begin() + 4, joined.end()});
  REQUIRE(segmenter.segments().size() == 1);
  const auto& segment = *segmenter.segments()[0];
  CHECK(segment.duration_ms == 1000);  // from the keyframe at 1000 to the one at 2000
  const auto audio = reassemble_pes(read_ts_packets(segment.to_bytes()), TsMuxer::kAudioPid);
  REQUIRE_FALSE(audio.empty());
  CHECK(*audio.front().pts >= 1000 * 90 + TsMuxer::kDecodeDelay90khz);  // no audio from before the keyframe
}

TEST_CASE("containers/hls: the window keeps the newest segments and finds them by sequence number", "[containers][hls]") {
  HlsSegmenter segmenter(HlsSegmenterOptions{.window_segments = 3});
  feed(segmenter, synthetic_stream({.duration_ms = 6500}));
  CHECK(sequences(segmenter) == std::vector<uint64_t>{3, 4, 5});
  CHECK(segmenter.segment(2) == nullptr);
  CHECK(segmenter.segment(6) == nullptr);  // still open
  REQUIRE(segmenter.segment(4) != nullptr);
  CHECK(segmenter.segment(4)->sequence == 4);
  CHECK(segmenter.segment(4) == segmenter.segments()[1]);  // shared, not copied
  const auto held = segmenter.segment(3);
  feed(segmenter, {avc_frame(7000, true)});
  CHECK(segmenter.segment(3) == nullptr);
  CHECK(held->sequence == 3);  // a request holding it keeps it
  CHECK(segmenter.playlist()->find("#EXT-X-MEDIA-SEQUENCE:4\n") != std::string::npos);
}

TEST_CASE("containers/hls: audio-only streams are cut on time", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 3500, .video = false}));
  // AAC every 23 ms: the first frame a second or more into a segment cuts it (1012, 2024, 3036).
  CHECK(durations(segmenter) == std::vector<uint32_t>{1012, 1012, 1012});
  const auto packets = read_ts_packets(segmenter.segments()[1]->to_bytes());
  CHECK(packets[0].pid == 0);
  CHECK(packets[2].pid == TsMuxer::kAudioPid);
  CHECK(packets[2].pcr_base.has_value());
}

TEST_CASE("containers/hls: a new stream after another is a discontinuity, counted when it leaves the window", "[containers][hls]") {
  HlsSegmenter segmenter(HlsSegmenterOptions{.window_segments = 4});
  feed(segmenter, synthetic_stream({.duration_ms = 2500, .id = 1, .start_ms = 50000}));
  // A pull restarts: the new stream's clock begins again at 0. The old stream's open
  // segment is closed at its last video frame (2466 ms) plus a frame interval.
  feed(segmenter, synthetic_stream({.duration_ms = 2500, .id = 2}));
  CHECK(sequences(segmenter) == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(durations(segmenter) == std::vector<uint32_t>{1000, 499, 1000, 1000});
  CHECK_FALSE(segmenter.segment(2)->discontinuity);
  CHECK(segmenter.segment(3)->discontinuity);
  const auto playlist = *segmenter.playlist();
  CHECK(playlist.find("#EXT-X-DISCONTINUITY-SEQUENCE:0\n") != std::string::npos);
  CHECK(playlist.find("segment_2.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.000,\nsegment_3.ts\n") != std::string::npos);

  // The same stream goes on (a repeated NewStream of it changes nothing) until the
  // discontinuity has slid out of the window.
  feed(segmenter, synthetic_stream({.duration_ms = 4000, .id = 2, .start_ms = 2500}));
  CHECK(sequences(segmenter) == std::vector<uint64_t>{4, 5, 6, 7});
  CHECK(durations(segmenter) == std::vector<uint32_t>{1000, 1500, 1000, 1000});
  const auto later = *segmenter.playlist();
  CHECK(later.find("#EXT-X-DISCONTINUITY-SEQUENCE:1\n") != std::string::npos);
  CHECK(later.find("#EXT-X-DISCONTINUITY\n") == std::string::npos);
}

TEST_CASE("containers/hls: a disconnected stream's last segment is closed; finish ends the playlist", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 2500}));
  CHECK(segmenter.segments().size() == 2);
  feed(segmenter, {media::StreamDisconnected{1}});
  CHECK(durations(segmenter) == std::vector<uint32_t>{1000, 1000, 499});
  CHECK_FALSE(segmenter.ended());
  CHECK(segmenter.playlist()->find("#EXT-X-ENDLIST") == std::string::npos);
  segmenter.finish();
  CHECK(segmenter.ended());
  CHECK(segmenter.playlist()->ends_with("segment_2.ts\n#EXT-X-ENDLIST\n"));
  // A stream that comes back reopens the playlist after a discontinuity.
  feed(segmenter, synthetic_stream({.duration_ms = 1500, .id = 9}));
  CHECK_FALSE(segmenter.ended());
  CHECK(segmenter.segment(3)->discontinuity);
}

TEST_CASE("containers/hls: an oversized segment is closed at once and the stream resumes at a keyframe", "[containers][hls]") {
  HlsSegmenter segmenter(HlsSegmenterOptions{.max_segment_bytes = 8000});
  feed(segmenter, synthetic_stream({.duration_ms = 2500, .audio = false}));
  // 2.6 kB keyframes (with tables), 376-byte frames: 8 kB is passed half way into each
  // one-second GOP; the last GOP (15 frames) stays just under it.
  REQUIRE(segmenter.segments().size() == 2);
  for (const auto& segment : segmenter.segments()) {
    CHECK(segment->size() <= 8000 + 376);
    CHECK(segment->duration_ms < 1000);
    const auto packets = read_ts_packets(segment->to_bytes());
    CHECK(packets[2].random_access);
  }
  CHECK(segmenter.segments()[1]->sequence == 1);
}

TEST_CASE("containers/hls: payloads of another stream are ignored; unsupported codecs are reported", "[containers][hls]") {
  HlsSegmenter segmenter;
  feed(segmenter, synthetic_stream({.duration_ms = 1500}));
  const size_t before = segmenter.segments().size();
  const auto other = segmenter.push(avc_frame(2000, true, 0, 100, 77));
  CHECK(other.outcome == MuxOutcome::Skipped);
  CHECK(other.reason == "a payload of another stream");
  CHECK(segmenter.segments().size() == before);
  const auto hevc = segmenter.push(payload_of(media::MediaKind::Video, 2000, {0x1C, 0, 0, 0, 0, 1}));
  CHECK(hevc.outcome == MuxOutcome::Unsupported);
}
