#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include "mmids-core/net/address.hpp"

namespace mmids::rtmp {

std::string RtmpUrl::tc_url() const {
  return std::string(tls ? "rtmps" : "rtmp") + "://" + net::host_port_text(host, port) + "/" + app;
}

Result<RtmpUrl> parse_rtmp_url(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Error("URL contains whitespace or control characters");
  }
  RtmpUrl url;
  if (text.rfind("rtmp://", 0) == 0) {
    text.remove_prefix(7);
  } else if (text.rfind("rtmps://", 0) == 0) {
    text.remove_prefix(8);
    url.tls = true;
  } else {
    return Error("not an rtmp:// or rtmps:// URL");
  }
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return Error("URL has no app and stream key");
  std::string_view authority = text.substr(0, slash);
  std::string_view path = text.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) return Error("user info in RTMP URLs is not supported");
  auto host = net::parse_host_port(authority);
  if (!host.ok()) return Error("URL " + host.error());
  url.host = host->host;
  url.port = host->port.value_or(url.tls ? 443 : 1935);
  // The key is the last segment; the query, if any, belongs to it.
  const size_t query = path.find('?');
  const size_t last_slash = path.substr(0, query).rfind('/');
  if (last_slash == std::string_view::npos) return Error("URL needs both an app and a stream key");
  url.app = std::string(path.substr(0, last_slash));
  url.stream_key = std::string(path.substr(last_slash + 1));
  if (url.app.empty() || url.stream_key.empty() || url.stream_key.front() == '?') {
    return Error("URL needs both an app and a stream key");
  }
  return url;
}

}  // namespace mmids::rtmp
