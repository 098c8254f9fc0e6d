#pragma once
// mmids-bench's command line: the mode, then its URL and options, checked and turned into
// the options of the run (every client URL parsed up front, so a typo fails before the
// first connection).
#include "mmids-core/common/result.hpp"
#include "tools/bench/load/idle_run.hpp"
#include "tools/bench/load/lookup_run.hpp"
#include "tools/bench/load/play_run.hpp"
#include "tools/bench/load/publish_run.hpp"

#include <string>

namespace mmids::bench {

struct BenchCommand {
  enum class Mode { Help, Version, Play, Publish, Lookup, Idle };
  Mode mode = Mode::Help;
  bool json = false;              // the summary as JSON on stdout
  std::string log_level = "warn";  // the project's connection logs, on stderr
  std::string usage;              // the --help text
  PlayOptions play;
  PublishOptions publish;
  LookupOptions lookup;
  IdleOptions idle;
};

// `progress`: whether runs draw the live progress line (stderr is a terminal).
[[nodiscard]] Result<BenchCommand> parse_bench_command(int argc, const char* const argv[], bool progress);

}  // namespace mmids::bench
