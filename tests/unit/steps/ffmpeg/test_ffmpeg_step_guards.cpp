// What the ffmpeg steps refuse and survive: unsafe stream names never reach a path or an
// argument list, a missing ffmpeg is logged on every try without stopping the workflow,
// and bad arguments are StepArgumentErrors naming the argument. A stand-in ffmpeg (a
// script that writes down its arguments, then sleeps) shows exactly what would run.
#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <regex>

using namespace mmids;
using namespace std::chrono_literals;
using mmids::testing::FfmpegTestNode;
using mmids::testing::LogCapture;
using mmids::testing::TempDir;
using Args = std::vector<std::string>;

namespace {

// A script standing in for ffmpeg: writes its arguments, one per line, to
// <dir>/args.<pid>, then waits to be stopped.
std::string write_fake_ffmpeg(const TempDir& dir) {
  const auto script = dir.path() / "fake-ffmpeg";
  std::ofstream(script) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" << dir.str()
                        << "/args.$$.tmp\"\nmv \"" << dir.str() << "/args.$$.tmp\" \"" << dir.str()
                        << "/args.$$\"\nexec sleep 30\n";
  chmod(script.c_str(), 0755);
  return script.string();
}

struct Run {
  pid_t pid = 0;
  Args arguments;
};

// Every run of the fake ffmpeg so far.
std::vector<Run> fake_runs(const TempDir& dir) {
  std::vector<Run> runs;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename();
    if (name.rfind("args.", 0) != 0 || name.find(".tmp") != std::string::npos) continue;
    Run run;
    run.pid = static_cast<pid_t>(std::stol(name.substr(5)));
    std::ifstream file(entry.path());
    for (std::string line; std::getline(file, line);) run.arguments.push_back(line);
    runs.push_back(run);
  }
  return runs;
}

void emit(const std::string& source, const media::MediaNotification& notification) {
  testing::step(source).emit(notification);
}

std::string feed_url_pattern(const FfmpegTestNode& node, const std::string& kind, media::StreamId id) {
  return "rtmp://127\\.0\\.0\\.1:" + std::to_string(node.port) + "/ffmpeg-" + kind + "-[0-9a-f]{16}/stream-" +
         std::to_string(id);
}

}  // namespace

TEST_CASE("ffmpeg_hls runs no ffmpeg for a stream whose name is not safe as a file name", "[ffmpeg-steps]") {
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node(write_fake_ffmpeg(dir));
  const auto hls_dir = dir.path() / "hls";
  node.upsert("workflow names {\n test_source name=names_source\n ffmpeg_hls path=" + hls_dir.string() +
              "\n test_sink name=names_sink\n}\n");
  REQUIRE(node.run_until([&] { return node.running("names"); }, 2s));

  const std::vector<std::string> bad_names = {"../evil", "..", ".", "", "a b", "a/b", "x;rm -rf ~", "$(id)",
                                              std::string(129, 'a'), "caf\xc3\xa9", "line\nbreak"};
  for (const auto& name : bad_names) emit("names_source", media::NewStream{media::next_stream_id(), name});
  node.run_for(800ms);
  CHECK(fake_runs(dir).empty());
  CHECK(log.count_containing("gets no HLS", spdlog::level::warn) == bad_names.size());
  CHECK(log.count_containing("stream '../evil' gets no HLS") == 1);
  CHECK(log.count_containing("line\\x0abreak") == 1);  // never a raw line break in the log
  // They still pass through the step unchanged.
  CHECK(testing::step("names_sink").received.size() == bad_names.size());

  const media::StreamId good = media::next_stream_id();
  emit("names_source", media::NewStream{good, "good-1.cam"});
  REQUIRE(node.run_until([&] { return fake_runs(dir).size() == 1; }, 5s));
  const Run run = fake_runs(dir).front();
  REQUIRE(run.arguments.size() == 15);
  CHECK(run.arguments[0] == "-i");
  CHECK_THAT(run.arguments[1], Catch::Matches(feed_url_pattern(node, "hls", good)));
  CHECK(Args(run.arguments.begin() + 2, run.arguments.end()) ==
        Args{"-vcodec", "copy", "-acodec", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0",
             (hls_dir / "good-1.cam.m3u8").string(), "-y", "-nostats"});
  CHECK(testing::process_exists(run.pid));

  // The stream ends: its ffmpeg is stopped and reaped.
  emit("names_source", media::StreamDisconnected{good});
  CHECK(node.run_until([&] { return !testing::process_exists(run.pid); }, 5s));
}

TEST_CASE("ffmpeg_hls with stream_name= writes under that name whatever the stream is called", "[ffmpeg-steps]") {
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node(write_fake_ffmpeg(dir));
  node.upsert("workflow named {\n test_source name=named_source\n ffmpeg_hls path=" + dir.str() +
              " stream_name=fixed duration=6 count=5\n}\n");
  REQUIRE(node.run_until([&] { return node.running("named"); }, 2s));
  emit("named_source", media::NewStream{media::next_stream_id(), "../not used"});
  REQUIRE(node.run_until([&] { return fake_runs(dir).size() == 1; }, 5s));
  const Args arguments = fake_runs(dir).front().arguments;
  CHECK(Args(arguments.end() - 8, arguments.end()) ==
        Args{"hls", "-hls_time", "6", "-hls_list_size", "5", (dir.path() / "fixed.m3u8").string(), "-y", "-nostats"});
}

TEST_CASE("ffmpeg_push and ffmpeg_transcode never put a stream's name in ffmpeg's arguments", "[ffmpeg-steps]") {
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node(write_fake_ffmpeg(dir));
  node.upsert("workflow both {\n test_source name=both_source\n ffmpeg_push target=rtmp://127.0.0.1:9/x/y\n"
              " ffmpeg_transcode vcodec=h264 acodec=aac size=320x240 kbps=500 h264_preset=ultrafast\n"
              " test_sink name=both_sink\n}\n");
  REQUIRE(node.run_until([&] { return node.running("both"); }, 2s));

  const media::StreamId id = media::next_stream_id();
  emit("both_source", media::NewStream{id, "../evil name"});
  REQUIRE(node.run_until([&] { return fake_runs(dir).size() == 2; }, 5s));
  const auto runs = fake_runs(dir);
  const Run& push = runs[0].arguments[3] == "copy" ? runs[0] : runs[1];
  const Run& transcode = runs[0].arguments[3] == "copy" ? runs[1] : runs[0];
  for (const auto& run : runs)
    for (const auto& argument : run.arguments) CHECK(argument.find("evil") == std::string::npos);

  REQUIRE(push.arguments.size() == 11);
  CHECK_THAT(push.arguments[1], Catch::Matches(feed_url_pattern(node, "push", id)));
  CHECK(Args(push.arguments.begin() + 2, push.arguments.end()) ==
        Args{"-vcodec", "copy", "-acodec", "copy", "-f", "flv", "rtmp://127.0.0.1:9/x/y", "-y", "-nostats"});

  REQUIRE(transcode.arguments.size() == 21);
  CHECK_THAT(transcode.arguments[1], Catch::Matches(feed_url_pattern(node, "transcode", id)));
  // ffmpeg publishes the result to the step's second private app under the same key.
  const std::string result_url = transcode.arguments[1].substr(0, transcode.arguments[1].rfind('/')) + "-out/stream-" +
                                 std::to_string(id);
  CHECK(Args(transcode.arguments.begin() + 2, transcode.arguments.end()) ==
        Args{"-vcodec", "libx264", "-preset", "ultrafast", "-b:v", "500K", "-minrate", "500K", "-maxrate", "500K",
             "-vf", "scale=320:240", "-acodec", "aac", "-f", "flv", result_url, "-y", "-nostats"});

  // Until ffmpeg publishes its result, nothing of the stream leaves the transcode step.
  node.run_for(200ms);
  CHECK(testing::step("both_sink").received.empty());

  emit("both_source", media::StreamDisconnected{id});
  CHECK(node.run_until(
      [&] { return !testing::process_exists(push.pid) && !testing::process_exists(transcode.pid); }, 5s));
  CHECK(testing::step("both_sink").received.empty());
}

TEST_CASE("a missing ffmpeg is an error in the log on every try, and the workflow keeps running", "[ffmpeg-steps]") {
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node("/nonexistent/ffmpeg");
  node.upsert("workflow missing {\n test_source name=missing_source\n ffmpeg_hls path=" + dir.str() + "\n}\n");
  REQUIRE(node.run_until([&] { return node.running("missing"); }, 2s));
  const media::StreamId id = media::next_stream_id();
  emit("missing_source", media::NewStream{id, "cam"});
  const std::string error = "[workflow=missing step=ffmpeg_hls stream=cam] cannot start /nonexistent/ffmpeg: No such file";
  // Tries at 0, 0.5 and 1.5 s.
  REQUIRE(node.run_until([&] { return log.count_containing(error, spdlog::level::err) >= 3; }, 4s));
  CHECK(node.running("missing"));

  emit("missing_source", media::StreamDisconnected{id});
  const size_t tries = log.count_containing(error);
  node.run_for(2500ms);
  CHECK(log.count_containing(error) == tries);  // no stream, no more tries
}

TEST_CASE("bad ffmpeg step arguments are StepArgumentErrors naming the argument", "[ffmpeg-steps]") {
  LogCapture log;
  TempDir dir;
  FfmpegTestNode node;
  struct Case {
    std::string type;
    config::Parameters parameters;
    std::string named;
  };
  const std::string path = dir.str();
  const std::vector<Case> cases = {
      {"ffmpeg_transcode", {{"acodec", "aac"}}, "'vcodec' is required"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}}, "'acodec' is required"},
      {"ffmpeg_transcode", {{"vcodec", "vp9"}, {"acodec", "aac"}}, "'vcodec'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "mp3"}}, "'acodec'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"size", "320"}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"size", "320x"}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"size", "wxh"}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"size", "321x240"}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"kbps", "fast"}}, "'kbps'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"kbps", "0"}}, "'kbps'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"kbps", "-5"}}, "'kbps'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"h264_preset", "quick"}}, "'h264_preset'"},
      {"ffmpeg_transcode", {{"vcodec", "copy"}, {"acodec", "aac"}, {"size", "320x240"}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "copy"}, {"acodec", "aac"}, {"kbps", "500"}}, "'kbps'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"size", std::nullopt}}, "'size'"},
      {"ffmpeg_transcode", {{"vcodec", "h264"}, {"acodec", "aac"}, {"bitrate", "5"}}, "'bitrate'"},
      {"ffmpeg_hls", {}, "'path' is required"},
      {"ffmpeg_hls", {{"path", ""}}, "'path'"},
      {"ffmpeg_hls", {{"path", path}, {"duration", "x"}}, "'duration'"},
      {"ffmpeg_hls", {{"path", path}, {"duration", "0"}}, "'duration'"},
      {"ffmpeg_hls", {{"path", path}, {"count", "-1"}}, "'count'"},
      {"ffmpeg_hls", {{"path", path}, {"count", "many"}}, "'count'"},
      {"ffmpeg_hls", {{"path", path}, {"stream_name", "../x"}}, "'stream_name'"},
      {"ffmpeg_hls", {{"path", path}, {"stream_name", ""}}, "'stream_name'"},
      {"ffmpeg_push", {}, "'target' is required"},
      {"ffmpeg_push", {{"target", "http://host/app/key"}}, "'target'"},
      {"ffmpeg_push", {{"target", "rtmp://"}}, "'target'"},
      {"ffmpeg_push", {{"target", "rtmp:///app/key"}}, "'target'"},
      {"ffmpeg_push", {{"target", "rtmp://host/app key"}}, "'target'"},
      {"ffmpeg_push", {{"target", "rtmp://host/app"}, {"port", "1"}}, "'port'"},
  };
  for (const auto& c : cases) {
    config::StepDefinition definition;
    definition.type = c.type;
    definition.parameters = c.parameters;
    INFO(definition.describe());
    const auto* factory = node.registry.find(c.type);
    REQUIRE(factory);
    workflows::StepContext context(node.io, log::Fields(), "w");
    try {
      (*factory)(definition, context);
      FAIL("accepted");
    } catch (const workflows::StepArgumentError& error) {
      CHECK_THAT(error.what(), Catch::Contains(c.named));
    }
  }
}

TEST_CASE("a workflow with a bad ffmpeg step argument is in error naming the step and the argument",
          "[ffmpeg-steps]") {
  LogCapture log;
  FfmpegTestNode node;
  node.upsert("workflow bad {\n test_source name=bad_source\n ffmpeg_transcode vcodec=vp9 acodec=aac\n}\n");
  node.run_for(100ms);
  const auto* workflow = node.workflow("bad");
  REQUIRE(workflow);
  CHECK(workflow->state() == workflows::WorkflowState::Error);
  CHECK_THAT(workflow->view().status, Catch::Contains("ffmpeg_transcode") && Catch::Contains("'vcodec'"));
}
