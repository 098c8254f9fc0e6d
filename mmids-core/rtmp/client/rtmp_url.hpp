#pragma once
// RtmpUrl: rtmp://host[:port]/app[/more/app]/stream_key[?query] and rtmps://, as the
// native pull client needs them. The last path segment (with its query) is the stream
// key; everything between host and key is the app, as ffmpeg and librtmp split it.
#include <cstdint>
#include <optional>
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

// nullopt (and a reason in `error`) for anything else: other schemes, no app or key,
// bad ports, whitespace or control characters.
std::optional<RtmpUrl> parse_rtmp_url(std::string_view text, std::string* error = nullptr);

}  // namespace mmids::rtmp
