// mmids-core/http Server over real sockets: routing, limits, keep-alive, timeouts, stop.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace mmids::http;
using namespace mmids::http::testing;

namespace {

Router echo_router() {
  Router router;
  router.add("POST", "/echo", [](const Request& request, Responder respond) {
    respond(Response::text(200, request.body));
  });
  router.add("GET", "/hello", [](const Request& request, Responder respond) {
    auto response = Response::json(200, {{"path", request.path}, {"query", request.query},
                                         {"agent", request.header("User-Agent")}});
    response.headers.emplace_back("X-Extra", "yes");
    respond(std::move(response));
  });
  return router;
}

}  // namespace

TEST_CASE("http: server answers routes and 404 and 405 over a socket", "[http]") {
  TestServer server(echo_router());
  auto hello = get_sync(server.url("/hello?x=1"));
  REQUIRE(hello.ok());
  CHECK(hello->status == 200);
  CHECK(hello->headers["content-type"] == "application/json");
  CHECK(hello->headers["x-extra"] == "yes");
  auto body = nlohmann::json::parse(hello->body);
  CHECK(body["path"] == "/hello");
  CHECK(body["query"] == "x=1");
  CHECK(body["agent"] == "mmids");

  auto missing = get_sync(server.url("/missing"));
  CHECK(missing->status == 404);
  CHECK(nlohmann::json::parse(missing->body).contains("error"));

  auto wrong = get_sync(server.url("/echo"));
  CHECK(wrong->status == 405);
  CHECK(wrong->headers["allow"] == "POST");

  auto echoed = post_sync(server.url("/echo"), "{\"a\":1}");
  CHECK(echoed->status == 200);
  CHECK(echoed->body == "{\"a\":1}");
}

TEST_CASE("http: server keeps a connection alive across requests", "[http]") {
  TestServer server(echo_router());
  RawClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    std::string body = "request " + std::to_string(i);
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->body() == body);
    CHECK(response->keep_alive());
  }
  CHECK(server.on_io([&] { return server.server().connection_count(); }) == 1);

  client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto last = client.read_response();
  REQUIRE(last);
  CHECK_FALSE(last->keep_alive());
  CHECK(client.closed_within(2s));
}

TEST_CASE("http: server answers 413 before reading a body over the limit", "[http]") {
  ServerOptions options;
  options.max_body_bytes = 1024;
  TestServer server(echo_router(), options);

  RawClient announced(server.port());  // Content-Length alone is enough to refuse
  announced.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  auto response = announced.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 413);
  CHECK(announced.closed_within(3s));

  auto sent = post_sync(server.url("/echo"), std::string(4096, 'x'));  // the body was written
  REQUIRE(sent.ok());
  CHECK(sent->status == 413);
  CHECK(post_sync(server.url("/echo"), std::string(1024, 'x'))->status == 200);
}

TEST_CASE("http: server sends 100 Continue to clients that wait for it", "[http]") {
  ServerOptions options;
  options.max_body_bytes = 1024;
  TestServer server(echo_router(), options);
  RawClient client(server.port());
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  auto interim = client.read_response();
  REQUIRE(interim);
  CHECK(interim->result_int() == 100);
  client.send("hello");
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 200);
  CHECK(response->body() == "hello");

  RawClient too_big(server.port());  // refused without asking for the body
  too_big.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
  auto refused = too_big.read_response();
  REQUIRE(refused);
  CHECK(refused->result_int() == 413);
}

TEST_CASE("http: server answers 431 and 400 to oversized and malformed requests", "[http]") {
  ServerOptions options;
  options.max_header_bytes = 1024;
  TestServer server(echo_router(), options);

  RawClient big(server.port());
  big.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  auto response = big.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 431);

  RawClient garbage(server.port());
  garbage.send("HELLO THERE\r\n\r\n");
  response = garbage.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 400);
  CHECK(garbage.closed_within(3s));
}

TEST_CASE("http: server closes idle and slow connections after the idle timeout", "[http]") {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  TestServer server(echo_router(), options);

  RawClient idle(server.port());
  RawClient slow(server.port());
  slow.send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes its header
  auto started = std::chrono::steady_clock::now();
  CHECK(idle.closed_within(4s));
  CHECK(slow.closed_within(4s));
  CHECK(std::chrono::steady_clock::now() - started >= 900ms);
}

TEST_CASE("http: server handlers may answer later or not at all", "[http]") {
  Router router;
  std::vector<Responder> held;  // touched on the io thread only
  router.add("GET", "/later", [&](const Request&, Responder respond) {
    held.push_back(std::move(respond));
  });
  router.add("GET", "/dropped", [](const Request&, Responder) {});
  TestServer server(std::move(router));

  std::thread answer([&] {
    // Answer once the request is being held, from the io thread, a while after it came.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server.on_io([&] { return !held.empty(); }) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    std::this_thread::sleep_for(100ms);
    server.on_io([&] {
      for (auto& respond : held) respond(Response::text(200, "late"));
      held.clear();
      return 0;
    });
  });
  auto later = get_sync(server.url("/later"));
  answer.join();
  CHECK(later->status == 200);
  CHECK(later->body == "late");

  auto dropped = get_sync(server.url("/dropped"));
  CHECK(dropped->status == 500);
}

TEST_CASE("http: server stop closes open connections and start reports busy ports", "[http]") {
  ServerOptions options;
  TestServer server(echo_router(), options);
  RawClient client(server.port());
  client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(client.read_response());

  options.port = server.port();
  boost::asio::io_context io;
  Server second(io, echo_router(), options);
  CHECK_THROWS_WITH(second.start(), Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(server.port())));
  ServerOptions bad;
  bad.address = "not-an-address";
  Server third(io, echo_router(), bad);
  CHECK_THROWS_WITH(third.start(), Catch::Contains("cannot listen on not-an-address:0"));

  server.on_io([&] {
    server.server().stop();
    return 0;
  });
  CHECK(client.closed_within(2s));
}

TEST_CASE("http: server speaks https with a certificate the client verifies", "[http]") {
  TestPki pki;
  ServerOptions options;
  options.tls = make_server_tls_context(pki.cert_file, pki.key_file);
  TestServer server(echo_router(), options);

  ClientOptions trusted;
  trusted.ca_file = pki.ca_file;
  auto ok = post_sync(server.url("/echo"), "secret", trusted);
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
  CHECK(ok->body == "secret");
  auto by_name = get_sync("https://localhost:" + std::to_string(server.port()) + "/hello", trusted);
  CHECK(by_name->status == 200);

  auto untrusted = get_sync(server.url("/hello"));  // system store only
  CHECK_FALSE(untrusted.ok());
  CHECK_THAT(untrusted.error(), Catch::Contains("certificate verification failed"));

  auto plain = get_sync("http://127.0.0.1:" + std::to_string(server.port()) + "/hello", ClientOptions{{}, 2000ms, {}});
  CHECK_FALSE(plain.ok());

  CHECK_THROWS_WITH(make_server_tls_context(pki.dir + "/missing.pem", pki.key_file), Catch::Contains("missing.pem"));
  CHECK_THROWS_WITH(make_server_tls_context(pki.cert_file, pki.self_signed_key_file), Catch::Contains("self.key"));
}
