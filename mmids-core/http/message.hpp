#pragma once
// mmids-core/http: the small HTTP layer (Boost.Beast) shared by the node's API, the lookup
// server and the reactor's simple_http executor. This file: the request and response
// values handlers see, independent of Beast.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/body_stream.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmids::http {

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/workflows/x?y=1" (as sent, not decoded)
  std::string path;    // "/workflows/x"
  std::string query;   // "y=1" (raw, without '?'; empty when none)
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by ", "
  std::string body;
  boost::asio::ip::address peer_address;  // IPv4-mapped IPv6 peers are given as IPv4
  uint16_t peer_port = 0;

  // The value of a header (name in any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// A body referenced, not copied (an HLS segment served to many players): the spans stay
// valid while `owner` lives. Sent with Content-Length, in one gathered write.
struct SharedBody {
  std::shared_ptr<const void> owner;
  std::vector<std::span<const uint8_t>> spans;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::shared_ptr<BodyStream> stream;  // set: the body comes from it over time (see body_stream.hpp)
  SharedBody shared_body;               // owner set: the body, instead of `body`

  // Body is the JSON text (invalid UTF-8 in strings is replaced, never thrown on).
  static Response json(unsigned status, const nlohmann::json& body);
  // text/plain; charset=utf-8
  static Response text(unsigned status, std::string body);
  // application/json {"error": message}
  static Response error(unsigned status, std::string_view message);
  // A body the stream makes over time; the connection closes when it ends.
  static Response streaming(unsigned status, std::string content_type, std::shared_ptr<BodyStream> stream);
  static Response shared(unsigned status, std::string content_type, SharedBody body);
};

// Sends the response. Call it exactly once, on the server's io thread; later calls are
// ignored. A responder dropped without being called answers 500.
using Responder = std::function<void(Response)>;
// Handles one request; may keep the responder and answer later (async work).
using Handler = std::function<void(const Request&, Responder)>;

// The standard reason phrase of a status ("Not Found"), or "" for an unknown code.
[[nodiscard]] std::string_view reason_phrase(unsigned status);

}  // namespace mmids::http
