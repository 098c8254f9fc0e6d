#pragma once
// The lookup routes driven through the router (no socket), for the service tests.
#include "lookup-server/memory_store.hpp"
#include "lookup-server/service.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <vector>
#include <optional>
#include <string>

namespace mmids::lookup::testing {

struct Fixture {
  explicit Fixture(LookupConfig config = {}, std::shared_ptr<Store> store = nullptr)
      : service(io, config,
                store ? store : std::make_shared<MemoryStore>(StoreTimes{config.publisher_ttl, config.watcher_window})),
        router(service.router()) {}
  // For a config that needs the io_context first (an auth endpoint served on it): setup
  // may put what must live as long as the service into keep.
  using Setup = std::function<LookupConfig(boost::asio::io_context& io, std::vector<std::shared_ptr<void>>& keep)>;
  explicit Fixture(const Setup& setup)
      : service(io, setup(io, keep), std::make_shared<MemoryStore>(StoreTimes{})), router(service.router()) {}

  http::Response call(const std::string& method, const std::string& path, const std::string& body = {},
                      const std::string& peer = "10.0.0.1", const std::string& forwarded_for = {},
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::Request request;
    request.method = method;
    request.path = request.target = path;
    request.body = body;
    request.peer_address = boost::asio::ip::make_address(peer);
    request.peer_port = 40000;
    if (!forwarded_for.empty()) request.headers["x-forwarded-for"] = forwarded_for;
    for (const auto& [name, value] : headers) {
      std::string lower;
      for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      request.headers[lower] = value;
    }
    std::optional<http::Response> answer;
    router.dispatch(request, [&](http::Response response) { answer = std::move(response); });
    // Authorisers that ask over the network answer on the io thread.
    for (int i = 0; !answer && i < 400; ++i) {
      io.run_for(std::chrono::milliseconds(10));
      io.restart();
    }
    REQUIRE(answer);
    return *answer;
  }
  http::Response publish(const std::string& name, const std::string& peer = "10.0.0.1", const std::string& xff = {}) {
    return call("POST", "/publisher_lookup", "{\"stream_name\":\"" + name + "\"}", peer, xff);
  }
  http::Response watch(const std::string& name, const std::string& peer = "10.0.9.9") {
    return call("POST", "/watcher_lookup", "{\"stream_name\":\"" + name + "\"}", peer);
  }
  std::string metrics() { return call("GET", "/metrics").body; }

  boost::asio::io_context io;
  std::vector<std::shared_ptr<void>> keep;  // destroyed before io, after the service
  LookupService service;
  http::Router router;
};

}  // namespace mmids::lookup::testing
