#include "lookup-server/auth_config.hpp"

#include "lookup-server/toml_values.hpp"
#include "mmids-core/http/url.hpp"

namespace mmids::lookup {

using namespace toml_values;

std::string_view mode_name(ClientAuthConfig::Mode mode) {
  switch (mode) {
    case ClientAuthConfig::Mode::open: return "open";
    case ClientAuthConfig::Mode::key_file: return "key_file";
    case ClientAuthConfig::Mode::token: return "token";
    case ClientAuthConfig::Mode::endpoint: return "endpoint";
  }
  return "open";
}

void apply_client_auth_table(const toml::table& table, std::string_view section, const std::string& source,
                             const std::string& base_dir, ClientAuthConfig& auth) {
  for (const auto& [key_object, node] : table) {
    std::string key = std::string(section) + "." + std::string(key_object.str());
    std::string_view name = key_object.str();
    if (name == "auth") {
      auto mode = get_string(source, node, key);
      if (mode == "open") auth.mode = ClientAuthConfig::Mode::open;
      else if (mode == "key_file") auth.mode = ClientAuthConfig::Mode::key_file;
      else if (mode == "token") auth.mode = ClientAuthConfig::Mode::token;
      else if (mode == "endpoint") auth.mode = ClientAuthConfig::Mode::endpoint;
      else throw ConfigError(where(source, node, key) + " must be open, key_file, token or endpoint");
    } else if (name == "key_file") {
      auth.key_file = resolve_path(base_dir, get_string(source, node, key));
    } else if (name == "token_secret") {
      auth.token_secret = get_string(source, node, key);
      if (auth.token_secret.empty()) throw ConfigError(where(source, node, key) + " is empty");
    } else if (name == "token_secret_file") {
      auth.token_secret = read_secret(source, node, key, resolve_path(base_dir, get_string(source, node, key)));
    } else if (name == "endpoint") {
      auth.endpoint = get_string(source, node, key);
      if (auto url = http::parse_url(auth.endpoint); !url.ok()) {
        throw ConfigError(where(source, node, key) + ": " + url.error());
      }
    } else if (name == "ca_file") {
      auth.endpoint_ca_file = resolve_path(base_dir, get_string(source, node, key));
    } else if (name == "cache_seconds") {
      auth.cache = std::chrono::seconds(get_integer(source, node, key, 0, 3600));
    } else {
      throw ConfigError(where(source, node, key) + " is not a setting of mmids-lookup");
    }
  }
}

void validate_client_auth(const ClientAuthConfig& auth, std::string_view section) {
  auto need = [&](bool present, std::string_view what) {
    if (!present) {
      throw ConfigError("[" + std::string(section) + "] auth = \"" + std::string(mode_name(auth.mode)) + "\" needs " +
                        std::string(what));
    }
  };
  switch (auth.mode) {
    case ClientAuthConfig::Mode::open: break;
    case ClientAuthConfig::Mode::key_file: need(!auth.key_file.empty(), "key_file"); break;
    case ClientAuthConfig::Mode::token: need(!auth.token_secret.empty(), "token_secret or token_secret_file"); break;
    case ClientAuthConfig::Mode::endpoint: need(!auth.endpoint.empty(), "endpoint"); break;
  }
}

}  // namespace mmids::lookup
