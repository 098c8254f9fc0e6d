#pragma once
// What a stream may be named, the one rule of the whole cluster: a node refuses other keys at
// publish and play, and the lookup server refuses them as stream names (400), with the same
// reason. A key lands in log lines, reactor requests, file paths (HLS segments) and, through
// the lookup server, in the workflow a playback node runs (config text) and the URL it pulls
// (rtmp://<node>/pull_source/<key>). So a key is 1 to kMaxStreamKeyBytes characters that are
// a bare word in the config language and a URL path segment as they are:
// A-Z a-z 0-9 _ . -, and not "." or "..". The reasons name the usual mistakes (a space, a
// path separator, a control character, a quote, bytes that are not UTF-8) on their own.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mmids::endpoint {

inline constexpr std::size_t kMaxStreamKeyBytes = 128;

// Why `key` cannot name a stream ("stream key holds a space"), or nullopt when it can.
// The reason never quotes the key (at most one printable ASCII character of it).
[[nodiscard]] std::optional<std::string> stream_key_problem(std::string_view key);

}  // namespace mmids::endpoint
