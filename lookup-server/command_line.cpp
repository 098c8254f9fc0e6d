#include "lookup-server/command_line.hpp"

#include "mmids-core/signing/secret_file.hpp"

#include <boost/program_options.hpp>

#include <fstream>
#include <sstream>

namespace mmids::lookup {

namespace po = boost::program_options;

CommandLine parse_command_line(int argc, const char* const argv[]) {
  po::options_description options("mmids-lookup [--config FILE.toml] [flags]; flags override the file");
  // clang-format off
  options.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("check", "validate the configuration and exit (0 = valid)")
    ("config,c", po::value<std::string>(), "TOML config file (see configs/lookup.toml)")
    ("listen", po::value<std::string>(), "ADDRESS:PORT to serve on (default 127.0.0.1:8080)")
    ("tls-cert", po::value<std::string>(), "PEM certificate chain; with --tls-key serves HTTPS")
    ("tls-key", po::value<std::string>(), "PEM private key")
    ("publisher-ttl", po::value<long>(), "seconds a publisher entry lives without a refresh (default 180)")
    ("watcher-window", po::value<long>(), "seconds a playback node counts as serving a stream (default 120)")
    ("trusted-proxy", po::value<std::vector<std::string>>(), "address or CIDR whose X-Forwarded-For is believed (repeatable; replaces the file's list)")
    ("publisher-network", po::value<std::vector<std::string>>(), "address or CIDR allowed to call /publisher_lookup (repeatable; replaces the file's list)")
    ("watcher-network", po::value<std::vector<std::string>>(), "address or CIDR allowed to call /watcher_lookup (repeatable; replaces the file's list)")
    ("shared-secret-file", po::value<std::string>(), "file holding the secret every node request must be signed with")
    ("max-connections", po::value<long>(), "connections open at once; more are closed (default 1024)")
    ("pull-app", po::value<std::string>(), "RTMP app ingestion nodes offer streams on (default pull_source)")
    ("rtmp-port", po::value<long>(), "RTMP port of the ingestion nodes (default 1935)")
    ("template-file", po::value<std::string>(), "file holding the watcher answer template")
    ("store", po::value<std::string>(), "memory or redis://[[user]:password@]host[:port][/db]")
    ("redis-key-prefix", po::value<std::string>(), "prefix of every Redis key (default mmids-lookup:)")
    ("log-level", po::value<std::string>(), "trace, debug, info, warn, error, critical or off")
    ("log-format", po::value<std::string>(), "text (default) or json: one JSON object per line");
  // clang-format on
  std::ostringstream usage;
  usage << options;

  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    throw ConfigError(std::string(e.what()) + " (see --help)");
  }

  CommandLine result;
  result.usage = usage.str();
  result.help = values.count("help") > 0;
  result.version = values.count("version") > 0;
  result.check = values.count("check") > 0;
  if (result.help || result.version) return result;

  auto& config = result.config;
  if (values.count("config")) {
    result.config_path = values["config"].as<std::string>();
    apply_config_file(result.config_path, config);
  }
  auto text = [&](const char* name) { return values[name].as<std::string>(); };
  auto number = [&](const char* name, long min, long max) {
    long value = values[name].as<long>();
    if (value < min || value > max) {
      throw ConfigError("--" + std::string(name) + " must be from " + std::to_string(min) + " to " +
                        std::to_string(max));
    }
    return value;
  };
  if (values.count("listen")) std::tie(config.listen_address, config.listen_port) = parse_listen(text("listen"));
  if (values.count("tls-cert")) config.tls_cert = text("tls-cert");
  if (values.count("tls-key")) config.tls_key = text("tls-key");
  if (values.count("publisher-ttl")) config.publisher_ttl = std::chrono::seconds(number("publisher-ttl", 1, 86400 * 365));
  if (values.count("watcher-window")) config.watcher_window = std::chrono::seconds(number("watcher-window", 1, 86400 * 365));
  auto ranges = [&](const char* name, std::vector<net::AddressRange>& into) {
    if (!values.count(name)) return;
    into.clear();
    for (const auto& range : values[name].as<std::vector<std::string>>()) {
      auto parsed = net::parse_address_range(range);
      if (!parsed.ok()) throw ConfigError("--" + std::string(name) + ": " + parsed.error());
      into.push_back(*parsed);
    }
  };
  ranges("trusted-proxy", config.trusted_proxies);
  ranges("publisher-network", config.publisher_networks);
  ranges("watcher-network", config.watcher_networks);
  if (values.count("shared-secret-file")) {
    auto secret = signing::read_secret_file(text("shared-secret-file"));
    if (!secret.ok()) throw ConfigError("--shared-secret-file: " + secret.error());
    config.shared_secret = *secret;
  }
  if (values.count("max-connections")) config.max_connections = static_cast<std::size_t>(number("max-connections", 1, 1 << 20));
  if (values.count("pull-app")) config.pull_app = text("pull-app");
  if (values.count("rtmp-port")) config.rtmp_port = static_cast<uint16_t>(number("rtmp-port", 1, 65535));
  if (values.count("template-file")) {
    std::ifstream in(text("template-file"), std::ios::binary);
    if (!in) throw ConfigError("cannot read template file " + text("template-file"));
    std::stringstream content;
    content << in.rdbuf();
    config.answer_template = content.str();
  }
  if (values.count("store")) config.store = text("store");
  if (values.count("redis-key-prefix")) config.redis_key_prefix = text("redis-key-prefix");
  if (values.count("log-level")) config.log_level = text("log-level");
  if (values.count("log-format")) config.log_format = text("log-format");
  validate_config(config);
  return result;
}

}  // namespace mmids::lookup
