#include "mmids-core/settings/node_settings.hpp"

#include "mmids-core/net/address.hpp"

#include <charconv>
#include <cstdlib>

namespace mmids::settings {
namespace {

bool is_ip_address(const std::string& text) { return net::parse_address(text).ok(); }

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

}  // namespace

SettingsResult read_node_settings(const config::NodeConfig& config) {
  SettingsResult result;
  NodeSettings& s = result.settings;
  for (const auto& [key, value] : config.settings) {
    const std::string text = value.value_or("");
    auto require_value = [&] {
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
    } else if (key == "tls_cert_path") {
      if (require_value()) s.tls_cert_path = text;
    } else if (key == "tls_key_path") {
      if (require_value()) s.tls_key_path = text;
    } else if (key == "tls_cert_password") {
      if (require_value()) s.tls_cert_password = text;
    } else {
      result.warnings.push_back("unknown setting '" + key + "' is ignored");
    }
  }
  if (!s.tls_key_path.empty() && s.tls_cert_path.empty()) {
    result.errors.push_back("setting 'tls_key_path' needs 'tls_cert_path'");
  }
  if (!s.tls_key_path.empty() && !s.tls_cert_password.empty()) {
    result.errors.push_back("give either 'tls_key_path' (PEM) or 'tls_cert_password' (PFX), not both");
  }
  return result;
}

}  // namespace mmids::settings
