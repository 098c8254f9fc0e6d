#include "mmids-core/http/url.hpp"

#include "mmids-core/net/address.hpp"

#include <algorithm>
#include <cctype>

namespace mmids::http {

std::string Url::authority() const {
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return default_port ? net::bracketed(host) : net::host_port_text(host, port);
}

Result<Url> parse_url(std::string_view text) {
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return Error("URL contains whitespace or control characters");
  }
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return Error("URL has no scheme (http:// or https://)");
  Url url;
  url.scheme = std::string(text.substr(0, scheme_end));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https") {
    return Error("unsupported URL scheme '" + url.scheme + "' (expected http or https)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  target = target.substr(0, target.find('#'));
  if (authority.find('@') != std::string_view::npos) return Error("URL user info is not supported");
  auto host = net::parse_host_port(authority);
  if (!host.ok()) return Error("URL " + host.error());
  url.host = host->host;
  url.port = host->port.value_or(url.tls() ? 443 : 80);
  url.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return url;
}

}  // namespace mmids::http
