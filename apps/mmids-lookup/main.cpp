// mmids-lookup: the lookup server of the dynamic RTMP load-balancing cluster (thin wiring;
// the work is in lookup-server/, described in lookup-server/README.md).
#include "lookup-server/command_line.hpp"
#include "lookup-server/service.hpp"
#include "lookup-server/store.hpp"
#include "lookup-server/token_command.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/server.hpp"
#include "mmids-core/logging/init.hpp"
#include "mmids-core/logging/log.hpp"

#include <csignal>
#include <iostream>
#include <string_view>

int main(int argc, char* argv[]) {
  using namespace mmids;
  if (argc > 1 && std::string_view(argv[1]) == "token") {
    return lookup::run_token_command(argc - 1, argv + 1, std::cout, std::cerr);
  }
  lookup::CommandLine command_line;
  try {
    command_line = lookup::parse_command_line(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "mmids-lookup: " << e.what() << "\n";
    return 2;
  }
  if (command_line.help) {
    std::cout << command_line.usage;
    return 0;
  }
  if (command_line.version) {
    std::cout << "mmids-lookup " << MMIDS_VERSION << "\n";
    return 0;
  }
  const auto& config = command_line.config;
  if (command_line.check) {
    std::cout << "mmids-lookup: configuration is valid\n";
    return 0;
  }

  try {
    log::init(config.log_level, config.log_format);
    asio::io_context io;
    auto store = lookup::make_store(io, config);
    lookup::LookupService service(io, config, store);

    http::ServerOptions options;
    options.address = config.listen_address;
    options.port = config.listen_port;
    options.max_body_bytes = config.max_body_bytes;
    options.max_header_bytes = config.max_header_bytes;
    options.max_connections = config.max_connections;
    if (!config.tls_cert.empty()) options.tls = http::make_server_tls_context(config.tls_cert, config.tls_key);
    http::Server server(io, service.router(), options);
    server.start();

    std::string host = options.address.find(':') != std::string::npos ? "[" + options.address + "]" : options.address;
    spdlog::info("mmids-lookup {} listening on {}://{}:{} (store {}, publisher ttl {} s)", MMIDS_VERSION,
                 options.tls ? "https" : "http", host, server.port(), store->describe(),
                 config.publisher_ttl.count());

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("mmids-lookup: signal {} received, stopping", signal);
      server.stop();
      io.stop();
    });
    io.run();
  } catch (const std::exception& e) {
    spdlog::critical("mmids-lookup: {}", e.what());
    return 1;
  }
  return 0;
}
