// LibavPullSource on files ffmpeg makes for the test: MP4 (avcC, raw AAC) and MPEG-TS
// (Annex-B, ADTS) come out as FLV tags with sequence headers first, paced at real time,
// looping with timestamps still rising; stop() is prompt even mid-read, and a missing
// file is reported. One pull goes through a node to a player. Seconds each.
#include "steps/ffmpeg_pull/ffmpeg_pull_step.hpp"
#include "steps/ffmpeg_pull/libav_pull_source.hpp"
#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>

using namespace mmids;
using namespace std::chrono_literals;
using mmids::testing::TempDir;

namespace {

struct Tag {
  media::MediaKind kind;
  uint32_t timestamp;
  std::vector<uint8_t> body;
};

// Everything a source reported, and how many reports came after stop().
struct Recorder {
  int started = 0;
  std::vector<Tag> tags;
  std::optional<std::string> ended;
  bool stopped = false;
  int after_stop = 0;

  steps::PullSource::Handlers handlers() {
    steps::PullSource::Handlers h;
    h.on_started = [this] { note(), ++started; };
    h.on_media = [this](media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body) {
      note();
      tags.push_back({kind, timestamp, {body.data(), body.data() + body.size()}});
    };
    h.on_ended = [this](const std::string& reason) { note(), ended = reason; };
    return h;
  }
  void note() {
    if (stopped) ++after_stop;
  }
  [[nodiscard]] std::vector<Tag> of(media::MediaKind kind) const {
    std::vector<Tag> out;
    for (const auto& tag : tags)
      if (tag.kind == kind) out.push_back(tag);
    return out;
  }
  [[nodiscard]] uint32_t last_video_timestamp() const {
    auto video = of(media::MediaKind::Video);
    return video.empty() ? 0 : video.back().timestamp;
  }
};

// A 1 second 320x240 30 fps H.264 + AAC file, keyframe every half second.
std::string make_media(const TempDir& dir, const std::string& name) {
  const auto path = (dir.path() / name).string();
  const std::string command =
      "ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i sine -t 1 -c:v libx264 -g 15 "
      "-c:a aac '" + path + "' </dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  return path;
}

bool non_decreasing(const std::vector<Tag>& tags) {
  for (size_t i = 1; i < tags.size(); ++i)
    if (tags[i].timestamp < tags[i - 1].timestamp) return false;
  return true;
}

void check_pulls_and_loops(const std::string& file) {
  asio::io_context io;
  Recorder recorder;
  steps::LibavPullSource source(io, file);
  source.start(recorder.handlers());

  // Paced at real time: after half a second, not much more than half the file is out.
  testing::run_for(io, 500ms);
  CHECK(recorder.started == 1);
  CHECK(recorder.last_video_timestamp() < 900);
  REQUIRE(testing::run_until(io, [&] { return recorder.of(media::MediaKind::Video).size() >= 3; }, 5s));

  auto video = recorder.of(media::MediaKind::Video);
  REQUIRE(video[0].body.size() > 5);
  CHECK(video[0].body[0] == 0x17);  // keyframe, AVC
  CHECK(video[0].body[1] == 0);     // sequence header
  CHECK(video[0].body[5] == 1);     // avcC configurationVersion
  CHECK(video[1].body[0] == 0x17);  // then a keyframe
  CHECK(video[1].body[1] == 1);
  auto audio = recorder.of(media::MediaKind::Audio);
  REQUIRE(audio.size() >= 2);
  // AAC LC, 44.1 kHz, mono (an MP4's config may add an SBR sync extension after that).
  REQUIRE(audio[0].body.size() >= 4);
  CHECK(std::vector<uint8_t>(audio[0].body.begin(), audio[0].body.begin() + 4) ==
        std::vector<uint8_t>{0xAF, 0, 0x12, 0x08});
  CHECK(audio[1].body[0] == 0xAF);
  CHECK(audio[1].body[1] == 1);
  CHECK(video[0].timestamp < 100);  // starts near 0

  // Beyond the file's length it is still delivering, later than the file lasts: it looped.
  REQUIRE(testing::run_until(io, [&] { return recorder.last_video_timestamp() > 1600; }, 4s));
  CHECK_FALSE(recorder.ended);
  CHECK(non_decreasing(recorder.of(media::MediaKind::Video)));
  CHECK(non_decreasing(recorder.of(media::MediaKind::Audio)));
  size_t keyframes = 0;
  for (const auto& tag : recorder.of(media::MediaKind::Video)) keyframes += tag.body[0] == 0x17 && tag.body[1] == 1;
  CHECK(keyframes >= 3);

  const auto before = std::chrono::steady_clock::now();
  source.stop();
  recorder.stopped = true;
  CHECK(std::chrono::steady_clock::now() - before < 500ms);
  testing::run_for(io, 200ms);
  CHECK(recorder.after_stop == 0);
}

bool have_ffmpeg() { return testing::have_program("ffmpeg"); }

}  // namespace

TEST_CASE("an MP4 file is pulled as FLV tags, paced, and loops", "[ffmpeg-pull]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg not installed: skipped");
    return;
  }
  TempDir dir;
  check_pulls_and_loops(make_media(dir, "clip.mp4"));
}

TEST_CASE("an MPEG-TS file (Annex-B H.264, ADTS AAC) is pulled as FLV tags and loops", "[ffmpeg-pull]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg not installed: skipped");
    return;
  }
  TempDir dir;
  check_pulls_and_loops(make_media(dir, "clip.ts"));
}

TEST_CASE("a missing file ends the pull with libavformat's reason", "[ffmpeg-pull]") {
  asio::io_context io;
  Recorder recorder;
  steps::LibavPullSource source(io, "/nonexistent/dir/clip.mp4");
  source.start(recorder.handlers());
  REQUIRE(testing::run_until(io, [&] { return recorder.ended.has_value(); }, 5s));
  CHECK(recorder.ended->find("No such file or directory") != std::string::npos);
  CHECK(recorder.started == 0);
  CHECK(recorder.tags.empty());
}

TEST_CASE("stop() interrupts a pull blocked in libavformat and joins it promptly", "[ffmpeg-pull]") {
  asio::io_context io;
  Recorder recorder;
  // libavformat waits here for a peer that never comes.
  steps::LibavPullSource source(io, "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port()) + "?listen=1");
  source.start(recorder.handlers());
  testing::run_for(io, 300ms);
  const auto before = std::chrono::steady_clock::now();
  source.stop();
  recorder.stopped = true;
  CHECK(std::chrono::steady_clock::now() - before < 1s);
  testing::run_for(io, 100ms);
  CHECK(recorder.after_stop == 0);
  CHECK_FALSE(recorder.ended);
  source.stop();  // twice is harmless
}

TEST_CASE("a local file location is recognised as one, a URL is not", "[ffmpeg-pull]") {
  CHECK(steps::LibavPullSource::is_local_file("/tmp/a.mp4"));
  CHECK(steps::LibavPullSource::is_local_file("file:/tmp/a.mp4"));
  CHECK_FALSE(steps::LibavPullSource::is_local_file("https://example.com/a.m3u8"));
  CHECK_FALSE(steps::LibavPullSource::is_local_file("srt://127.0.0.1:9000"));
}

TEST_CASE("ffmpeg_pull of a file reaches a player through rtmp_watch", "[ffmpeg-pull][live]") {
  if (!have_ffmpeg() || !testing::have_program("ffprobe")) {
    WARN("ffmpeg or ffprobe not installed: skipped");
    return;
  }
  TempDir dir;
  const auto file = make_media(dir, "clip.mp4");
  testing::FfmpegTestNode node;
  // The shared test node registers no ffmpeg_pull: added here, on the node's services.
  node.registry.add("ffmpeg_pull", [&node](const config::StepDefinition& definition, workflows::StepContext context) {
    return steps::FfmpegPullStep::create(definition, std::move(context), *node.services);
  });
  node.upsert("workflow pull {\n ffmpeg_pull location=" + file +
              " stream_name=s\n rtmp_watch rtmp_app=watch stream_key=* port={port}\n}\n");
  REQUIRE(node.run_until([&] { return node.running("pull"); }, 2s));
  const auto sizes = node.probe_frame_sizes(node.rtmp_url("watch", "s"), 20s);
  REQUIRE_FALSE(sizes.empty());
  CHECK(sizes.front() == "320,240");
}
