#pragma once
// What a publisher or viewer may name a stream. A key lands in log lines, reactor requests,
// the workflows a reactor answers with and file paths (HLS segments), so the server refuses,
// before anything else sees it, a key that could escape a directory, forge a line or not be
// text: 1 to kMaxStreamKeyBytes bytes of well-formed UTF-8, no control characters, spaces,
// '/', '\', '"', and not "." or "..".
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mmids::endpoint {

// As many as the lookup server accepts as a stream name.
inline constexpr std::size_t kMaxStreamKeyBytes = 128;

// Why `key` cannot name a stream ("stream key holds a space"), or nullopt when it can.
// The reason never quotes the key.
[[nodiscard]] std::optional<std::string> stream_key_problem(std::string_view key);

}  // namespace mmids::endpoint
