// mmids-bench: the project's load and latency tool (thin wiring; the work is in
// tools/bench/, described in bench/README.md).
#include "mmids-core/logging/log.hpp"
#include "tools/bench/cli/command_line.hpp"
#include "tools/bench/measure/report.hpp"

#include <unistd.h>

#include <csignal>
#include <iostream>

int main(int argc, char* argv[]) {
  using namespace mmids;
  using Mode = bench::BenchCommand::Mode;
  auto command = bench::parse_bench_command(argc, argv, isatty(STDERR_FILENO) == 1);
  if (!command.ok()) {
    std::cerr << "mmids-bench: " << command.error() << "\n";
    return 2;
  }
  if (command->mode == Mode::Help) {
    std::cout << command->usage;
    return 0;
  }
  if (command->mode == Mode::Version) {
    std::cout << "mmids-bench " << MMIDS_VERSION << "\n";
    return 0;
  }
  try {
    log::init(command->log_level);
  } catch (const std::exception& e) {
    std::cerr << "mmids-bench: " << e.what() << "\n";
    return 2;
  }
  // A server that resets a connection must not kill the whole run.
  std::signal(SIGPIPE, SIG_IGN);

  Result<bench::Json> summary = Error("no run");
  switch (command->mode) {
    case Mode::Play: summary = bench::run_play(command->play); break;
    case Mode::Publish: summary = bench::run_publish(command->publish); break;
    case Mode::Lookup: summary = bench::run_lookup(command->lookup); break;
    case Mode::Idle: summary = bench::run_idle(command->idle); break;
    default: break;
  }
  if (!summary.ok()) {
    std::cerr << "mmids-bench: " << summary.error() << "\n";
    return 1;
  }
  if (command->json) {
    std::cout << summary->dump(2) << "\n";
  } else {
    std::cout << bench::render_text(*summary);
  }
  return 0;
}
