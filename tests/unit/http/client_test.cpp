// mmids-core/http client: errors, timeouts, the local address requests come from, TLS checks.
#include "test_support.hpp"

#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <thread>

using namespace mmids::http;
using namespace mmids::http::testing;

namespace {

Router peer_router(std::vector<Responder>* held = nullptr) {
  Router router;
  router.add("GET", "/peer", [](const Request& request, Responder respond) {
    respond(Response::text(200, request.peer_address.to_string()));
  });
  router.add("GET", "/never", [held](const Request&, Responder respond) { held->push_back(std::move(respond)); });
  return router;
}

}  // namespace

TEST_CASE("http: client requests come from bind_address", "[http]") {
  TestServer server(peer_router());
  ClientOptions options;
  options.bind_address = "127.0.0.2";
  auto result = get_sync(server.url("/peer"), options);
  REQUIRE(result.ok());
  CHECK(result->body == "127.0.0.2");
  CHECK(get_sync(server.url("/peer"))->body == "127.0.0.1");

  options.bind_address = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  auto unbound = get_sync(server.url("/peer"), options);
  CHECK_THAT(unbound.error(), Catch::Contains("cannot bind to 192.0.2.1"));
  options.bind_address = "nonsense";
  CHECK_THAT(get_sync(server.url("/peer"), options).error(), Catch::Contains("bad bind address"));
}

TEST_CASE("http: client gives up after its timeout", "[http]") {
  std::vector<Responder> held;
  TestServer server(peer_router(&held));
  ClientOptions options;
  options.timeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  auto result = get_sync(server.url("/never"), options);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK_THAT(result.error(), Catch::Contains("timed out after 300 ms (reading the response)"));
  CHECK(took >= 290ms);
  CHECK(took < 3s);
  server.on_io([&] {
    held.clear();
    return 0;
  });

  // A listener that never accepts: the connection completes in the backlog, nothing answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto quiet = get_sync("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/", options);
  CHECK_THAT(quiet.error(), Catch::Contains("timed out"));
}

TEST_CASE("http: client reports refused connections and bad URLs", "[http]") {
  auto refused = get_sync("http://127.0.0.1:" + std::to_string(unused_port()) + "/");
  CHECK_THAT(refused.error(), Catch::Contains("cannot connect to 127.0.0.1:"));
  CHECK_THAT(get_sync("gopher://x/").error(), Catch::Contains("bad URL"));
  ClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  CHECK_THAT(get_sync("https://127.0.0.1:1/", options).error(), Catch::Contains("cannot load CA file"));
}

TEST_CASE("http: client verifies the https server name and chain", "[http]") {
  TestPki pki;
  ServerOptions self_signed;
  self_signed.tls = make_server_tls_context(pki.self_signed_cert_file, pki.self_signed_key_file);
  TestServer untrusted(peer_router(), self_signed);
  ClientOptions options;
  options.ca_file = pki.ca_file;
  auto chain = get_sync(untrusted.url("/peer"), options);
  CHECK_THAT(chain.error(), Catch::Contains("certificate verification failed"));

  ServerOptions good;
  good.tls = make_server_tls_context(pki.cert_file, pki.key_file);
  TestServer server(peer_router(), good);
  CHECK(get_sync(server.url("/peer"), options)->status == 200);
  // The certificate names localhost, 127.0.0.1 and ::1; 127.0.0.2 is someone else.
  good.address = "127.0.0.2";
  TestServer elsewhere(peer_router(), good);
  auto wrong_name = get_sync(elsewhere.url("/peer"), options);
  CHECK_THAT(wrong_name.error(), Catch::Contains("IP address mismatch") || Catch::Contains("mismatch"));
}

TEST_CASE("http: client runs many requests on one io_context", "[http]") {
  TestServer server(peer_router());
  boost::asio::io_context io;
  int done = 0;
  for (int i = 0; i < 20; ++i) {
    get(io, server.url("/peer"), {}, [&](ClientResult result) {
      CHECK(result->status == 200);
      ++done;
    });
  }
  io.run();
  CHECK(done == 20);
}

namespace {

// A peer that answers one connection with `response`, written in one send (header and
// body in the same segment, as small servers do).
class OneShotPeer {
 public:
  explicit OneShotPeer(std::string response)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}), response_(std::move(response)) {
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      char request[4096];
      socket.read_some(boost::asio::buffer(request), ec);
      boost::asio::write(socket, boost::asio::buffer(response_), ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    });
  }
  ~OneShotPeer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/"; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::string response_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("http: client refuses a response body over max_response_bytes", "[http]") {
  ClientOptions options;
  options.max_response_bytes = 1024;
  const std::string body(4096, 'x');
  SECTION("declared by Content-Length, sent with the header") {
    OneShotPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + body);
    CHECK_THAT(get_sync(peer.url(), options).error(), Catch::Contains("response body too large"));
  }
  SECTION("chunked") {
    OneShotPeer peer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + body + "\r\n0\r\n\r\n");
    CHECK_THAT(get_sync(peer.url(), options).error(), Catch::Contains("response body too large"));
  }
  SECTION("until the connection closes") {
    OneShotPeer peer("HTTP/1.0 200 OK\r\n\r\n" + body);
    CHECK_THAT(get_sync(peer.url(), options).error(), Catch::Contains("response body too large"));
  }
  SECTION("within the limit") {
    OneShotPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n" + body.substr(0, 1024));
    auto result = get_sync(peer.url(), options);
    REQUIRE(result.ok());
    CHECK(result->body.size() == 1024);
  }
}
