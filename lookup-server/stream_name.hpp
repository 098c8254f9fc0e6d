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
  std::string stream_name;     // a valid name
  std::string client_address;  // the publisher's or viewer's IP as the node saw it; "" when not sent
  std::string query;           // its RTMP URL's query string, raw ("token=...&x=1"); "" when not sent
  bool refresh = false;        // the node's heartbeat re-ask for a client it already serves
};

// The body of POST/DELETE /publisher_lookup and /watcher_lookup: a JSON object with a
// string "stream_name" and, optionally, string "client_address" (an IP address) and
// "query", and boolean "refresh". Other members are ignored. The error is safe to echo: it never quotes the input.
[[nodiscard]] Result<LookupBody> parse_lookup_body(std::string_view body);

// The first value of name in a URL query ("a=1&token=x%2Dy" -> "x-y"), percent-decoded
// ('+' is a space); nullopt when absent or badly escaped.
[[nodiscard]] std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace mmids::lookup
