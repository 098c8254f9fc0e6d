// Fuzz target: a lookup request as mmids-lookup reads it, headers and all: Beast's parser
// with the lookup server's limits, the conversion the HTTP server makes (header names in
// lower case, repeated headers joined), then the real LookupService with a memory store,
// from a trusted proxy or not (so X-Forwarded-For is believed or ignored). Beyond "no
// crash":
// - headers are found in any case, and exactly one answer is given;
// - a recorded publisher is recorded at the address the trusted-proxy rules select, and a
//   watcher lookup for it then answers a workflow the node's own parser accepts, pulling
//   from that address and that key: nothing from the request's bytes reaches the answer
//   but a checked name and a plain address.
//
// Input: [peer][request bytes]. The peer byte's low bit: a trusted proxy's address (else
// an untrusted one); bit 1: the peer connects over IPv6.
#include "http_support.hpp"
#include "lookup-server/memory_store.hpp"
#include "lookup-server/service.hpp"
#include "lookup-server/source_address.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/config/parser.hpp"
#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace mmids;

namespace {

lookup::LookupConfig make_config() {
  lookup::LookupConfig config;
  config.trusted_proxies = {*net::parse_address_range("10.0.0.0/8"), *net::parse_address_range("fd00::/8")};
  return config;
}

boost::asio::ip::address peer_of(uint8_t bits) {
  const bool trusted = bits & 1;
  if (bits & 2) return boost::asio::ip::make_address(trusted ? "fd00::5" : "2001:db8::7");
  return boost::asio::ip::make_address(trusted ? "10.0.0.2" : "192.0.2.7");
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

http::Response dispatch(boost::asio::io_context& io, const http::Router& router, const http::Request& request) {
  int answers = 0;
  http::Response answer;
  router.dispatch(request, [&](http::Response response) {
    ++answers;
    answer = response;
    (void)http::response_to_beast(std::move(response), 11, true, "mmids-lookup");
  });
  io.restart();
  io.poll();  // the service may answer from a posted handler (store and authoriser callbacks)
  if (answers != 1 || answer.status < 200 || answer.status > 599) std::abort();
  return answer;
}

// The node's view of the answer: one workflow, one ffmpeg_pull of `name` from `address`.
void check_answer(const std::string& answer, const std::string& name, const boost::asio::ip::address& address) {
  auto parsed = config::parse_workflows(answer, "lookup answer");
  if (!parsed.ok() || parsed.config.workflows.size() != 1 || parsed.config.workflows[0].steps.size() != 1)
    std::abort();
  const auto& step = parsed.config.workflows[0].steps[0];
  auto location = step.parameters.find("location");
  if (step.type != "ffmpeg_pull" || location == step.parameters.end() || !location->second) std::abort();
  auto url = rtmp::parse_rtmp_url(*location->second);
  if (!url || url->host != address.to_string() || url->stream_key != name) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  if (size == 0) return 0;
  const lookup::LookupConfig config = make_config();
  auto parsed = fuzz::parse_request(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1),
                                    16 << 10, config.max_body_bytes);
  if (!parsed) return 0;
  const boost::asio::ip::tcp::endpoint peer(peer_of(data[0]), 40000);
  const auto request = http::request_from_beast(std::move(*parsed), peer);
  for (const auto& [name, value] : request.headers) {
    for (unsigned char c : name)
      if (std::isupper(c)) std::abort();
    if (request.header(upper(name)) != value) std::abort();
  }

  auto store = std::make_shared<lookup::MemoryStore>(lookup::StoreTimes{},
                                                     [] { return std::chrono::steady_clock::time_point(std::chrono::hours(1)); });
  boost::asio::io_context io;
  lookup::LookupService service(io, config, store);
  const auto router = service.router();
  const auto response = dispatch(io, router, request);
  if (request.method != "POST" || request.path != "/publisher_lookup") return 0;

  const auto body = lookup::parse_lookup_body(request.body);
  const auto source = lookup::select_source_address(request.peer_address, request.header("x-forwarded-for"),
                                                    config.trusted_proxies);
  if ((response.status == 200) != (body.ok() && source.address.has_value())) std::abort();
  if (response.status != 200) return 0;
  if (store->size() != 1) std::abort();

  // A playback node asks where the stream is: the answer points at the recorded address.
  http::Request watcher;
  watcher.method = "POST";
  watcher.target = watcher.path = "/watcher_lookup";
  watcher.body = R"({"stream_name": ")" + body->stream_name + R"("})";
  watcher.peer_address = boost::asio::ip::make_address("192.0.2.99");
  const auto answer = dispatch(io, router, watcher);
  if (answer.status != 200) std::abort();
  check_answer(answer.body, body->stream_name, *source.address);
  return 0;
}
