#pragma once
// lookup-server: what a lookup request body must be. A stream name lands in another node's
// config (the watcher answer), so only names the nodes themselves accept as stream keys get
// through: endpoint::stream_key_problem is the one rule, and its reason is the answer's.
#include "mmids-core/common/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mmids::lookup {

struct LookupBody {
  std::string stream_name;     // a name endpoint::stream_key_problem accepts
  std::string client_address;  // the publisher's or viewer's IP as the node saw it; "" when not sent
  std::string query;           // its RTMP URL's query string, raw ("token=...&x=1"); "" when not sent
  bool refresh = false;        // the node's heartbeat re-ask for a client it already serves
};

// The body of POST/DELETE /publisher_lookup and /watcher_lookup: a JSON object with a
// string "stream_name" and, optionally, string "client_address" (an IP address) and
// "query", and boolean "refresh". Other members are ignored. The error is safe to echo: it never quotes the input.
// A refused name's error is "stream_name: " and the node's reason ("stream key holds a space").
[[nodiscard]] Result<LookupBody> parse_lookup_body(std::string_view body);

// The first value of name in a URL query ("a=1&token=x%2Dy" -> "x-y"), percent-decoded
// ('+' is a space); nullopt when absent or badly escaped.
[[nodiscard]] std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace mmids::lookup
