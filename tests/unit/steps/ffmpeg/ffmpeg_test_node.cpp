#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"

#include "mmids-core/config/parser.hpp"
#include "steps/ffmpeg_hls/ffmpeg_hls_step.hpp"
#include "steps/ffmpeg_push/ffmpeg_push_step.hpp"
#include "steps/ffmpeg_transcode/ffmpeg_transcode_step.hpp"
#include "steps/rtmp_receive/rtmp_receive_step.hpp"
#include "steps/rtmp_watch/rtmp_watch_step.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <random>

namespace mmids::testing {

uint16_t free_tcp_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("mmids-ffmpeg-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool have_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

FfmpegTestNode::FfmpegTestNode(std::string ffmpeg_path) : port(free_tcp_port()) {
  settings.ffmpeg_path = std::move(ffmpeg_path);
  settings.bind_address = "127.0.0.1";
  settings.internal_rtmp_port = port;
  rtmp::RtmpServerOptions options;
  options.bind_address = "127.0.0.1";
  server = std::make_unique<rtmp::RtmpServer>(io, std::move(options));
  workflows = std::make_unique<workflows::WorkflowManager>(io, registry);
  services = std::make_unique<steps::StepServices>(steps::StepServices{io, settings, *workflows, server.get(), nullptr});
  auto bind = [this](auto create) {
    return [this, create](const config::StepDefinition& definition, workflows::StepContext context) {
      return create(definition, std::move(context), *services);
    };
  };
  registry.add("rtmp_receive", bind(&steps::RtmpReceiveStep::create));
  registry.add("rtmp_watch", bind(&steps::RtmpWatchStep::create));
  registry.add("ffmpeg_push", bind(&steps::FfmpegPushStep::create));
  registry.add("ffmpeg_hls", bind(&steps::FfmpegHlsStep::create));
  registry.add("ffmpeg_transcode", bind(&steps::FfmpegTranscodeStep::create));
  register_test_steps(registry);
}

FfmpegTestNode::~FfmpegTestNode() {
  workflows->stop_all();
  run_for(std::chrono::milliseconds(300));  // steps close, ffmpeg processes get their SIGTERM and end
  workflows.reset();
  services.reset();
  server.reset();
}

void FfmpegTestNode::upsert(std::string workflow_text) {
  for (size_t at = workflow_text.find("{port}"); at != std::string::npos; at = workflow_text.find("{port}")) {
    workflow_text.replace(at, 6, std::to_string(port));
  }
  auto parsed = config::parse_workflows(workflow_text, "test");
  INFO(workflow_text);
  REQUIRE(parsed.ok());
  for (auto& definition : parsed.config.workflows) workflows->upsert(definition);
}

const workflows::Workflow* FfmpegTestNode::workflow(const std::string& name) const { return workflows->find(name); }

bool FfmpegTestNode::running(const std::string& name) const {
  const auto* found = workflow(name);
  return found && found->state() == workflows::WorkflowState::Running;
}

FfmpegTestNode::Program FfmpegTestNode::start_program(const std::string& program, std::vector<std::string> arguments) {
  Program started;
  process::ProcessOptions options;
  options.program = program;
  options.arguments = std::move(arguments);
  options.fields = log::Fields().with("test-program", program);
  options.stop_grace = std::chrono::milliseconds(1000);
  options.on_line = [lines = started.stdout_lines](process::OutputStream stream, std::string_view line) {
    if (stream == process::OutputStream::Stdout) lines->emplace_back(line);
  };
  started.process = std::make_unique<process::ChildProcess>(io, std::move(options));
  const std::string error =
      started.process->start([exit = started.exit](const process::ExitStatus& status) { *exit = status; });
  INFO(error);
  REQUIRE(error.empty());
  return started;
}

std::vector<std::string> FfmpegTestNode::run_program(const std::string& program, std::vector<std::string> arguments,
                                                     std::chrono::milliseconds timeout) {
  Program started = start_program(program, std::move(arguments));
  run_until([&] { return started.finished(); }, timeout);
  return *started.stdout_lines;
}

FfmpegTestNode::Program FfmpegTestNode::publish_test_pattern(const std::string& app, const std::string& key,
                                                             int seconds) {
  return start_program("ffmpeg", {"-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi", "-i",
                                  "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine", "-c:v", "libx264",
                                  "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-c:a", "aac", "-t",
                                  std::to_string(seconds), "-f", "flv", rtmp_url(app, key)});
}

std::vector<std::string> FfmpegTestNode::probe_frame_sizes(const std::string& url, std::chrono::milliseconds timeout) {
  auto lines = run_program("ffprobe", {"-v", "error", "-rw_timeout", "15000000", "-select_streams", "v:0", "-show_entries",
                                 "frame=width,height", "-read_intervals", "%+#5", "-of", "csv=p=0", url},
                           timeout);
  // A frame's line may end in an empty column (its side data).
  for (auto& line : lines)
    while (!line.empty() && line.back() == ',') line.pop_back();
  return lines;
}

std::string FfmpegTestNode::rtmp_url(const std::string& app, const std::string& key) const {
  return "rtmp://127.0.0.1:" + std::to_string(port) + "/" + app + "/" + key;
}

}  // namespace mmids::testing
