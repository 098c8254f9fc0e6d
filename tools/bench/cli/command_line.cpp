#include "tools/bench/cli/command_line.hpp"

#include "mmids-core/net/address.hpp"
#include "tools/bench/cli/url_template.hpp"

#include <boost/program_options.hpp>

#include <sstream>

namespace mmids::bench {
namespace {

namespace po = boost::program_options;

constexpr const char* kOverview = R"(mmids-bench: load and latency tool for RTMP servers (mmids, nginx-rtmp, ...)

  mmids-bench play URL -n N [-r RAMP] [-d SECONDS] [options]
      N players of URL: time to Play.Start, to the first video message (and whether it
      was a sequence header or a keyframe), to the first keyframe; bytes, frames, stalls
      (gaps > 1 s), delivered bitrate, failures by cause; the latency of frames stamped
      by `mmids-bench publish` (same machine).
  mmids-bench publish URL -n N --bitrate KBPS [--file F] [options]
      N publishers of a generated H.264/AAC stream (latency-stamped) or of an FLV file,
      looped.
  mmids-bench lookup URL -c CONNS -d SECONDS [--route watcher|publisher] [--streams K]
      keep-alive POSTs to a lookup server's /watcher_lookup or /publisher_lookup.
  mmids-bench idle HOST:PORT -n N [-d SECONDS]
      N TCP connections that never send a byte.

  In play and publish URLs, {n} (or %d) is replaced by the client's index modulo
  --streams: distinct keys. The run lasts --duration from its first connect; rates,
  latency and server CPU count from --warmup to the end. A progress line is drawn on
  stderr when it is a terminal.

)";

struct Values {
  std::string target;
  size_t clients = 1;
  size_t streams = 0;
  double ramp = 0;
  double duration = 10;
  double warmup = 0;
  size_t threads = 1;
  std::vector<int> pids;
  long timeout_ms = 10000;
  std::string route = "watcher";
  uint32_t bitrate = 1000;
  uint32_t audio_kbps = 64;
  uint32_t fps = 30;
  double gop = 1;
  std::string file;
};

po::options_description common_options(Values& v) {
  po::options_description options("Options of every mode");
  // clang-format off
  options.add_options()
    ("help,h", "print this help and exit")
    ("duration,d", po::value(&v.duration), "seconds the run lasts (default 10)")
    ("warmup", po::value(&v.warmup), "seconds before the measured window opens (default 0)")
    ("ramp,r", po::value(&v.ramp), "connections started per second (default: all at once)")
    ("threads", po::value(&v.threads), "io threads the clients are spread over (default 1)")
    ("pid", po::value(&v.pids)->composing(), "a server process to measure over the window: CPU seconds, RSS growth (repeatable)")
    ("timeout", po::value(&v.timeout_ms), "milliseconds: connect until Play/Publish.Start, media silence, a request (default 10000)")
    ("json", "print the summary as JSON")
    ("log-level", po::value<std::string>()->default_value("warn"), "the connections' log lines on stderr: trace .. off");
  // clang-format on
  return options;
}

const char* mode_name(BenchCommand::Mode mode) {
  using Mode = BenchCommand::Mode;
  return mode == Mode::Play ? "play" : mode == Mode::Publish ? "publish" : mode == Mode::Lookup ? "lookup" : "idle";
}

po::options_description mode_options(BenchCommand::Mode mode, Values& v) {
  po::options_description options(std::string("Options of ") + mode_name(mode));
  using Mode = BenchCommand::Mode;
  if (mode == Mode::Play || mode == Mode::Publish || mode == Mode::Idle) {
    options.add_options()("clients,n", po::value(&v.clients), "connections (default 1)");
  }
  if (mode == Mode::Play || mode == Mode::Publish) {
    options.add_options()("streams", po::value(&v.streams), "distinct keys: {n} runs over 0..K-1 (default: one per client)");
  }
  if (mode == Mode::Publish) {
    // clang-format off
    options.add_options()
      ("bitrate", po::value(&v.bitrate), "generated stream, total kbit/s (default 1000)")
      ("audio-kbps", po::value(&v.audio_kbps), "of which AAC audio (default 64; 0: video only)")
      ("fps", po::value(&v.fps), "video frames per second (default 30)")
      ("gop", po::value(&v.gop), "seconds between keyframes (default 1)")
      ("file", po::value(&v.file), "publish this FLV file, looped, instead of the generated stream");
    // clang-format on
  }
  if (mode == Mode::Lookup) {
    // clang-format off
    options.add_options()
      ("connections,c", po::value(&v.clients), "keep-alive connections (default 1)")
      ("route", po::value(&v.route), "watcher or publisher (default watcher)")
      ("streams", po::value(&v.streams), "distinct stream names, bench-lookup-0..K-1 (default 100)");
    // clang-format on
  }
  return options;
}

Result<BenchCommand::Mode> mode_of(std::string_view word) {
  using Mode = BenchCommand::Mode;
  if (word == "play") return Mode::Play;
  if (word == "publish") return Mode::Publish;
  if (word == "lookup") return Mode::Lookup;
  if (word == "idle") return Mode::Idle;
  if (word == "help" || word == "--help" || word == "-h") return Mode::Help;
  if (word == "--version") return Mode::Version;
  return Error("unknown mode '" + std::string(word) + "': play, publish, lookup or idle (see --help)");
}

Result<FleetOptions> fleet_options(const Values& v, bool progress) {
  if (v.clients < 1) return Error("at least one client");
  if (v.threads < 1 || v.threads > 64) return Error("--threads must be from 1 to 64");
  if (!(v.duration > 0)) return Error("--duration must be above 0");
  if (!(v.warmup >= 0 && v.warmup < v.duration)) return Error("--warmup must be from 0 to below --duration");
  if (!(v.ramp >= 0)) return Error("--ramp must not be negative");
  if (v.timeout_ms < 1) return Error("--timeout must be at least 1 ms");
  return FleetOptions{v.clients, v.threads, v.ramp, std::chrono::duration<double>(v.duration),
                      std::chrono::duration<double>(v.warmup), v.pids, progress};
}

Status fill(BenchCommand& command, const Values& v, bool progress) {
  auto fleet = fleet_options(v, progress);
  if (!fleet.ok()) return std::move(fleet).take_error();
  const std::chrono::milliseconds timeout(v.timeout_ms);
  using Mode = BenchCommand::Mode;
  if (command.mode == Mode::Play || command.mode == Mode::Publish) {
    auto urls = client_urls(v.target, v.clients, v.streams);
    if (!urls.ok()) return std::move(urls).take_error();
    if (command.mode == Mode::Play) {
      command.play = {v.target, std::move(urls).value(), *fleet, timeout};
    } else {
      command.publish = {v.target, std::move(urls).value(), *fleet, {v.bitrate, v.audio_kbps, v.fps, v.gop}, v.file,
                         timeout};
    }
  } else if (command.mode == Mode::Lookup) {
    command.lookup = {v.target, v.route, v.streams == 0 ? 100 : v.streams, *fleet, timeout};
  } else {
    auto address = net::parse_host_port(v.target);
    if (!address.ok()) return Error("bad HOST:PORT: " + address.error());
    command.idle = {address->host, address->port.value_or(1935), *fleet, timeout};
  }
  return {};
}

}  // namespace

Result<BenchCommand> parse_bench_command(int argc, const char* const argv[], bool progress) {
  BenchCommand command;
  Values values;
  {
    std::ostringstream usage;
    usage << kOverview;
    using Mode = BenchCommand::Mode;
    for (auto mode : {Mode::Play, Mode::Publish, Mode::Lookup, Mode::Idle}) {
      Values ignored;
      usage << mode_options(mode, ignored) << "\n";
    }
    Values ignored;
    usage << common_options(ignored);
    command.usage = usage.str();
  }
  if (argc < 2) return command;
  auto mode = mode_of(argv[1]);
  if (!mode.ok()) return std::move(mode).take_error();
  command.mode = *mode;
  if (command.mode == BenchCommand::Mode::Help || command.mode == BenchCommand::Mode::Version) return command;

  po::options_description options;
  options.add(mode_options(command.mode, values)).add(common_options(values));
  po::options_description hidden;
  hidden.add_options()("target", po::value(&values.target));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("target", 1);
  po::variables_map map;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(positional).run(), map);
    po::notify(map);
  } catch (const po::error& e) {
    return Error(std::string(e.what()) + " (see --help)");
  }
  if (map.count("help")) {
    command.mode = BenchCommand::Mode::Help;
    return command;
  }
  if (values.target.empty()) return Error(std::string(argv[1]) + " needs a target (see --help)");
  command.json = map.count("json") > 0;
  command.log_level = map["log-level"].as<std::string>();
  if (auto status = fill(command, values, progress); !status.ok()) return std::move(status).take_error();
  return command;
}

}  // namespace mmids::bench
