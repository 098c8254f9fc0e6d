#pragma once
// lookup-server: what a lookup request body must be. A stream name lands in another node's
// config (the watcher answer), so only a small, inert alphabet gets through.
#include "mmids-core/common/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mmids::lookup {

inline constexpr std::size_t kMaxStreamNameLength = 128;

// [A-Za-z0-9_.-]{1,128}
[[nodiscard]] bool is_valid_stream_name(std::string_view name);

struct LookupBody {
  std::string stream_name;  // a valid name
};

// The body of POST /publisher_lookup and /watcher_lookup: a JSON object with a string
// "stream_name" (other members are ignored, as reactors may send more in the future).
// The error is safe to echo: it never quotes the input.
[[nodiscard]] Result<LookupBody> parse_lookup_body(std::string_view body);

}  // namespace mmids::lookup
