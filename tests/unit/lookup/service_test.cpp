// lookup-server routes, driven through the router (no socket): statuses, bodies, proxies,
// and a store that is down.
#include "tests/unit/lookup/service_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::lookup;
using mmids::lookup::testing::Fixture;

namespace {

// A store whose backend is unreachable, like Redis when it is stopped.
class DownStore : public Store {
 public:
  void publish(const std::string&, const std::string&, StoreCallback<PublishOutcome> done) override { done(mmids::Error("connection refused")); }
  void watch(const std::string&, const std::string&, StoreCallback<std::optional<Publisher>> done) override { done(mmids::Error("connection refused")); }
  void unpublish(const std::string&, const std::string&, StoreCallback<UnpublishOutcome> done) override { done(mmids::Error("connection refused")); }
  void unwatch(const std::string&, const std::string&, StoreCallback<bool> done) override { done(mmids::Error("connection refused")); }
  void list(StoreCallback<std::vector<StreamEntry>> done) override { done(mmids::Error("connection refused")); }
  void count(StoreCallback<std::size_t> done) override { done(mmids::Error("connection refused")); }
  void check(StoreCallback<bool> done) override { done(mmids::Error("connection refused")); }
  [[nodiscard]] std::string describe() const override { return "redis://down:6379/0"; }
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
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_requests_total{outcome=\"recorded\",route=\"publisher_lookup\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_requests_total{outcome=\"found\",route=\"watcher_lookup\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_request_seconds_count{route=\"watcher_lookup\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("mmids_lookup_streams 1"));

  auto page = f.call("GET", "/");
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK_THAT(page.body, Catch::Contains("<script src=\"dashboard.js\">"));
  CHECK_THAT(f.call("GET", "/dashboard.js").body, Catch::Contains("load('streams')"));
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
  CHECK_THAT(metrics.body, Catch::Contains("outcome=\"unavailable\""));
}
