// The whole HLS output of real H.264/AAC (made by the ffmpeg program) as a player sees
// it: the playlist and segments written to a directory are played by `ffmpeg` and
// counted by `ffprobe` without a decoding error, plain and low latency; and the
// segments' concatenation demuxes with every frame, keyframes at segment starts.
#include "mmids-core/containers/hls_segmenter.hpp"
#include "tests/unit/containers/support/libav_demux.hpp"
#include "tests/unit/containers/support/media_fixture.hpp"
#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace mmids;
using namespace mmids::containers;
using namespace mmids::testing;
using namespace std::chrono_literals;

namespace {

HlsSegmenter segment_fixture(HlsSegmenterOptions options) {
  HlsSegmenter segmenter(std::move(options));
  for (const auto& notification : media_fixture(FixtureKind::AudioVideo).notifications) {
    REQUIRE_FALSE(segmenter.push(notification).is_problem());
  }
  segmenter.finish();
  return segmenter;
}

void write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Writes the playlist and its segments; returns the playlist's path.
std::string write_hls(const HlsSegmenter& segmenter, const TempDir& dir) {
  const auto playlist = dir.path() / "playlist.m3u8";
  const auto& text = *segmenter.playlist();
  write_file(playlist, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  for (const auto& segment : segmenter.segments()) {
    write_file(dir.path() / ("segment_" + std::to_string(segment->sequence) + ".ts"), segment->to_bytes());
  }
  return playlist.string();
}

void check_plays(const HlsSegmenter& segmenter) {
  TempDir dir;
  const auto playlist = write_hls(segmenter, dir);
  const auto errors = dir.path() / "errors.txt";
  const std::string play = "ffmpeg -nostdin -v error -i '" + playlist + "' -f null - 2>'" + errors.string() + "'";
  CHECK(std::system(play.c_str()) == 0);
  CHECK(read_text(errors).empty());
  const auto count = dir.path() / "count.txt";
  const std::string probe = "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                            "-of csv=p=0 '" + playlist + "' >'" + count.string() + "'";
  REQUIRE(std::system(probe.c_str()) == 0);
  // HLS shows its streams twice (in the program and on their own): the first line counts.
  const auto counted = read_text(count);
  CHECK(counted.substr(0, counted.find('\n')) == std::to_string(media_fixture(FixtureKind::AudioVideo).video_frames));
}

}  // namespace

TEST_CASE("containers/hls: ffmpeg plays the HLS of a real stream and decodes every frame", "[containers][hls][ffmpeg]") {
  const auto segmenter = segment_fixture({});
  // Keyframes every second of a three-second stream: three segments of about a second.
  REQUIRE(segmenter.segments().size() == 3);
  uint32_t total = 0;
  for (const auto& segment : segmenter.segments()) {
    CHECK(segment->duration_ms == Approx(1000).margin(70));
    total += segment->duration_ms;
  }
  CHECK(total == Approx(3000).margin(70));
  CHECK(segmenter.playlist()->ends_with("#EXT-X-ENDLIST\n"));
  check_plays(segmenter);
}

TEST_CASE("containers/hls: ffmpeg plays a low-latency HLS playlist too", "[containers][hls][ffmpeg]") {
  const auto segmenter = segment_fixture({.low_latency = HlsLowLatencyOptions{250ms}});
  CHECK(segmenter.playlist()->find("#EXT-X-PART:") != std::string::npos);
  check_plays(segmenter);
}

TEST_CASE("containers/hls: the concatenated segments demux with every frame, keyframes first in each", "[containers][hls][libav]") {
  const auto& fixture = media_fixture(FixtureKind::AudioVideo);
  const auto segmenter = segment_fixture({});
  std::vector<uint8_t> all;
  std::vector<size_t> segment_first_video;  // index of each segment's first video packet
  size_t video_so_far = 0;
  for (const auto& segment : segmenter.segments()) {
    const auto bytes = segment->to_bytes();
    segment_first_video.push_back(video_so_far);
    video_so_far += demux_memory(bytes, "mpegts").packets_of("video").size();
    all.insert(all.end(), bytes.begin(), bytes.end());
  }
  const auto demuxed = demux_memory(all, "mpegts");
  REQUIRE(demuxed.error.empty());
  const auto video = demuxed.packets_of("video");
  CHECK(video.size() == fixture.video_frames);
  CHECK(demuxed.packets_of("audio").size() == fixture.audio_frames);
  for (size_t first : segment_first_video) {
    REQUIRE(first < video.size());
    CHECK(video[first].keyframe);
  }
}
