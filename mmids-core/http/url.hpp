#pragma once
// mmids-core/http: the http:// and https:// URLs the client accepts.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mmids::http {

struct Url {
  std::string scheme;  // "http" or "https" (lower case)
  std::string host;    // "example.com", "10.0.0.1", "::1" (no brackets)
  uint16_t port = 0;   // explicit, or 80 / 443
  std::string target;  // path and query, "/" when empty; the fragment is dropped

  [[nodiscard]] bool tls() const { return scheme == "https"; }
  // "host", "host:8080", "[::1]:8080" (port omitted when it is the scheme's default)
  [[nodiscard]] std::string authority() const;
};

// Parses an absolute http(s) URL. Refuses user info, bad hosts and ports (net::parse_host_port),
// whitespace and control characters, saying why.
Result<Url> parse_url(std::string_view text);

}  // namespace mmids::http
