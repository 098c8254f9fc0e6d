// mmids-core/http responses the server writes itself: a streaming body (chunked, asked
// for bytes only when the socket took the previous ones, the stream told when the peer
// goes) and a shared body (referenced spans, Content-Length, the connection kept alive).
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace mmids::http;
using namespace mmids::http::testing;

namespace {

// Hands out `chunks` pieces of text, one per wake-up the test causes.
class CountingStream : public BodyStream {
 public:
  void started(Control control) override { control_ = std::move(control); }
  bool next(Spans& out) override {
    ++asked;
    if (ready_ > 0) {
      --ready_;
      text_ = "piece " + std::to_string(++sent) + "\n";
      out.emplace_back(reinterpret_cast<const uint8_t*>(text_.data()), text_.size());
    }
    return true;
  }
  void closed(std::string_view reason) override {
    why = std::string(reason);
    done = true;
  }
  void produce(int pieces) {  // on the io thread
    ready_ += pieces;
    if (control_.wake) control_.wake();
  }

  std::atomic<int> asked{0};
  int sent = 0;
  std::atomic<bool> done{false};
  std::string why;

 private:
  Control control_;
  int ready_ = 0;
  std::string text_;
};

}  // namespace

TEST_CASE("http: a streaming body is sent chunked as it is made, and told when the peer leaves", "[http]") {
  auto stream = std::make_shared<CountingStream>();
  Router router;
  router.add("GET", "/live", [stream](const Request&, Responder respond) {
    auto response = Response::streaming(200, "text/plain", stream);
    response.headers.emplace_back("X-Live", "yes");
    respond(std::move(response));
  });
  TestServer server(std::move(router));
  std::optional<RawClient> client(std::in_place, server.port());
  client->send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
  // Nothing is ready: the head comes, then nothing until the stream has pieces.
  for (int i = 0; i < 100 && stream->asked == 0; ++i) std::this_thread::sleep_for(10ms);
  server.on_io([&] {
    stream->produce(3);
    return 0;
  });
  // The parser reads the chunked body until the connection ends; end it from the stream's side.
  for (int i = 0; i < 200 && server.on_io([&] { return stream->sent; }) < 3; ++i) std::this_thread::sleep_for(10ms);
  CHECK(server.on_io([&] { return stream->sent; }) == 3);
  CHECK_FALSE(stream->done);
  CHECK_THAT(client->read_available(200ms), Catch::Contains("piece 3"));
  client.reset();  // the player goes away
  for (int i = 0; i < 300 && !stream->done; ++i) std::this_thread::sleep_for(10ms);
  CHECK(stream->done);
  CHECK_THAT(server.on_io([&] { return stream->why; }), Catch::Contains("closed by the peer"));
}

TEST_CASE("http: a streaming head says chunked and that the connection ends with the body", "[http]") {
  auto stream = std::make_shared<CountingStream>();
  Router router;
  router.add("GET", "/live", [stream](const Request&, Responder respond) {
    respond(Response::streaming(200, "text/plain", stream));
  });
  TestServer server(std::move(router));
  RawClient client(server.port());
  client.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 100 && stream->asked == 0; ++i) std::this_thread::sleep_for(10ms);
  server.on_io([&] {
    stream->produce(2);
    return 0;
  });
  // Read raw bytes: the head and the two chunks.
  std::string seen;
  for (int i = 0; i < 100 && seen.find("piece 2") == std::string::npos; ++i) {
    seen += client.read_available(50ms);
  }
  CHECK_THAT(seen, Catch::Contains("Transfer-Encoding: chunked"));
  CHECK_THAT(seen, Catch::Contains("Connection: close"));
  CHECK_THAT(seen, Catch::Contains("8\r\npiece 1\n\r\n"));
  CHECK_THAT(seen, Catch::Contains("8\r\npiece 2\n\r\n"));
}

TEST_CASE("http: a shared body goes out with Content-Length on a kept-alive connection", "[http]") {
  auto owner = std::make_shared<const std::string>("shared bytes");
  Router router;
  router.add("GET", "/shared", [owner](const Request&, Responder respond) {
    const auto* data = reinterpret_cast<const uint8_t*>(owner->data());
    SharedBody body{owner, {std::span(data, 6), std::span(data + 6, owner->size() - 6)}};
    respond(Response::shared(200, "application/octet-stream", std::move(body)));
  });
  TestServer server(std::move(router));
  RawClient client(server.port());
  for (int round = 0; round < 2; ++round) {
    client.send("GET /shared HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result_int() == 200);
    CHECK(response->body() == "shared bytes");
    CHECK((*response)[boost::beast::http::field::content_length] == "12");
    CHECK(response->keep_alive());
  }
}
