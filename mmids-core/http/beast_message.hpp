#pragma once
// mmids-core/http: conversions between Beast's messages and the layer's Request/Response.
// Internal to the server (and its fuzz target); handlers never see Beast types.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/message.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string_view>

namespace mmids::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;
using BeastResponseHead = boost::beast::http::response<boost::beast::http::empty_body>;

// Moves the body out of message.
Request request_from_beast(BeastRequest&& message, const boost::asio::ip::tcp::endpoint& peer);

BeastResponse response_to_beast(Response&& response, unsigned version, bool keep_alive,
                                std::string_view server_header);

// The head alone, for bodies the server writes itself: a streaming one (response.stream:
// chunked for HTTP/1.1, else close-delimited; the connection ends with it) or a shared one
// (response.shared_body: Content-Length, keep-alive as asked).
BeastResponseHead head_to_beast(const Response& response, unsigned version, bool keep_alive,
                                std::string_view server_header);

}  // namespace mmids::http
