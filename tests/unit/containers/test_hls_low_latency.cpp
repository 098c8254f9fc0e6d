// Low-Latency HLS in the segmenter: segments built from parts cut at the part target,
// independent parts at keyframes, part lookups in open and closed segments, the playlist's
// parts and preload hint, and blocking reload (_HLS_msn / _HLS_part): ready, pending,
// too far ahead, told when it arrives, cancelled, released when the stream ends.
#include "mmids-core/containers/hls_segmenter.hpp"
#include "tests/unit/containers/support/synthetic_media.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::containers;
using namespace mmids::testing;
using namespace std::chrono_literals;

namespace {

HlsSegmenter low_latency_segmenter() {
  return HlsSegmenter(HlsSegmenterOptions{.low_latency = HlsLowLatencyOptions{200ms}});
}

void feed(HlsSegmenter& segmenter, const std::vector<media::MediaNotification>& notifications) {
  for (const auto& notification : notifications) REQUIRE_FALSE(segmenter.push(notification).is_problem());
}

}  // namespace

TEST_CASE("containers/ll-hls: low latency segments are made of parts cut at the part target", "[containers][hls]") {
  auto segmenter = low_latency_segmenter();
  feed(segmenter, synthetic_stream({.duration_ms = 2500}));
  REQUIRE(segmenter.segments().size() == 2);
  for (const auto& segment : segmenter.segments()) {
    REQUIRE(segment->parts.size() == 5);
    uint32_t total = 0;
    for (size_t i = 0; i < segment->parts.size(); ++i) {
      CHECK(segment->parts[i].duration_ms == 200);
      CHECK(segment->parts[i].independent == (i == 0));  // only the first starts at a keyframe
      CHECK(segment->parts[i].bytes.size() % 188 == 0);
      total += segment->parts[i].duration_ms;
    }
    CHECK(total == segment->duration_ms);
    CHECK(segment->spans().size() == 5);  // the segment is its parts, not a copy of them
  }
  // The open segment (from 2000 ms) has finished two parts so far.
  CHECK(segmenter.part(2, 1).has_value());
  CHECK_FALSE(segmenter.part(2, 2).has_value());
  REQUIRE(segmenter.part(1, 4).has_value());
  CHECK(segmenter.part(1, 4)->bytes.shares_storage_with(segmenter.segment(1)->parts[4].bytes));
  CHECK_FALSE(segmenter.part(1, 5).has_value());
  const auto playlist = *segmenter.playlist();
  CHECK(playlist.find("#EXT-X-PART-INF:PART-TARGET=0.200\n") != std::string::npos);
  CHECK(playlist.find("#EXT-X-PART:DURATION=0.200,URI=\"part_2_0.ts\",INDEPENDENT=YES\n"
                      "#EXT-X-PART:DURATION=0.200,URI=\"part_2_1.ts\"\n"
                      "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_2_2.ts\"\n") != std::string::npos);
}

TEST_CASE("containers/ll-hls: audio-only parts are all independent", "[containers][hls]") {
  auto segmenter = low_latency_segmenter();
  feed(segmenter, synthetic_stream({.duration_ms = 1500, .video = false}));
  REQUIRE(segmenter.segments().size() == 1);
  for (const auto& part : segmenter.segments()[0]->parts) CHECK(part.independent);
}

TEST_CASE("containers/ll-hls: blocking reload: ready, pending, too far ahead", "[containers][hls]") {
  auto segmenter = low_latency_segmenter();
  feed(segmenter, synthetic_stream({.duration_ms = 2500}));
  CHECK(segmenter.reload_state(1) == HlsSegmenter::Reload::Ready);
  CHECK(segmenter.reload_state(2, 1) == HlsSegmenter::Reload::Ready);
  CHECK(segmenter.reload_state(2, 2) == HlsSegmenter::Reload::Pending);
  CHECK(segmenter.reload_state(2) == HlsSegmenter::Reload::Pending);
  CHECK(segmenter.reload_state(3) == HlsSegmenter::Reload::Pending);
  CHECK(segmenter.reload_state(4) == HlsSegmenter::Reload::TooFarAhead);
}

TEST_CASE("containers/ll-hls: a parked reload is told once, when its part arrives", "[containers][hls]") {
  auto segmenter = low_latency_segmenter();
  feed(segmenter, synthetic_stream({.duration_ms = 2500, .audio = false}));
  int told = 0;
  int told_cancelled = 0;
  int told_at_once = 0;
  CHECK(segmenter.wait_for(2, 2, [&] {
    ++told;
    CHECK(segmenter.part(2, 2).has_value());  // the state is whole when waiters hear of it
  }) != 0);
  const auto cancelled = segmenter.wait_for(3, std::nullopt, [&] { ++told_cancelled; });
  CHECK(segmenter.wait_for(1, std::nullopt, [&] { ++told_at_once; }) == 0);
  CHECK(told_at_once == 1);
  segmenter.cancel_wait(cancelled);

  feed(segmenter, {avc_frame(2566, false)});  // part 2 started at 2400: not done yet
  CHECK(told == 0);
  feed(segmenter, {avc_frame(2600, false)});
  CHECK(told == 1);
  // Keyframes at 3029 and 4085 close segments 2 and 3: the cancelled waiter stays silent.
  for (uint32_t k = 1; k <= 46; ++k) feed(segmenter, {avc_frame(2600 + 33 * k, k == 13 || k == 45)});
  CHECK(segmenter.next_sequence() == 4);
  CHECK(told == 1);
  CHECK(told_cancelled == 0);
}

TEST_CASE("containers/ll-hls: the end of a stream releases every parked reload", "[containers][hls]") {
  auto segmenter = low_latency_segmenter();
  feed(segmenter, synthetic_stream({.duration_ms = 1500}));
  int told = 0;
  segmenter.wait_for(2, 0, [&] { ++told; });
  segmenter.wait_for(2, std::nullopt, [&] { ++told; });
  segmenter.finish();
  CHECK(told == 2);
  CHECK(segmenter.reload_state(9) == HlsSegmenter::Reload::Ready);  // an ended playlist never changes
}

TEST_CASE("containers/ll-hls: parked reloads are bounded: past the limit a request is answered at once", "[containers][hls]") {
  HlsSegmenter segmenter(HlsSegmenterOptions{.low_latency = HlsLowLatencyOptions{}, .max_waiters = 2});
  feed(segmenter, synthetic_stream({.duration_ms = 500}));
  int told = 0;
  for (int i = 0; i < 3; ++i) segmenter.wait_for(1, std::nullopt, [&] { ++told; });
  CHECK(told == 1);
}
