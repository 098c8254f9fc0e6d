// Registration rules per (port, app, key), as in mmids: "*" conflicts with everything
// on the same port and app; exact keys conflict with "*" and with themselves; publishers
// and watchers are separate; a port's TLS mode is fixed by its first registrant.
#include "mmids-core/rtmp/server/rtmp_server.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::rtmp;

namespace {

struct Server {
  asio::io_context io;
  RtmpServer server{io, options()};
  static RtmpServerOptions options() {
    RtmpServerOptions options;
    options.bind_address = "127.0.0.1";
    options.connect_timeout = std::chrono::seconds(5);
    return options;
  }

  Result<Subscription> publisher(const std::string& app, const std::string& key, uint16_t port = 0, bool tls = false) {
    endpoint::PublisherRegistration registration;
    registration.port = port;
    registration.app = app;
    registration.stream_key = key;
    registration.tls = tls;
    return server.register_publisher(std::move(registration));
  }
  Result<Subscription> watcher(const std::string& app, const std::string& key, uint16_t port = 0) {
    endpoint::WatcherRegistration registration;
    registration.port = port;
    registration.app = app;
    registration.stream_key = key;
    return server.register_watcher(std::move(registration));
  }
};

}  // namespace

TEST_CASE("registration conflict matrix", "[rtmp][registration]") {
  struct Case {
    const char* first;
    const char* second;
    bool conflict;
  };
  const Case cases[] = {
      {"*", "*", true}, {"*", "a", true}, {"a", "*", true}, {"a", "a", true}, {"a", "b", false},
  };
  for (const auto& c : cases) {
    Server s;
    auto first = s.publisher("live", c.first);
    REQUIRE(first.ok());
    auto second = s.publisher("live", c.second);
    INFO(c.first << " then " << c.second);
    CHECK(second.ok() == !c.conflict);
    if (c.conflict) CHECK_THAT(second.error(), Catch::Contains("already registered"));
  }
}

TEST_CASE("other apps, other ports and the other role never conflict", "[rtmp][registration]") {
  Server s;
  auto a = s.publisher("live", "*");
  REQUIRE(a.ok());
  CHECK(s.publisher("other", "*").ok());
  CHECK(s.watcher("live", "*").ok());
}

TEST_CASE("unregistering frees the key and closes an unused listener", "[rtmp][registration]") {
  Server s;
  auto a = s.publisher("live", "*");
  REQUIRE(a.ok());
  CHECK(s.server.bound_port(0) != 0);
  a->reset();
  CHECK(s.server.bound_port(0) == 0);
  CHECK(s.publisher("live", "*").ok());
}

TEST_CASE("a port's TLS mode is fixed by its first registrant", "[rtmp][registration]") {
  Server s;
  auto plain = s.publisher("live", "*");
  REQUIRE(plain.ok());
  auto tls = s.publisher("secure", "*", 0, /*tls=*/true);
  CHECK_FALSE(tls.ok());
  CHECK_THAT(tls.error(), Catch::Contains("cannot serve both"));
}

TEST_CASE("rtmps without a certificate is refused with the settings named", "[rtmp][registration]") {
  Server s;
  auto tls = s.publisher("secure", "*", 0, /*tls=*/true);
  CHECK_FALSE(tls.ok());
  CHECK_THAT(tls.error(), Catch::Contains("tls_cert_path"));
}

TEST_CASE("a port in use elsewhere is a registration error naming it", "[rtmp][registration]") {
  asio::io_context io;
  asio::ip::tcp::acceptor squatter(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t taken = squatter.local_endpoint().port();
  Server s;
  auto result = s.publisher("live", "*", taken);
  CHECK_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(taken)));
}
