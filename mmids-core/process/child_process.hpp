#pragma once
// process/: child programs driven by the io_context. ChildProcess runs one program from
// an argument vector (never through a shell), logs its stdout and stderr line by line
// with the owner's fields, notices its exit, and on stop sends SIGTERM (optionally after
// letting it finish by itself), then SIGKILL after a grace, and reaps it even when its owner is already gone (no zombies).
// process_supervisor.hpp keeps one running with a restart backoff.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/logging/log.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::process {

enum class OutputStream { Stdout, Stderr };

// How a child ended.
struct ExitStatus {
  int code = -1;   // the exit code when it exited on its own, else -1
  int signal = 0;  // the signal that ended it, 0 when it exited on its own
  [[nodiscard]] bool success() const { return signal == 0 && code == 0; }
  [[nodiscard]] std::string describe() const;  // "exit code 1", "signal 9 (Killed)"
};

struct ProcessOptions {
  std::string program;                 // a path, or a name looked up on PATH
  std::vector<std::string> arguments;  // argv[1..], passed as they are
  log::Fields fields;                  // every output line is logged after these (and pid=)
  spdlog::level::level_enum output_level = spdlog::level::info;
  // On stop: first this long for the child to end by itself (its input was closed, say,
  // and it is writing its trailer), then SIGTERM, then SIGKILL after stop_grace.
  std::chrono::milliseconds finish_grace{0};
  std::chrono::milliseconds stop_grace{3000};  // between SIGTERM and SIGKILL
  size_t max_line_bytes = 4096;                // longer lines are logged in pieces
  // Optional: also called for every output line (without the line break) until stop().
  std::function<void(OutputStream stream, std::string_view line)> on_line;
};

// One run of one program. The child gets /dev/null as stdin, pipes as stdout and
// stderr, no other inherited descriptor, default signal dispositions, and its own
// process group (signals reach the program and anything it started).
// Use on the io_context's thread only.
class ChildProcess {
 public:
  using ExitHandler = std::function<void(const ExitStatus& status)>;

  ChildProcess(asio::io_context& io, ProcessOptions options);
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Spawns the program once. Returns why it could not start (e.g. "No such file or
  // directory"; then on_exit is never called), or an empty string. on_exit runs once,
  // on the io thread, after the child exited and its output was logged.
  [[nodiscard]] std::string start(ExitHandler on_exit);
  // SIGTERM now (or after finish_grace), SIGKILL after stop_grace; reaped in the
  // background. Neither on_exit nor on_line is called after this. Idempotent.
  void stop();

  [[nodiscard]] bool running() const;  // started, not yet reaped
  [[nodiscard]] int pid() const;        // 0 before start or after a failed start

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mmids::process
