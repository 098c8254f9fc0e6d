#pragma once
// The URLs an HTTP viewer server answers, parsed (pure text in, values out):
//   /<app>/<key>.flv                        HTTP-FLV
//   /<app>/<key>.m3u8[?session=TOKEN]       HLS: multivariant playlist (no session) or media playlist
//   /<app>/<key>/<instance>/<seq>.ts        HLS segment of one run of the key's muxer
//   /<app>/<key>/<instance>/<seq>.<part>.ts Low-Latency HLS partial segment
// App and key are one path segment each of unreserved URL characters ([A-Za-z0-9._~-],
// at most 128), so they reach playlists, logs and approvers without any decoding or
// escaping; anything else is not a viewer URL (404).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmids::http_viewers {

enum class ViewerResource { Flv, Playlist, Segment, Part };

struct ViewerPath {
  ViewerResource resource = ViewerResource::Flv;
  std::string app;
  std::string key;
  std::string instance;  // segments and parts
  uint64_t sequence = 0;
  size_t part = 0;
};

[[nodiscard]] std::optional<ViewerPath> parse_viewer_path(std::string_view path);

// One path segment of unreserved characters, 1 to 128 of them, not "." or "..".
[[nodiscard]] bool is_plain_name(std::string_view text);

// The value of `name` in a raw query string ("a=1&session=x"), undecoded; nullopt when absent.
[[nodiscard]] std::optional<std::string> query_value(std::string_view query, std::string_view name);
// The query without the parameters this server owns (session, _HLS_*): what an approver
// sees as the viewer's own query (a token, say).
[[nodiscard]] std::string viewer_query(std::string_view query);

}  // namespace mmids::http_viewers
