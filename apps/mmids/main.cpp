// mmids: one node of the cluster (workflow engine, RTMP server, reactors, HTTP API).
//   mmids --config FILE      run a node (default ./mmids.config)
//   mmids --check FILE       validate a config: print every problem (exit 1) or a summary
//   mmids --version
#include "mmids-core/common/asio.hpp"
#include "mmids-core/config/parser.hpp"
#include "mmids-core/logging/init.hpp"
#include "mmids-core/logging/log.hpp"
#include "node/config_check.hpp"
#include "node/node.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;
using namespace mmids;

namespace {

int run_node(const std::string& config_path) {
  auto checked = node::check_config_file(config_path);
  for (const auto& warning : checked.warnings) spdlog::warn("{}", warning);
  for (const auto& problem : checked.step_errors) spdlog::error("{}", problem);
  if (!checked.errors.empty()) {
    for (const auto& error : checked.errors) spdlog::error("{}", error);
    spdlog::critical("{}: {} problem(s); the node does not start", config_path, checked.errors.size());
    return 1;
  }
  asio::io_context io(1);
  std::unique_ptr<node::Node> started;
  try {
    started = std::make_unique<node::Node>(io, std::move(checked.config), std::move(checked.settings));
    started->start();
  } catch (const std::exception& error) {
    spdlog::critical("cannot start: {}", error.what());
    return 1;
  }
  node::Node& node = *started;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    spdlog::info("signal {} received: stopping", signal_number);
    node.stop();
    // Let the steps' close handlers run, then leave.
    asio::post(io, [&io] { io.stop(); });
  });
  spdlog::info("mmids {} started from {}", MMIDS_VERSION, config_path);
  io.run();
  spdlog::info("stopped");
  return 0;
}

int check_only(const std::string& config_path) {
  spdlog::set_level(spdlog::level::warn);  // the report is the output; building reactors would chatter
  auto checked = node::check_config_file(config_path);
  for (const auto& warning : checked.warnings) std::printf("%s\n", warning.c_str());
  for (const auto& error : checked.errors) std::printf("%s\n", error.c_str());
  for (const auto& error : checked.step_errors) std::printf("%s\n", error.c_str());
  const size_t problems = checked.errors.size() + checked.step_errors.size();
  if (problems > 0) {
    std::printf("%s: %zu error(s)\n", config_path.c_str(), problems);
    return 1;
  }
  std::printf("%s: OK: %s\n", config_path.c_str(), node::summarize(checked.config).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("mmids options");
  options.add_options()
      ("help,h", "show this help")
      ("version", "print the version and exit")
      ("config,c", po::value<std::string>()->default_value("./mmids.config"), "node config file to run")
      ("check", po::value<std::string>(), "validate a config file: print every problem and exit 1, or a summary and exit 0")
      ("log-level", po::value<std::string>()->default_value("info"), "trace, debug, info, warn, error, critical or off")
      ("log-format", po::value<std::string>()->default_value("text"), "text, or json: one JSON object per line for log shippers");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    po::notify(args);
    log::init(args["log-level"].as<std::string>(), args["log-format"].as<std::string>());
  } catch (const std::exception& error) {
    std::cerr << "mmids: " << error.what() << "\n" << options;
    return 2;
  }
  if (args.count("help")) {
    std::cout << options;
    return 0;
  }
  if (args.count("version")) {
    std::cout << "mmids " << MMIDS_VERSION << "\n";
    return 0;
  }
  if (args.count("check")) return check_only(args["check"].as<std::string>());
  return run_node(args["config"].as<std::string>());
}
