// The ffmpeg steps with real ffmpeg over loopback RTMP: a test pattern published into
// rtmp_receive comes out as HLS, as a transcode at another size, and as a push into a
// second receiver; a killed ffmpeg is started again. Seconds each.
#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <sstream>

using namespace mmids;
using namespace std::chrono_literals;
using mmids::testing::FfmpegTestNode;
using mmids::testing::LogCapture;
using mmids::testing::TempDir;

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

bool have_ffmpeg() { return testing::have_program("ffmpeg") && testing::have_program("ffprobe"); }

}  // namespace

TEST_CASE("ffmpeg_hls writes a playlist ffprobe reads at the published size", "[ffmpeg-steps][live]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg or ffprobe not installed: skipped");
    return;
  }
  LogCapture log;
  TempDir dir;
  const auto hls_dir = dir.path() / "made" / "by" / "step";  // created by the step
  FfmpegTestNode node;
  node.upsert("workflow hls {\n rtmp_receive rtmp_app=in stream_key=* port={port}\n ffmpeg_hls path=" +
              hls_dir.string() + " duration=1\n}\n");
  REQUIRE(node.run_until([&] { return node.running("hls"); }, 2s));
  CHECK(std::filesystem::is_directory(hls_dir));

  auto publisher = node.publish_test_pattern("in", "cam", 8);
  const auto playlist = hls_dir / "cam.m3u8";
  REQUIRE(node.run_until([&] { return count_of(read_text(playlist), "#EXTINF") >= 2; }, 20s));

  const auto sizes = node.run_program(
      "ffprobe", {"-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0",
                  playlist.string()},
      20s);
  REQUIRE_FALSE(sizes.empty());
  CHECK(sizes.front() == "640,360");
  // ffmpeg's own output went to the log under the step and the stream.
  CHECK(log.count_containing("[workflow=hls step=ffmpeg_hls stream=cam pid=") > 0);

  // The publisher leaves: the step stops its ffmpeg, which ends the playlist.
  publisher.process->stop();
  REQUIRE(node.run_until([&] { return testing::processes_with_argument(playlist.string()).empty(); }, 10s));
  CHECK(count_of(read_text(playlist), "#EXT-X-ENDLIST") == 1);
}

TEST_CASE("ffmpeg_transcode sends on the stream at the new size under the input's id", "[ffmpeg-steps][live]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg or ffprobe not installed: skipped");
    return;
  }
  LogCapture log;
  FfmpegTestNode node;
  node.upsert(
      "workflow transcode {\n rtmp_receive rtmp_app=in stream_key=* port={port}\n test_pass name=before_transcode\n"
      " ffmpeg_transcode vcodec=h264 acodec=aac size=320x240 h264_preset=ultrafast\n"
      " rtmp_watch rtmp_app=out stream_key=* port={port}\n}\n");
  REQUIRE(node.run_until([&] { return node.running("transcode"); }, 2s));
  std::vector<media::MediaNotification> output;
  auto subscription =
      node.workflows->subscribe_output("transcode", [&](const media::MediaNotification& n) { output.push_back(n); });

  auto publisher = node.publish_test_pattern("in", "cam", 20);
  auto video_count = [&] {
    return std::count_if(output.begin(), output.end(), [](const media::MediaNotification& n) {
      const auto* payload = std::get_if<media::MediaPayload>(&n);
      return payload && payload->is_video();
    });
  };
  REQUIRE(node.run_until([&] { return video_count() >= 10; }, 20s));

  const auto& input = testing::step("before_transcode").received;
  REQUIRE_FALSE(input.empty());
  const auto* input_stream = std::get_if<media::NewStream>(&input.front());
  REQUIRE(input_stream);
  const auto* output_stream = std::get_if<media::NewStream>(&output.front());
  REQUIRE(output_stream);
  CHECK(output_stream->id == input_stream->id);
  CHECK(output_stream->name == "cam");
  for (const auto& n : output) CHECK(media::stream_id_of(n) == input_stream->id);

  const auto sizes = node.probe_frame_sizes(node.rtmp_url("out", "cam"), 20s);
  REQUIRE_FALSE(sizes.empty());
  for (const auto& size : sizes) CHECK(size == "320,240");

  publisher.process->stop();
  REQUIRE(node.run_until(
      [&] { return !output.empty() && std::holds_alternative<media::StreamDisconnected>(output.back()); }, 10s));
}

TEST_CASE("ffmpeg_push delivers the stream to another RTMP receiver", "[ffmpeg-steps][live]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg or ffprobe not installed: skipped");
    return;
  }
  LogCapture log;
  FfmpegTestNode node;
  node.upsert("workflow pushed {\n rtmp_receive rtmp_app=pushed stream_key=* port={port}\n"
              " rtmp_watch rtmp_app=pushed_out stream_key=* port={port}\n}\n");
  node.upsert("workflow push {\n rtmp_receive rtmp_app=in stream_key=* port={port}\n ffmpeg_push target=" +
              node.rtmp_url("pushed", "copy_of_cam") + "\n test_sink name=after_push\n}\n");
  REQUIRE(node.run_until([&] { return node.running("push") && node.running("pushed"); }, 2s));
  std::vector<media::MediaNotification> arrived;
  auto subscription =
      node.workflows->subscribe_output("pushed", [&](const media::MediaNotification& n) { arrived.push_back(n); });

  auto publisher = node.publish_test_pattern("in", "cam", 20);
  REQUIRE(node.run_until([&] { return arrived.size() >= 20; }, 20s));
  const auto* started = std::get_if<media::NewStream>(&arrived.front());
  REQUIRE(started);
  CHECK(started->name == "copy_of_cam");

  const auto sizes = node.probe_frame_sizes(node.rtmp_url("pushed_out", "copy_of_cam"), 20s);
  REQUIRE_FALSE(sizes.empty());
  for (const auto& size : sizes) CHECK(size == "640,360");

  // Everything passed through the push step unchanged.
  const auto& passed = testing::step("after_push").received;
  REQUIRE_FALSE(passed.empty());
  const auto* passed_stream = std::get_if<media::NewStream>(&passed.front());
  REQUIRE(passed_stream);
  CHECK(passed_stream->name == "cam");
  CHECK(std::count_if(passed.begin(), passed.end(), [](const media::MediaNotification& n) {
          return std::holds_alternative<media::MediaPayload>(n);
        }) > 20);
}

TEST_CASE("a killed ffmpeg is started again while its stream lives", "[ffmpeg-steps][live]") {
  if (!have_ffmpeg()) {
    WARN("ffmpeg or ffprobe not installed: skipped");
    return;
  }
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node;
  node.upsert("workflow restart {\n rtmp_receive rtmp_app=in stream_key=* port={port}\n ffmpeg_hls path=" +
              dir.str() + " duration=1\n}\n");
  REQUIRE(node.run_until([&] { return node.running("restart"); }, 2s));
  auto publisher = node.publish_test_pattern("in", "cam", 30);
  const std::string playlist = (dir.path() / "cam.m3u8").string();

  std::vector<pid_t> first;
  REQUIRE(node.run_until(
      [&] {
        first = testing::processes_with_argument(playlist);
        return !first.empty();
      },
      10s));
  REQUIRE(first.size() == 1);
  node.run_for(500ms);
  const auto killed_at = std::filesystem::file_time_type::clock::now();
  REQUIRE(::kill(first.front(), SIGKILL) == 0);

  std::vector<pid_t> second;
  REQUIRE(node.run_until(
      [&] {
        second = testing::processes_with_argument(playlist);
        return !second.empty() && second.front() != first.front();
      },
      5s));
  CHECK(second.size() == 1);
  CHECK(log.count_containing("[workflow=restart step=ffmpeg_hls stream=cam] ffmpeg (pid " +
                                 std::to_string(first.front()) + ") ended with signal 9",
                             spdlog::level::warn) == 1);
  // The new one works: it writes the playlist again.
  CHECK(node.run_until(
      [&] {
        std::error_code error;
        const auto written = std::filesystem::last_write_time(playlist, error);
        return !error && written > killed_at && count_of(read_text(playlist), "#EXTINF") >= 1;
      },
      10s));
  publisher.process->stop();
  CHECK(node.run_until([&] { return testing::processes_with_argument(playlist).empty(); }, 10s));
}
