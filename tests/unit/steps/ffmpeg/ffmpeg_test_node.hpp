#pragma once
// A tiny node for the ffmpeg step tests: an RtmpServer on 127.0.0.1 whose
// internal_rtmp_port is a free port, a WorkflowManager with rtmp_receive, rtmp_watch,
// the ffmpeg steps and the test steps registered, run on the test's thread in slices
// while real programs (ffmpeg publishers, ffprobe) run beside it.
#include "mmids-core/process/child_process.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "steps/builtin_steps.hpp"
#include "tests/unit/process/process_test_support.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmids::testing {

// A port nobody listens on right now.
uint16_t free_tcp_port();

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Whether `program` can be run (on PATH or as a path).
bool have_program(const std::string& program);

class FfmpegTestNode {
 public:
  explicit FfmpegTestNode(std::string ffmpeg_path = "ffmpeg");
  ~FfmpegTestNode();

  // Creates or updates a workflow from config text (`workflow NAME { ... }`); `{port}`
  // in the text is replaced by the node's RTMP port.
  void upsert(std::string workflow_text);
  [[nodiscard]] const workflows::Workflow* workflow(const std::string& name) const;
  [[nodiscard]] bool running(const std::string& name) const;

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return testing::run_until(io, done, timeout);
  }
  void run_for(std::chrono::milliseconds duration) { testing::run_for(io, duration); }

  // A background program (a publisher, a player), stopped when the handle goes.
  struct Program {
    std::unique_ptr<process::ChildProcess> process;
    std::shared_ptr<std::optional<process::ExitStatus>> exit = std::make_shared<std::optional<process::ExitStatus>>();
    std::shared_ptr<std::vector<std::string>> stdout_lines = std::make_shared<std::vector<std::string>>();
    [[nodiscard]] bool finished() const { return exit->has_value(); }
  };
  Program start_program(const std::string& program, std::vector<std::string> arguments);
  // Runs a program to its end (or the timeout) while the node serves; its stdout lines.
  std::vector<std::string> run_program(const std::string& program, std::vector<std::string> arguments,
                                       std::chrono::milliseconds timeout);

  // ffmpeg publishing a 640x360 30 fps test pattern with a tone (H.264/AAC, a keyframe
  // a second) for `seconds` to rtmp://127.0.0.1:{port}/APP/KEY.
  Program publish_test_pattern(const std::string& app, const std::string& key, int seconds);
  // "WIDTH,HEIGHT" of the first few video frames ffprobe decodes from `url`.
  std::vector<std::string> probe_frame_sizes(const std::string& url, std::chrono::milliseconds timeout);

  [[nodiscard]] std::string rtmp_url(const std::string& app, const std::string& key) const;

  asio::io_context io;
  uint16_t port = 0;
  settings::NodeSettings settings;
  std::unique_ptr<rtmp::RtmpServer> server;
  workflows::StepRegistry registry;
  std::unique_ptr<workflows::WorkflowManager> workflows;
  std::unique_ptr<steps::StepServices> services;
};

}  // namespace mmids::testing
