// The GOP cache gives a joining viewer metadata, sequence headers and the frames since
// the last keyframe, and never a GOP it could not start from.
#include "mmids-core/media/gop_cache.hpp"
#include "mmids-core/media/tag_inspection.hpp"

#include <catch2/catch.hpp>

using namespace mmids::media;

namespace {

MediaPayload video(uint32_t ts, bool key, bool header = false, size_t bytes = 10) {
  std::vector<uint8_t> body(bytes, 0);
  body[0] = key ? 0x17 : 0x27;
  body[1] = header ? 0 : 1;
  return make_payload(1, MediaKind::Video, ts, SharedBuffer::adopt(std::move(body)));
}

MediaPayload audio(uint32_t ts, bool header = false) {
  std::vector<uint8_t> body{0xaf, static_cast<uint8_t>(header ? 0 : 1), 0x12};
  return make_payload(1, MediaKind::Audio, ts, SharedBuffer::adopt(std::move(body)));
}

std::vector<MediaNotification> contents(const GopCache& cache) {
  std::vector<MediaNotification> out;
  cache.replay([&](const MediaNotification& n) { out.push_back(n); });
  return out;
}

uint32_t ts(const MediaNotification& n) { return std::get<MediaPayload>(n).timestamp_ms; }

}  // namespace

TEST_CASE("the cache holds metadata, sequence headers and the current GOP in order", "[media][gop]") {
  GopCache cache;
  cache.add(StreamMetadata{1, SharedBuffer::copy_of(std::string_view("meta"))});
  cache.add(video(0, true, true));
  cache.add(audio(0, true));
  cache.add(video(0, true));
  cache.add(audio(10));
  cache.add(video(33, false));
  cache.add(video(66, true));  // a new GOP replaces the old one
  cache.add(audio(70));
  cache.add(video(99, false));

  auto got = contents(cache);
  REQUIRE(got.size() == 6);
  CHECK(std::holds_alternative<StreamMetadata>(got[0]));
  CHECK(std::get<MediaPayload>(got[1]).is_sequence_header);
  CHECK(std::get<MediaPayload>(got[2]).is_sequence_header);
  CHECK(std::get<MediaPayload>(got[3]).is_keyframe);
  CHECK(ts(got[3]) == 66);
  CHECK(ts(got[4]) == 70);
  CHECK(ts(got[5]) == 99);
}

TEST_CASE("frames before the first keyframe are not cached", "[media][gop]") {
  GopCache cache;
  cache.add(video(0, false));
  cache.add(audio(5));
  CHECK(cache.frame_count() == 0);
  cache.add(video(33, true));
  CHECK(cache.frame_count() == 1);
}

TEST_CASE("a GOP over the bounds is dropped whole until the next keyframe", "[media][gop]") {
  GopCache cache(GopCache::Limits{100, 1000});
  cache.add(video(0, true, false, 40));
  cache.add(video(33, false, false, 40));
  CHECK(cache.frame_count() == 2);
  cache.add(video(66, false, false, 40));  // 120 bytes: over
  CHECK(cache.frame_count() == 0);
  cache.add(video(99, false, false, 10));  // still no keyframe
  CHECK(cache.frame_count() == 0);
  cache.add(video(132, true, false, 10));
  CHECK(cache.frame_count() == 1);
}

TEST_CASE("with gop_cache off only metadata and sequence headers are kept", "[media][gop]") {
  GopCache cache(GopCache::Limits{}, /*keep_frames=*/false);
  cache.add(video(0, true, true));
  cache.add(video(0, true));
  cache.add(audio(0));
  auto got = contents(cache);
  REQUIRE(got.size() == 1);
  CHECK(std::get<MediaPayload>(got[0]).is_sequence_header);
}
