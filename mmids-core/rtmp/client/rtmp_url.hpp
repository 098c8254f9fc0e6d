#pragma once
// RtmpUrl: rtmp://host[:port]/app[/more/app]/stream_key[?query] and rtmps://, as the
// native pull client needs them. The last path segment (with its query) is the stream
// key; everything between host and key is the app, as ffmpeg and librtmp split it.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mmids::rtmp {

struct RtmpUrl {
  bool tls = false;  // rtmps
  std::string host;  // no brackets for IPv6
  uint16_t port = 1935;
  std::string app;
  std::string stream_key;  // may carry "?query"

  // rtmp://host:port/app: what `connect` announces as tcUrl.
  [[nodiscard]] std::string tc_url() const;
};

// Refuses anything else, saying why: other schemes, no app or key, user info, bad hosts or
// ports (net::parse_host_port), whitespace or control characters.
Result<RtmpUrl> parse_rtmp_url(std::string_view text);

}  // namespace mmids::rtmp
