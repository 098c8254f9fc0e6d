#pragma once
// lookup-server: mmids-lookup's settings, from a TOML file (configs/lookup.toml documents
// every key) and command-line flags that override it.
#include "lookup-server/answer_template.hpp"
#include "lookup-server/source_address.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Who may publish (or watch) a stream: the credential comes from the lookup body's
// "query" (the RTMP URL's query string). See client_auth.hpp.
struct ClientAuthConfig {
  enum class Mode { open, key_file, token, endpoint };
  Mode mode = Mode::open;
  std::string key_file;          // key_file: lines "stream_name secret"; credential ?key=
  std::string token_secret;      // token: HMAC secret (token_secret or token_secret_file); ?token=
  std::string endpoint;          // endpoint: http(s) URL the lookup's JSON is POSTed to
  std::string endpoint_ca_file;  // extra CA for an https endpoint
  std::chrono::seconds cache{10};  // endpoint answers are kept this long per (stream, query)
};

struct LookupConfig {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string tls_cert;  // PEM chain; with tls_key -> HTTPS only
  std::string tls_key;
  std::chrono::seconds publisher_ttl{180};   // a publisher not refreshed for this long is gone
  std::chrono::seconds watcher_window{120};  // a playback node that asked this recently is listed
  std::vector<net::AddressRange> trusted_proxies;  // peers whose X-Forwarded-For is believed
  std::string pull_app = "pull_source";
  uint16_t rtmp_port = 1935;
  std::string answer_template{kDefaultAnswerTemplate};
  std::string store = "memory";  // or redis://[[user]:password@]host[:port][/db]
  std::string redis_key_prefix = "mmids-lookup:";
  std::chrono::milliseconds redis_timeout{1000};  // connect and per-command bound
  std::size_t max_body_bytes = 4096;               // lookup bodies are tiny; bigger -> 413
  std::size_t max_header_bytes = 8192;             // request line + headers; bigger -> 431
  std::size_t max_connections = 1024;              // more at once are closed on accept
  // Which source addresses may call the lookup routes (empty = any address).
  std::vector<net::AddressRange> publisher_networks;  // /publisher_lookup
  std::vector<net::AddressRange> watcher_networks;    // /watcher_lookup
  // Set: every POST and DELETE from nodes must be signed with it (mmids-core/signing).
  std::string shared_secret;
  ClientAuthConfig publishers;
  ClientAuthConfig viewers;
  std::size_t max_nodes = 1000;                    // node reports kept (one per node)
  std::string log_level = "info";
  std::string log_format = "text";                 // or "json"
};

// Applies the keys of a TOML document on top of config. Unknown keys, wrong types and bad
// values are errors naming the source, line and key. Relative TLS paths are taken from
// base_dir. Does not validate the combination (see validate_config).
void apply_config_toml(std::string_view toml, const std::string& source_name,
                       const std::string& base_dir, LookupConfig& config);
void apply_config_file(const std::string& path, LookupConfig& config);

// Checks what single keys cannot: TLS cert and key together, the template, the store URL.
void validate_config(const LookupConfig& config);

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0" -> address and port. Throws ConfigError.
std::pair<std::string, uint16_t> parse_listen(std::string_view text);

struct RedisEndpoint {
  std::string host;
  uint16_t port = 6379;
  unsigned db = 0;
  std::string username;  // Redis 6 ACL user; empty = default
  std::string password;  // empty = no AUTH
  [[nodiscard]] std::string describe() const;  // "redis://host:port/db" without the password
};
// redis://[[user]:password@]host[:port][/db]. Throws ConfigError.
RedisEndpoint parse_redis_url(std::string_view url);

}  // namespace mmids::lookup
