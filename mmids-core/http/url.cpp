#include "mmids-core/http/url.hpp"

#include "mmids-core/asio.hpp"

#include <algorithm>
#include <cctype>

namespace mmids::http {

namespace {

std::optional<Url> fail(std::string* error, std::string reason) {
  if (error) *error = std::move(reason);
  return std::nullopt;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

}  // namespace

std::string Url::authority() const {
  std::string text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) text += ":" + std::to_string(port);
  return text;
}

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return fail(error, "URL contains whitespace or control characters");
  }
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail(error, "URL has no scheme (http:// or https://)");
  Url url;
  url.scheme = std::string(text.substr(0, scheme_end));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https") {
    return fail(error, "unsupported URL scheme '" + url.scheme + "' (expected http or https)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  target = target.substr(0, target.find('#'));
  if (authority.find('@') != std::string_view::npos) return fail(error, "URL user info is not supported");

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "URL has an unclosed '[' in its host");
    url.host = std::string(authority.substr(1, close - 1));
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address_v6(url.host, ec);
    (void)address;
    if (ec) return fail(error, "URL host [" + url.host + "] is not an IPv6 address");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(error, "unexpected text after ']' in URL host");
      port_text = after.substr(1);
      if (port_text.empty()) return fail(error, "URL has an empty port");
    }
  } else {
    auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail(error, "URL has an empty port");
    }
    if (!std::all_of(url.host.begin(), url.host.end(), host_char)) {
      return fail(error, "URL host '" + url.host + "' has characters a host name cannot have");
    }
  }
  if (url.host.empty()) return fail(error, "URL has no host");

  if (port_text.empty()) {
    url.port = url.tls() ? 443 : 80;
  } else {
    unsigned long port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) {
        return fail(error, "URL port '" + std::string(port_text) + "' is not a number from 1 to 65535");
      }
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) {
      return fail(error, "URL port '" + std::string(port_text) + "' is not a number from 1 to 65535");
    }
    url.port = static_cast<uint16_t>(port);
  }
  url.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return url;
}

}  // namespace mmids::http
