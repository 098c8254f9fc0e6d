// lookup-server routes, driven through the router (no socket): statuses, bodies, proxies,
// and a store that is down.
#include "lookup-server/memory_store.hpp"
#include "lookup-server/service.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::lookup;

namespace {

// A store whose backend is unreachable, like Redis when it is stopped.
class DownStore : public Store {
 public:
  void publish(const std::string&, const std::string&, StoreCallback<PublishOutcome> done) override { done(mmids::Error("connection refused")); }
  void watch(const std::string&, const std::string&, StoreCallback<std::optional<Publisher>> done) override { done(mmids::Error("connection refused")); }
  void list(StoreCallback<std::vector<StreamEntry>> done) override { done(mmids::Error("connection refused")); }
  void count(StoreCallback<std::size_t> done) override { done(mmids::Error("connection refused")); }
  void check(StoreCallback<bool> done) override { done(mmids::Error("connection refused")); }
  [[nodiscard]] std::string describe() const override { return "redis://down:6379/0"; }
};

struct Fixture {
  explicit Fixture(LookupConfig config = {}, std::shared_ptr<Store> store = nullptr)
      : service(config, store ? store : std::make_shared<MemoryStore>(StoreTimes{config.publisher_ttl, config.watcher_window})),
        router(service.router()) {}

  http::Response call(const std::string& method, const std::string& path, const std::string& body = {},
                      const std::string& peer = "10.0.0.1", const std::string& forwarded_for = {}) {
    http::Request request;
    request.method = method;
    request.path = request.target = path;
    request.body = body;
    request.peer_address = boost::asio::ip::make_address(peer);
    request.peer_port = 40000;
    if (!forwarded_for.empty()) request.headers["x-forwarded-for"] = forwarded_for;
    std::optional<http::Response> answer;
    router.dispatch(request, [&](http::Response response) { answer = std::move(response); });
    REQUIRE(answer);
    return *answer;
  }
  http::Response publish(const std::string& name, const std::string& peer = "10.0.0.1", const std::string& xff = {}) {
    return call("POST", "/publisher_lookup", "{\"stream_name\":\"" + name + "\"}", peer, xff);
  }
  http::Response watch(const std::string& name, const std::string& peer = "10.0.9.9") {
    return call("POST", "/watcher_lookup", "{\"stream_name\":\"" + name + "\"}", peer);
  }

  LookupService service;
  http::Router router;
};

}  // namespace

TEST_CASE("lookup: routes answer publishers with 200 and watchers with the workflow", "[lookup]") {
  Fixture f;
  auto published = f.publish("cam1");
  CHECK(published.status == 200);
  CHECK(published.body.empty());
  auto answer = f.watch("cam1");
  CHECK(answer.status == 200);
  CHECK(answer.body ==
        "workflow ingest_cam1 {\n    ffmpeg_pull location=rtmp://10.0.0.1/pull_source/cam1 stream_name=cam1\n}\n");
  CHECK(f.watch("other").status == 404);

  f.publish("cam1", "10.0.0.2");  // the latest publisher wins
  CHECK(f.watch("cam1").body.find("rtmp://10.0.0.2/pull_source/cam1") != std::string::npos);
  f.publish("v6", "2001:db8::2");
  CHECK(f.watch("v6").body.find("rtmp://[2001:db8::2]/pull_source/v6 ") != std::string::npos);
}

TEST_CASE("lookup: routes refuse names that could inject config with 400", "[lookup]") {
  Fixture f;
  for (const std::string& body : std::vector<std::string>{R"({"stream_name":"a}"})", R"({"stream_name":"a\nworkflow x {"})", R"({"stream_name":"a b"})",
                           R"({"stream_name":"../etc/passwd"})", "{\"stream_name\":\"" + std::string(129, 'a') + "\"}",
                           "not json", R"({"name":"cam1"})", "", R"({"stream_name":"${HOME}"})"}) {
    INFO(body);
    for (const char* path : {"/publisher_lookup", "/watcher_lookup"}) {
      auto response = f.call("POST", path, body);
      CHECK(response.status == 400);
      CHECK(response.content_type == "application/json");
      CHECK(nlohmann::json::parse(response.body).contains("error"));
    }
  }
  CHECK(f.call("GET", "/publisher_lookup").status == 405);
  CHECK(f.call("GET", "/watcher_lookup").status == 405);
  CHECK(f.call("POST", "/streams").status == 405);
  CHECK(f.call("GET", "/nothing").status == 404);
}

TEST_CASE("lookup: routes believe X-Forwarded-For only from trusted proxies", "[lookup]") {
  LookupConfig config;
  config.trusted_proxies = {*mmids::net::parse_address_range("10.0.0.0/24")};
  Fixture f(config);
  f.publish("proxied", "10.0.0.5", "198.51.100.7");
  CHECK(f.watch("proxied").body.find("rtmp://198.51.100.7/") != std::string::npos);
  f.publish("direct", "192.0.2.1", "198.51.100.8");  // not a proxy of ours: header ignored
  CHECK(f.watch("direct").body.find("rtmp://192.0.2.1/") != std::string::npos);
  CHECK(f.publish("bad", "10.0.0.5", "nonsense").status == 400);
}

TEST_CASE("lookup: routes serve streams healthz metrics and the dashboard", "[lookup]") {
  Fixture f;
  f.publish("cam1", "10.0.0.1");
  f.watch("cam1", "10.0.5.5");
  auto streams = f.call("GET", "/streams");
  CHECK(streams.status == 200);
  auto json = nlohmann::json::parse(streams.body);
  CHECK(json["store"] == "memory");
  REQUIRE(json["streams"].size() == 1);
  CHECK(json["streams"][0]["stream"] == "cam1");
  CHECK(json["streams"][0]["ingestion_address"] == "10.0.0.1");
  CHECK(json["streams"][0]["age_seconds"].is_number());
  CHECK(json["streams"][0]["playback_nodes"][0]["address"] == "10.0.5.5");

  CHECK(f.call("GET", "/healthz").status == 200);
  auto metrics = f.call("GET", "/metrics");
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_lookups_total{route=\"publisher_lookup\",result=\"recorded\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_lookups_total{route=\"watcher_lookup\",result=\"found\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_lookup_duration_seconds_count{route=\"watcher_lookup\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_live_streams 1"));

  auto page = f.call("GET", "/");
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK_THAT(page.body, Catch::Contains("<script src=\"dashboard.js\">"));
  CHECK_THAT(f.call("GET", "/dashboard.js").body, Catch::Contains("fetch('streams'"));
}

TEST_CASE("lookup: routes answer 503 when the store is down", "[lookup]") {
  Fixture f({}, std::make_shared<DownStore>());
  for (auto response : {f.publish("cam1"), f.watch("cam1"), f.call("GET", "/streams"), f.call("GET", "/healthz")}) {
    CHECK(response.status == 503);
    CHECK_THAT(response.body, Catch::Contains("connection refused"));
  }
  CHECK(f.publish("a}").status == 400);  // input is still checked first
  auto metrics = f.call("GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_store_up 0"));
  CHECK_THAT(metrics.body, Catch::Contains("result=\"unavailable\"} 1"));
}
