#pragma once
// What the HTTP fuzz targets share: reading bytes into a request as mmids-core/http's
// server does (Beast's parser with the server's limits, fed until done or starved, the
// end of the input taken as the end of the connection).
#include "mmids-core/http/beast_message.hpp"

#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace mmids::fuzz {

inline std::optional<http::BeastRequest> parse_request(std::string_view input, std::size_t header_limit,
                                                       std::size_t body_limit) {
  namespace beast = boost::beast;
  beast::http::request_parser<beast::http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  parser.body_limit(body_limit);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (used < input.size() && !parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == beast::http::error::need_more) break;
    if (ec) return std::nullopt;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return std::nullopt;  // put_eof requires some input (as async_read ensures)
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  if (parser.get().body().size() > body_limit) std::abort();  // the limit must hold
  return parser.release();
}

}  // namespace mmids::fuzz
