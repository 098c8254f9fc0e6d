#include "lookup-server/config.hpp"

#include "lookup-server/auth_config.hpp"
#include "lookup-server/source_address.hpp"
#include "lookup-server/toml_values.hpp"
#include "mmids-core/common/asio.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mmids::lookup {

using namespace toml_values;

void apply_config_toml(std::string_view toml_text, const std::string& source,
                       const std::string& base_dir, LookupConfig& config) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError(source + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                      ": " + std::string(e.description()));
  }
  for (const auto& [key_object, node] : table) {
    std::string_view key = key_object.str();
    auto string = [&] { return get_string(source, node, key); };
    auto seconds = [&] { return std::chrono::seconds(get_integer(source, node, key, 1, 86400 * 365)); };
    try {
      if (key == "listen") {
        std::tie(config.listen_address, config.listen_port) = parse_listen(string());
      } else if (key == "tls_cert") {
        config.tls_cert = resolve_path(base_dir, string());
      } else if (key == "tls_key") {
        config.tls_key = resolve_path(base_dir, string());
      } else if (key == "publisher_ttl") {
        config.publisher_ttl = seconds();
      } else if (key == "watcher_window") {
        config.watcher_window = seconds();
      } else if (key == "trusted_proxies") {
        config.trusted_proxies = get_ranges(source, node, key);
      } else if (key == "publisher_networks") {
        config.publisher_networks = get_ranges(source, node, key);
      } else if (key == "watcher_networks") {
        config.watcher_networks = get_ranges(source, node, key);
      } else if (key == "shared_secret") {
        config.shared_secret = string();
        if (config.shared_secret.empty()) throw ConfigError(where(source, node, key) + " is empty");
      } else if (key == "shared_secret_file") {
        config.shared_secret = read_secret(source, node, key, resolve_path(base_dir, string()));
      } else if (key == "publishers" || key == "viewers") {
        const auto* section = node.as_table();
        if (!section) throw ConfigError(where(source, node, key) + " must be a table ([" + std::string(key) + "])");
        apply_client_auth_table(*section, key, source, base_dir, key == "publishers" ? config.publishers : config.viewers);
      } else if (key == "pull_app") {
        config.pull_app = string();
        if (!is_valid_pull_app(config.pull_app)) {
          throw ConfigError(where(source, node, key) + " must be 1 to 128 characters from A-Z a-z 0-9 _ . -");
        }
      } else if (key == "rtmp_port") {
        config.rtmp_port = static_cast<uint16_t>(get_integer(source, node, key, 1, 65535));
      } else if (key == "answer_template") {
        config.answer_template = string();
        AnswerTemplate check(config.answer_template);
      } else if (key == "store") {
        config.store = string();
        if (config.store != "memory") parse_redis_url(config.store);
      } else if (key == "redis_key_prefix") {
        config.redis_key_prefix = string();
      } else if (key == "redis_timeout_ms") {
        config.redis_timeout = std::chrono::milliseconds(get_integer(source, node, key, 10, 60000));
      } else if (key == "max_body_bytes") {
        config.max_body_bytes = static_cast<std::size_t>(get_integer(source, node, key, 64, 1 << 20));
      } else if (key == "max_header_bytes") {
        config.max_header_bytes = static_cast<std::size_t>(get_integer(source, node, key, 1024, 1 << 20));
      } else if (key == "max_connections") {
        config.max_connections = static_cast<std::size_t>(get_integer(source, node, key, 1, 1 << 20));
      } else if (key == "max_nodes") {
        config.max_nodes = static_cast<std::size_t>(get_integer(source, node, key, 1, 100000));
      } else if (key == "log_level") {
        config.log_level = string();
      } else if (key == "log_format") {
        config.log_format = string();
      } else {
        throw ConfigError(where(source, node, key) + " is not a setting of mmids-lookup");
      }
    } catch (const std::exception& e) {
      std::string message = e.what();
      if (message.rfind(source + ":", 0) == 0) throw ConfigError(message);
      throw ConfigError(where(source, node, key) + ": " + message);
    }
  }
}

void apply_config_file(const std::string& path, LookupConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto base_dir = std::filesystem::path(path).parent_path().string();
  apply_config_toml(text.str(), path, base_dir, config);
}

void validate_config(const LookupConfig& config) {
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    throw ConfigError("tls_cert and tls_key go together: give both (HTTPS) or neither (HTTP)");
  }
  try {
    AnswerTemplate check(config.answer_template);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  if (!is_valid_pull_app(config.pull_app)) {
    throw ConfigError("pull_app must be 1 to 128 characters from A-Z a-z 0-9 _ . -");
  }
  if (config.store != "memory") parse_redis_url(config.store);
  static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level) == std::end(kLevels)) {
    throw ConfigError("log_level '" + config.log_level +
                      "' is not one of trace, debug, info, warn, error, critical, off");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    throw ConfigError("log_format '" + config.log_format + "' is not one of text, json");
  }
  validate_client_auth(config.publishers, "publishers");
  validate_client_auth(config.viewers, "viewers");
  if (config.publisher_ttl.count() <= 0 || config.watcher_window.count() <= 0) {
    throw ConfigError("publisher_ttl and watcher_window must be at least 1 second");
  }
}

std::pair<std::string, uint16_t> parse_listen(std::string_view text) {
  auto fail = [&]() -> std::pair<std::string, uint16_t> {
    throw ConfigError("listen address '" + std::string(text) +
                      "' must be ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::]:8080");
  };
  // Port 0 (any free port) is allowed here, so the port is read apart from the host.
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail();
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  auto parsed = net::parse_host_port(host);
  // IPv6 needs brackets: "::1:8080" is not an address and a port.
  if (!parsed.ok() || parsed->port || (parsed->is_ipv6_literal() && host.front() != '[')) return fail();
  if (!net::parse_address(parsed->host).ok()) return fail();
  if (port_text == "0") return {parsed->host, 0};
  auto port = net::parse_port(port_text);
  if (!port.ok()) return fail();
  return {parsed->host, *port};
}

std::string RedisEndpoint::describe() const {
  return "redis://" + net::host_port_text(host, port) + "/" + std::to_string(db);
}

RedisEndpoint parse_redis_url(std::string_view url) {
  auto fail = [&](const std::string& why) -> RedisEndpoint {
    throw ConfigError("store '" + std::string(url) + "': " + why +
                      " (expected memory or redis://[[user]:password@]host[:port][/db])");
  };
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return fail("unknown store");
  std::string_view rest = url.substr(scheme.size());
  RedisEndpoint endpoint;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user_info = rest.substr(0, at);
    auto colon = user_info.find(':');
    if (colon == std::string_view::npos) return fail("user info must be [user]:password");
    endpoint.username = std::string(user_info.substr(0, colon));
    endpoint.password = std::string(user_info.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  std::string_view db_text;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    db_text = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  auto host = net::parse_host_port(rest);
  if (!host.ok()) return fail(host.error());
  endpoint.host = host->host;
  endpoint.port = host->port.value_or(6379);
  if (!db_text.empty()) {
    unsigned db = 0;
    auto [end, ec] = std::from_chars(db_text.data(), db_text.data() + db_text.size(), db);
    if (ec != std::errc() || end != db_text.data() + db_text.size() || db > (1 << 16)) return fail("bad database number");
    endpoint.db = db;
  }
  return endpoint;
}

}  // namespace mmids::lookup
