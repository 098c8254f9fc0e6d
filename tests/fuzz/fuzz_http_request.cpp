// Fuzz target: bytes a client sends to mmids-core/http's server. Parses them with the
// server's limits, converts them as the server does and routes them; also feeds the
// target to the client's URL parser. Must never crash, hang or allocate without bound.
#include "http_support.hpp"
#include "mmids-core/http/router.hpp"
#include "mmids-core/http/url.hpp"

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
  static const auto router = make_router();
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = mmids::fuzz::parse_request(input, 16 << 10, 64 << 10);
  if (!parsed) return 0;

  boost::asio::ip::tcp::endpoint peer(boost::asio::ip::make_address("::ffff:10.1.2.3"), 4000);
  auto request = mmids::http::request_from_beast(std::move(*parsed), peer);
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
