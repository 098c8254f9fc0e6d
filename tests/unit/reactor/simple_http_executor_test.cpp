// The simple_http executor against a real HTTP server on loopback: what it sends, from
// where, how it reads 200 / 404 / failures, its retry schedule, timeouts and https.
#include "reactor/simple_http_executor.hpp"
#include "tests/unit/reactor/reactor_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mmids;
using namespace mmids::reactor;
using namespace mmids::reactor::testing;

namespace {

// Fast schedule: 50 ms then 150 ms instead of 5 s then 15 s.
SimpleHttpOptions fast_options(const std::string& url) {
  SimpleHttpOptions options;
  options.url = url;
  options.request_timeout = 2000ms;
  options.retry_delays = {50ms, 150ms};
  return options;
}

// One lookup, driven to its answer.
struct Lookup {
  std::optional<ExecutorAnswer> answer;
  int calls = 0;
  Clock::time_point answered_at;
};

Lookup look_up(asio::io_context& io, SimpleHttpExecutor& executor, const std::string& stream,
               std::chrono::milliseconds limit = 3000ms) {
  auto result = std::make_shared<Lookup>();
  executor.lookup(LookupRequest{stream}, [result](ExecutorAnswer answer) {
    ++result->calls;
    result->answer = std::move(answer);
    result->answered_at = Clock::now();
  });
  run_until(io, [&] { return result->answer.has_value(); }, limit);
  run_for(io, 20ms);  // a second `done` would show up here
  return *result;
}

}  // namespace

TEST_CASE("simple_http: POSTs the stream name as JSON and reads 200 with no workflows as valid", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "publishers", fast_options(server.url("/publisher_lookup")));

  auto result = look_up(io, executor, "cam1");
  REQUIRE(result.answer);
  CHECK(result.calls == 1);
  CHECK(result.answer->valid);
  CHECK(result.answer->workflows.empty());
  REQUIRE(server.requests().size() == 1);
  const auto& request = server.requests().front();
  CHECK(request.method == "POST");
  CHECK(request.path == "/publisher_lookup");
  CHECK(request.content_type == "application/json");
  CHECK(nlohmann::json::parse(request.body) == nlohmann::json{{"stream_name", "cam1"}});
}

TEST_CASE("simple_http: a stream name needing JSON escaping arrives intact", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "publishers", fast_options(server.url()));
  const std::string name = "we\"ird\\name\n\t{}";

  auto result = look_up(io, executor, name);
  REQUIRE(result.answer);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests().front().stream_name == name);
  CHECK(lookup_request_body(LookupRequest{name}) == R"({"stream_name":"we\"ird\\name\n\t{}"})");
  // Not UTF-8 (from an RTMP client): replaced, not thrown on.
  CHECK(nlohmann::json::parse(lookup_request_body(LookupRequest{"a\xff" "b"}))["stream_name"] == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("simple_http: the body carries the client and the heartbeat flag; forget sends DELETE", "[reactor]") {
  CHECK(nlohmann::json::parse(lookup_request_body(LookupRequest{"cam1", "198.51.100.7", "token=abc", true})) ==
        nlohmann::json{{"stream_name", "cam1"}, {"client_address", "198.51.100.7"}, {"query", "token=abc"}, {"refresh", true}});

  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "publishers", fast_options(server.url("/publisher_lookup")));
  executor.forget(LookupRequest{"cam1", "198.51.100.7"});
  REQUIRE(run_until(io, [&] { return server.requests().size() == 1; }));
  const auto& request = server.requests().front();
  CHECK(request.method == "DELETE");
  CHECK(request.path == "/publisher_lookup");
  CHECK(nlohmann::json::parse(request.body) == nlohmann::json{{"stream_name", "cam1"}, {"client_address", "198.51.100.7"}});
}

TEST_CASE("simple_http: 200 with one and with two workflows gives them parsed", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "watchers", fast_options(server.url("/watcher_lookup")));

  server.queue({ScriptedAnswer::ok(
      "workflow ingest_cam1 {\n    ffmpeg_pull location=rtmp://10.0.0.5/pull_source/cam1 stream_name=cam1\n}\n")});
  auto one = look_up(io, executor, "cam1");
  REQUIRE(one.answer);
  CHECK(one.answer->valid);
  REQUIRE(one.answer->workflows.size() == 1);
  CHECK(one.answer->workflows[0].name == "ingest_cam1");
  REQUIRE(one.answer->workflows[0].steps.size() == 1);
  CHECK(one.answer->workflows[0].steps[0].type == "ffmpeg_pull");
  CHECK(one.answer->workflows[0].steps[0].parameters.at("location") == "rtmp://10.0.0.5/pull_source/cam1");

  server.queue({ScriptedAnswer::ok(workflow_text("a", "s_a") + "# a comment\n" + workflow_text("b", "s_b", true))});
  auto two = look_up(io, executor, "cam2");
  REQUIRE(two.answer);
  CHECK(two.answer->valid);
  REQUIRE(two.answer->workflows.size() == 2);
  CHECK(two.answer->workflows[0].name == "a");
  CHECK_FALSE(two.answer->workflows[0].routed_by_reactor);
  CHECK(two.answer->workflows[1].name == "b");
  CHECK(two.answer->workflows[1].routed_by_reactor);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("simple_http: 404 is invalid at once, with exactly one request", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "watchers", fast_options(server.url()));
  server.set_fallback(ScriptedAnswer::status_only(404));

  auto result = look_up(io, executor, "unknown");
  REQUIRE(result.answer);
  CHECK_FALSE(result.answer->valid);
  run_for(io, 300ms);  // longer than the whole retry schedule
  CHECK(server.requests().size() == 1);
  CHECK(result.calls == 1);
}

TEST_CASE("simple_http: 500 then 200 is retried after the first delay and is valid", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "watchers", fast_options(server.url()));
  server.queue({ScriptedAnswer::status_only(500), ScriptedAnswer::ok(workflow_text("w", "s_retry"))});

  auto result = look_up(io, executor, "cam1");
  REQUIRE(result.answer);
  CHECK(result.answer->valid);
  CHECK(result.answer->workflows.size() == 1);
  run_for(io, 300ms);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].at - server.requests()[0].at >= 50ms);
  CHECK(server.requests()[1].at - server.requests()[0].at < 1000ms);
}

TEST_CASE("simple_http: three failures are invalid after exactly three requests on the schedule", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  SimpleHttpExecutor executor(io, "watchers", fast_options(server.url()));
  // Any status but 200/404, and a 200 whose body is not workflows, are failures alike.
  server.queue({ScriptedAnswer::status_only(500), ScriptedAnswer::status_only(503),
                ScriptedAnswer::ok("this is not { a workflow")});
  server.set_fallback(ScriptedAnswer::ok());  // a fourth request would be valid

  auto result = look_up(io, executor, "cam1");
  REQUIRE(result.answer);
  CHECK_FALSE(result.answer->valid);
  run_for(io, 300ms);
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[1].at - server.requests()[0].at >= 50ms);
  CHECK(server.requests()[2].at - server.requests()[1].at >= 150ms);
  CHECK(result.calls == 1);
}

TEST_CASE("simple_http: a server that never answers times out each attempt", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  auto options = fast_options(server.url());
  options.request_timeout = 200ms;
  options.retry_delays = {50ms};
  SimpleHttpExecutor executor(io, "watchers", options);
  CHECK(executor.worst_case_duration() == 450ms);
  server.set_fallback(ScriptedAnswer::never());

  const auto started = Clock::now();
  auto result = look_up(io, executor, "cam1");
  REQUIRE(result.answer);
  CHECK_FALSE(result.answer->valid);
  CHECK(result.answered_at - started >= 450ms);
  CHECK(result.answered_at - started < 2000ms);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("simple_http: nothing listening is a failure, retried, then invalid", "[reactor]") {
  asio::io_context io;
  std::string url;
  {
    LookupServer closed(io);
    url = closed.url();
  }
  SimpleHttpExecutor executor(io, "watchers", fast_options(url));
  auto result = look_up(io, executor, "cam1");
  REQUIRE(result.answer);
  CHECK_FALSE(result.answer->valid);
}

TEST_CASE("simple_http: requests come from bind_address", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  for (const std::string address : {"127.0.0.1", "127.0.0.2"}) {
    auto options = fast_options(server.url());
    options.bind_address = address;
    SimpleHttpExecutor executor(io, "publishers", options);
    auto result = look_up(io, executor, "from_" + address);
    REQUIRE(result.answer);
    CHECK(result.answer->valid);
    REQUIRE(server.requests().size() >= 1);
    CHECK(server.requests().back().peer_address == address);
  }
  CHECK(server.requests().size() == 2);
}

TEST_CASE("simple_http: https is verified against ca_file, and fails without it", "[reactor]") {
  TestCertificates certificates;
  asio::io_context io;
  LookupServer server(io, http::make_server_tls_context(certificates.cert_file, certificates.key_file));
  REQUIRE(server.url().rfind("https://", 0) == 0);

  auto options = fast_options(server.url("/watcher_lookup"));
  options.ca_file = certificates.ca_file;
  SimpleHttpExecutor trusting(io, "watchers", options);
  auto trusted = look_up(io, trusting, "cam1");
  REQUIRE(trusted.answer);
  CHECK(trusted.answer->valid);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].stream_name == "cam1");

  SimpleHttpExecutor untrusting(io, "watchers", fast_options(server.url("/watcher_lookup")));
  auto refused = look_up(io, untrusting, "cam2");
  REQUIRE(refused.answer);
  CHECK_FALSE(refused.answer->valid);
  CHECK(server.requests().size() == 1);  // no request got past the TLS handshake
}

TEST_CASE("simple_http: a destroyed executor never calls back", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  int calls = 0;
  {
    SimpleHttpExecutor executor(io, "watchers", fast_options(server.url()));
    server.queue({ScriptedAnswer::status_only(500)});
    executor.lookup(LookupRequest{"in_retry"}, [&](ExecutorAnswer) { ++calls; });
    run_until(io, [&] { return server.requests().size() == 1; });
    run_for(io, 10ms);  // the 500 arrived; the retry timer is waiting
    executor.lookup(LookupRequest{"on_the_wire"}, [&](ExecutorAnswer) { ++calls; });
  }
  run_for(io, 400ms);
  CHECK(calls == 0);
}
