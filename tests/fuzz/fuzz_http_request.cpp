// Fuzz target: bytes a client sends to mmids-core/http's server. Parses them with the
// server's limits, converts them as the server does and routes them; also feeds the
// target to the client's URL parser. Must never crash, hang or allocate without bound.
#include "mmids-core/http/beast_message.hpp"
#include "mmids-core/http/router.hpp"
#include "mmids-core/http/url.hpp"

#include <boost/beast/http.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

mmids::http::Router make_router() {
  using namespace mmids::http;
  Router router;
  router.add("POST", "/publisher_lookup", [](const Request& request, Responder respond) {
    respond(Response::text(200, request.body));
  });
  router.add_prefix("GET", "/workflows/", [](const Request& request, Responder respond) {
    respond(Response::json(200, {{"path", request.path}, {"query", request.query}}));
  });
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace beast = boost::beast;
  static const auto router = make_router();
  std::string_view input(reinterpret_cast<const char*>(data), size);

  beast::http::request_parser<beast::http::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(64 << 10);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (used < input.size() && !parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == beast::http::error::need_more) break;
    if (ec) return 0;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return 0;  // put_eof requires some input (as async_read ensures)
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  if (parser.get().body().size() > (64u << 10)) std::abort();  // the limit must hold

  boost::asio::ip::tcp::endpoint peer(boost::asio::ip::make_address("::ffff:10.1.2.3"), 4000);
  auto request = mmids::http::request_from_beast(parser.release(), peer);
  if (request.peer_address.to_string() != "10.1.2.3") std::abort();
  if (request.target.compare(0, request.path.size(), request.path) != 0) std::abort();
  int answers = 0;
  router.dispatch(request, [&](mmids::http::Response response) {
    ++answers;
    auto message = mmids::http::response_to_beast(std::move(response), 11, true, "mmids");
    (void)message;
  });
  if (answers != 1) std::abort();

  auto url = mmids::http::parse_url("http://host" + request.target);
  if (url && url->target.empty()) std::abort();
  return 0;
}
