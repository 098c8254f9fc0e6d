// The generated stream of `mmids-bench publish`: bitrate, GOP, timestamps, stamps.
#include "tools/bench/stream/generated_stream.hpp"

#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/codecs/h264.hpp"
#include "mmids-core/media/tag_inspection.hpp"
#include "tools/bench/stream/latency_stamp.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::bench;

TEST_CASE("bench generated stream reaches its bitrate with a keyframe every GOP", "[bench][generated]") {
  auto shape = make_generated_stream({500, 64, 30, 1.0});
  REQUIRE(shape.ok());
  GeneratedTags tags(*shape);

  REQUIRE(tags.sequence_headers().size() == 2);
  CHECK(media::inspect_video_tag(tags.sequence_headers()[0].body.span()).is_sequence_header);
  CHECK(media::inspect_audio_tag(tags.sequence_headers()[1].body.span()).is_sequence_header);
  auto video_header = media::flv::read_video_tag(tags.sequence_headers()[0].body.span());
  REQUIRE(video_header.ok());
  auto avcc = media::h264::parse_avcc(video_header->data);
  REQUIRE(avcc.ok());
  CHECK(avcc->nalu_length_size == 4);
  CHECK_FALSE(tags.metadata().empty());

  uint64_t bytes = 0, video = 0, audio = 0, keyframes = 0;
  uint32_t last = 0;
  while (tags.next_timestamp() < 10000) {
    auto tag = tags.take(123456789);
    CHECK(tag.timestamp_ms >= last);
    last = tag.timestamp_ms;
    bytes += tag.body.size();
    if (tag.kind == media::MediaKind::Audio) {
      ++audio;
      continue;
    }
    const auto facts = media::inspect_video_tag(tag.body.span());
    if (video % 30 == 0) CHECK(facts.is_keyframe);
    if (facts.is_keyframe) ++keyframes;
    CHECK(read_latency_stamp(tag.body.span()) == 123456789ULL);
    auto nalus = media::h264::split_length_prefixed(media::flv::read_video_tag(tag.body.span())->data, 4);
    REQUIRE(nalus.ok());
    CHECK(nalus->size() == 2);  // the stamp's SEI and the slice
    ++video;
  }
  CHECK(video == 300);
  CHECK(keyframes == 10);
  CHECK(audio == Approx(430).margin(2));
  CHECK(static_cast<double>(bytes) * 8 / 10 / 1000 == Approx(500).epsilon(0.03));
}

TEST_CASE("bench generated stream without audio, and its option checks", "[bench][generated]") {
  auto shape = make_generated_stream({300, 0, 25, 2.0});
  REQUIRE(shape.ok());
  GeneratedTags tags(*shape);
  CHECK(tags.sequence_headers().size() == 1);
  for (int i = 0; i < 100; ++i) CHECK(tags.take(0).kind == media::MediaKind::Video);
  CHECK((*shape)->gop_frames == 50);

  CHECK_FALSE(make_generated_stream({64, 64, 30, 1}).ok());  // nothing left for video
  CHECK_FALSE(make_generated_stream({500, 64, 0, 1}).ok());
  CHECK_FALSE(make_generated_stream({500, 64, 30, 0}).ok());
}
