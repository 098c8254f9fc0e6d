#include "mmids-core/settings/node_settings.hpp"

#include "mmids-core/net/address.hpp"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <thread>

namespace mmids::settings {
namespace {

bool is_ip_address(const std::string& text) { return net::parse_address(text).ok(); }

std::string location_of(const config::NodeConfig& config, const std::string& key) {
  auto it = config.setting_locations.find(key);
  return it == config.setting_locations.end() ? std::string() : it->second.to_string();
}

std::string located(const config::NodeConfig& config, const std::string& key, const std::string& message) {
  const std::string where = location_of(config, key);
  return where.empty() ? message : where + ": " + message;
}

std::optional<uint16_t> parse_port(const std::string& key, const std::string& text, std::vector<std::string>& errors) {
  auto port = net::parse_port(text);
  if (!port.ok()) {
    errors.push_back("setting '" + key + "' must be a port number from 1 to 65535, got '" + text + "'");
    return std::nullopt;
  }
  return *port;
}

// A whole number in [min, max], or an error naming the setting.
std::optional<uint32_t> parse_count(const std::string& key, const std::string& text, uint32_t min, uint32_t max,
                                    std::vector<std::string>& errors) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    errors.push_back("setting '" + key + "' must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + text + "'");
    return std::nullopt;
  }
  return value;
}

constexpr uint32_t kMaxWriteBatchMs = 1000;  // beyond a second a player's buffer would run dry
constexpr uint32_t kMaxReadBatchMs = 1000;   // the same bound: it delays every viewer as much
constexpr uint32_t kMaxWorkerThreads = 256;

}  // namespace

uint32_t default_worker_threads() {
  // The cores this process may run on (taskset, a container's cpuset), not the machine's:
  // threads beyond them would only take turns on the same cores.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) return std::max(1, CPU_COUNT(&allowed));
  return std::max(1u, std::thread::hardware_concurrency());
}

SettingsResult read_node_settings(const config::NodeConfig& config) {
  SettingsResult result;
  NodeSettings& s = result.settings;
  for (const auto& [key, value] : config.settings) {
    const size_t errors_before = result.errors.size();
    const size_t warnings_before = result.warnings.size();
    // Whatever this setting's checks say is prefixed with where it is ("file:line:column: ").
    struct Locate {
      SettingsResult& result;
      size_t errors_before, warnings_before;
      std::string where;
      ~Locate() {
        if (where.empty()) return;
        for (size_t i = errors_before; i < result.errors.size(); ++i) result.errors[i] = where + ": " + result.errors[i];
        for (size_t i = warnings_before; i < result.warnings.size(); ++i) result.warnings[i] = where + ": " + result.warnings[i];
      }
    } locate{result, errors_before, warnings_before, location_of(config, key)};
    const std::string text = value.value_or("");
    // Named captures: clang 14 cannot capture structured bindings (the sanitizer tree).
    auto require_value = [&result, &key = key, &value = value] {
      if (!value || value->empty()) result.errors.push_back("setting '" + key + "' needs a value");
      return value && !value->empty();
    };
    if (key == "ffmpeg_path") {
      if (require_value()) s.ffmpeg_path = text;
    } else if (key == "http_api_port") {
      if (require_value()) s.http_api_port = parse_port(key, text, result.errors);
    } else if (key == "internal_rtmp_port") {
      if (!require_value()) continue;
      if (auto port = parse_port(key, text, result.errors)) s.internal_rtmp_port = *port;
    } else if (key == "write_batch_ms") {
      if (!require_value()) continue;
      if (auto ms = parse_count(key, text, 0, kMaxWriteBatchMs, result.errors)) s.write_batch_ms = *ms;
    } else if (key == "read_batch_ms") {
      if (!require_value()) continue;
      if (auto ms = parse_count(key, text, 0, kMaxReadBatchMs, result.errors)) s.read_batch_ms = *ms;
    } else if (key == "worker_threads") {
      if (!require_value()) continue;
      if (auto threads = parse_count(key, text, 1, kMaxWorkerThreads, result.errors)) s.worker_threads = *threads;
    } else if (key == "publish_timeout") {
      if (!require_value()) continue;
      char* end = nullptr;
      const double seconds = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || !(seconds > 0) || seconds > 3600) {
        result.errors.push_back("setting 'publish_timeout' must be a number of seconds more than 0 and at most 3600, got '" + text + "'");
        continue;
      }
      s.publish_timeout = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    } else if (key == "http_api_address") {
      if (!require_value()) continue;
      if (!is_ip_address(text)) result.errors.push_back("setting 'http_api_address' must be an IP address, got '" + text + "'");
      s.http_api_address = text;
    } else if (key == "bind_address") {
      if (!require_value()) continue;
      if (!is_ip_address(text)) result.errors.push_back("setting 'bind_address' must be an IP address, got '" + text + "'");
      s.bind_address = text;
    } else if (key == "http_player_path") {
      if (require_value()) s.http_player_path = text;
    } else if (key == "tls_cert_path") {
      if (require_value()) s.tls_cert_path = text;
    } else if (key == "tls_key_path") {
      if (require_value()) s.tls_key_path = text;
    } else if (key == "tls_cert_password") {
      if (require_value()) s.tls_cert_password = text;
    } else if (key == "max_connections" || key == "max_connections_per_address") {
      if (!require_value()) continue;
      char* end = nullptr;
      const unsigned long long count = std::strtoull(text.c_str(), &end, 10);
      if (text[0] == '-' || end != text.c_str() + text.size() || count < 1 || count > 1'000'000) {
        result.errors.push_back("setting '" + key + "' must be a whole number from 1 to 1000000, got '" + text + "'");
        continue;
      }
      (key == "max_connections" ? s.max_connections : s.max_connections_per_address) = static_cast<size_t>(count);
    } else if (key == "http_api_token") {
      if (require_value()) s.http_api_token = text;
    } else if (key == "report_url") {
      if (!require_value()) continue;
      if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
        result.errors.push_back("setting 'report_url' must be an http:// or https:// URL, got '" + text + "'");
      }
      s.report_url = text;
    } else if (key == "report_interval") {
      if (!require_value()) continue;
      if (auto seconds = parse_count(key, text, 1, 3600, result.errors)) s.report_interval = std::chrono::seconds(*seconds);
    } else if (key == "node_role") {
      if (!require_value()) continue;
      if (text != "ingestion" && text != "playback") {
        result.errors.push_back("setting 'node_role' must be 'ingestion' or 'playback', got '" + text + "'");
      }
      s.node_role = text;
    } else if (key == "node_name") {
      // Empty is allowed (`node_name ${MMIDS_NODE_NAME:-}`): the node is then shown by its address.
      if (text.size() > 128) result.errors.push_back("setting 'node_name' must be at most 128 characters");
      s.node_name = text;
    } else if (key == "report_secret") {
      if (require_value()) s.report_secret = text;
    } else if (key == "report_secret_file") {
      if (require_value()) s.report_secret_file = text;
    } else {
      result.warnings.push_back("unknown setting '" + key + "' is ignored");
    }
  }
  if (!s.tls_key_path.empty() && s.tls_cert_path.empty()) {
    result.errors.push_back(located(config, "tls_key_path", "setting 'tls_key_path' needs 'tls_cert_path'"));
  }
  if (!s.tls_key_path.empty() && !s.tls_cert_password.empty()) {
    result.errors.push_back(
        located(config, "tls_cert_password", "give either 'tls_key_path' (PEM) or 'tls_cert_password' (PFX), not both"));
  }
  if (!s.report_url.empty() && s.node_role.empty()) {
    result.errors.push_back(located(config, "report_url",
                                    "setting 'report_url' needs 'node_role' (ingestion or playback): the lookup "
                                    "server counts viewers by it"));
  }
  if (!s.report_secret.empty() && !s.report_secret_file.empty()) {
    result.errors.push_back(
        located(config, "report_secret_file", "give either 'report_secret' or 'report_secret_file', not both"));
  }
  // The API changes what the node runs: off loopback it must not be open to whoever reaches it.
  auto api_address = net::parse_address(s.http_api_address);
  if (s.http_api_port && api_address.ok() && !api_address->is_loopback() && s.http_api_token.empty()) {
    result.errors.push_back(located(config, "http_api_address",
                                    "setting 'http_api_address' " + s.http_api_address +
                                        " is reachable off this host: set 'http_api_token' (clients send "
                                        "Authorization: Bearer <token>) or use a loopback address"));
  }
  return result;
}

}  // namespace mmids::settings
