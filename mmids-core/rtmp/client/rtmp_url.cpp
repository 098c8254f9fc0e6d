#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <charconv>

namespace mmids::rtmp {
namespace {

std::optional<RtmpUrl> fail(std::string* error, std::string reason) {
  if (error) *error = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::string RtmpUrl::tc_url() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? "rtmps" : "rtmp") + "://" + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port) + "/" + app;
}

std::optional<RtmpUrl> parse_rtmp_url(std::string_view text, std::string* error) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(error, "URL contains whitespace or control characters");
  }
  RtmpUrl url;
  if (text.rfind("rtmp://", 0) == 0) {
    text.remove_prefix(7);
  } else if (text.rfind("rtmps://", 0) == 0) {
    text.remove_prefix(8);
    url.tls = true;
    url.port = 443;
  } else {
    return fail(error, "not an rtmp:// or rtmps:// URL");
  }
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail(error, "URL has no app and stream key");
  std::string_view authority = text.substr(0, slash);
  std::string_view path = text.substr(slash + 1);

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(error, "unexpected text after the IPv6 address");
      port_text = rest.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return fail(error, "URL has no host");
  if (authority.find('@') != std::string_view::npos) return fail(error, "user info in RTMP URLs is not supported");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, status] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (status != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return fail(error, "bad port '" + std::string(port_text) + "'");
    }
    url.port = static_cast<uint16_t>(port);
  }
  // The key is the last segment; the query, if any, belongs to it.
  const size_t query = path.find('?');
  const size_t last_slash = path.substr(0, query).rfind('/');
  if (last_slash == std::string_view::npos) return fail(error, "URL needs both an app and a stream key");
  url.app = std::string(path.substr(0, last_slash));
  url.stream_key = std::string(path.substr(last_slash + 1));
  if (url.app.empty() || url.stream_key.empty() || url.stream_key.front() == '?') {
    return fail(error, "URL needs both an app and a stream key");
  }
  return url;
}

}  // namespace mmids::rtmp
