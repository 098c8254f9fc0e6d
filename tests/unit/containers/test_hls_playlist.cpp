// The media playlist as text: exact output for a plain window, discontinuities, the end
// of a stream and Low-Latency HLS (parts of recent segments, the open segment's parts,
// the preload hint, server control), and millisecond durations with three decimals.
#include "mmids-core/containers/hls_playlist.hpp"

#include <catch2/catch.hpp>

using namespace mmids::containers;

namespace {

std::shared_ptr<const HlsSegment> segment(uint64_t sequence, uint32_t duration_ms, bool discontinuity = false,
                                          std::vector<uint32_t> part_durations = {}) {
  auto out = std::make_shared<HlsSegment>();
  out->sequence = sequence;
  out->duration_ms = duration_ms;
  out->discontinuity = discontinuity;
  for (size_t i = 0; i < part_durations.size(); ++i) out->parts.push_back(HlsPart{part_durations[i], i == 0, {}});
  return out;
}

}  // namespace

TEST_CASE("containers/hls playlist: durations are written in seconds with exactly three decimals", "[containers][hls]") {
  CHECK(seconds_text(0) == "0.000");
  CHECK(seconds_text(1) == "0.001");
  CHECK(seconds_text(1000) == "1.000");
  CHECK(seconds_text(1333) == "1.333");
  CHECK(seconds_text(12050) == "12.050");
}

TEST_CASE("containers/hls playlist: a live window: version, target duration, media sequence, one entry per segment", "[containers][hls]") {
  const std::vector<std::shared_ptr<const HlsSegment>> window{segment(7, 1000), segment(8, 1001), segment(9, 999)};
  HlsPlaylistState state;
  state.segments = window;
  state.next_sequence = 10;
  state.target_duration_s = 2;
  CHECK(render_media_playlist(state, HlsNaming{}) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:3\n"
        "#EXT-X-TARGETDURATION:2\n"
        "#EXT-X-MEDIA-SEQUENCE:7\n"
        "#EXTINF:1.000,\nsegment_7.ts\n"
        "#EXTINF:1.001,\nsegment_8.ts\n"
        "#EXTINF:0.999,\nsegment_9.ts\n");
}

TEST_CASE("containers/hls playlist: discontinuities are tagged, their count written, the end marked", "[containers][hls]") {
  const std::vector<std::shared_ptr<const HlsSegment>> window{segment(3, 1000), segment(4, 1000, true)};
  HlsPlaylistState state;
  state.segments = window;
  state.next_sequence = 5;
  state.any_discontinuity = true;
  state.discontinuity_sequence = 2;
  state.ended = true;
  HlsNaming naming;
  naming.segment_uri = [](uint64_t sequence) { return "/hls/key/" + std::to_string(sequence) + ".ts"; };
  CHECK(render_media_playlist(state, naming) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:3\n"
        "#EXT-X-TARGETDURATION:1\n"
        "#EXT-X-MEDIA-SEQUENCE:3\n"
        "#EXT-X-DISCONTINUITY-SEQUENCE:2\n"
        "#EXTINF:1.000,\n/hls/key/3.ts\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXTINF:1.000,\n/hls/key/4.ts\n"
        "#EXT-X-ENDLIST\n");
}

TEST_CASE("containers/hls playlist: an empty playlist starts at the next sequence number", "[containers][hls]") {
  HlsPlaylistState state;
  state.next_sequence = 12;
  CHECK(render_media_playlist(state, HlsNaming{}).find("#EXT-X-MEDIA-SEQUENCE:12\n") != std::string::npos);
}

TEST_CASE("containers/hls playlist: low latency: recent parts, the open segment's parts and a preload hint", "[containers][hls]") {
  // Target 1 s: parts are listed for segments ending less than 3 s from the live edge.
  const std::vector<std::shared_ptr<const HlsSegment>> window{
      segment(0, 1000, false, {500, 500}), segment(1, 1000, false, {500, 500}), segment(2, 1000, false, {500, 500}),
      segment(3, 1000, true, {500, 500})};
  const std::vector<HlsPart> open{HlsPart{500, true, {}}};
  HlsPlaylistState state;
  state.segments = window;
  state.next_sequence = 4;
  state.any_discontinuity = true;
  state.low_latency = HlsPlaylistState::LowLatency{500, open, false};
  CHECK(render_media_playlist(state, HlsNaming{}) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:6\n"
        "#EXT-X-TARGETDURATION:1\n"
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500\n"
        "#EXT-X-PART-INF:PART-TARGET=0.500\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
        "#EXTINF:1.000,\nsegment_0.ts\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_1_0.ts\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_1_1.ts\"\n"
        "#EXTINF:1.000,\nsegment_1.ts\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_2_0.ts\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_2_1.ts\"\n"
        "#EXTINF:1.000,\nsegment_2.ts\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_3_0.ts\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_3_1.ts\"\n"
        "#EXTINF:1.000,\nsegment_3.ts\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"part_4_0.ts\",INDEPENDENT=YES\n"
        "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_4_1.ts\"\n");

  state.ended = true;  // an ended stream has nothing to hint at
  const auto ended = render_media_playlist(state, HlsNaming{});
  CHECK(ended.ends_with("segment_3.ts\n#EXT-X-ENDLIST\n"));
  CHECK(ended.find("PRELOAD-HINT") == std::string::npos);
}
