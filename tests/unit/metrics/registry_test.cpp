// mmids-core/metrics: families on prometheus-cpp, their bounds, and what a scrape shows.
#include "mmids-core/metrics/registry.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace mmids::metrics;

namespace {

// The exposition lines that are samples (no comments), as a scraper reads them.
std::vector<std::string> samples(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() != '#') lines.push_back(line);
  }
  return lines;
}

bool has(const std::string& text, const std::string& line) {
  auto lines = samples(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("metrics: counters and gauges are scraped with their labels and help", "[metrics]") {
  Registry registry;
  auto& requests = registry.counter("test_requests_total", "Requests by route", {"route", "outcome"});
  auto& live = registry.gauge("test_live", "Live things");
  requests.inc({"watch", "found"});
  requests.inc({"watch", "found"}, 2);
  requests.inc({"publish", "recorded"});
  live.set({}, 3);
  auto text = registry.render();
  CHECK_THAT(text, Catch::Contains("# HELP test_requests_total Requests by route"));
  CHECK_THAT(text, Catch::Contains("# TYPE test_requests_total counter"));
  CHECK(has(text, "test_requests_total{outcome=\"found\",route=\"watch\"} 3"));
  CHECK(has(text, "test_requests_total{outcome=\"recorded\",route=\"publish\"} 1"));
  CHECK(has(text, "test_live 3"));
  CHECK_THROWS_AS(requests.inc({"only_one"}), std::invalid_argument);
}

TEST_CASE("metrics: a family without labels is exported as 0 before first use", "[metrics]") {
  Registry registry;
  registry.counter("test_errors_total", "Errors");
  CHECK(has(registry.render(), "test_errors_total 0"));
}

TEST_CASE("metrics: histograms have cumulative buckets, sum and count", "[metrics]") {
  Registry registry;
  auto& latency = registry.histogram("test_seconds", "Latency", {"route"}, {0.25, 0.5, 1});
  for (double v : {0.125, 0.25, 0.75, 7.0}) latency.observe({"a"}, v);
  auto text = registry.render();
  CHECK(has(text, "test_seconds_bucket{route=\"a\",le=\"0.25\"} 2"));
  CHECK(has(text, "test_seconds_bucket{route=\"a\",le=\"0.5\"} 2"));
  CHECK(has(text, "test_seconds_bucket{route=\"a\",le=\"1\"} 3"));
  CHECK(has(text, "test_seconds_bucket{route=\"a\",le=\"+Inf\"} 4"));
  CHECK(has(text, "test_seconds_sum{route=\"a\"} 8.125"));
  CHECK(has(text, "test_seconds_count{route=\"a\"} 4"));
}

TEST_CASE("metrics: label sets are bounded and series can be removed", "[metrics]") {
  Registry registry;
  auto& viewers = registry.gauge("test_viewers", "Viewers by stream", {"stream"}, 2);
  viewers.set({"a"}, 1);
  viewers.set({"b"}, 2);
  viewers.set({"c"}, 3);  // past the bound: not exported
  CHECK(viewers.at({"c"}) == nullptr);
  auto text = registry.render();
  CHECK(has(text, "test_viewers{stream=\"a\"} 1"));
  CHECK_THAT(text, !Catch::Contains("stream=\"c\""));
  viewers.remove({"a"});
  viewers.set({"c"}, 3);
  text = registry.render();
  CHECK_THAT(text, !Catch::Contains("stream=\"a\""));
  CHECK(has(text, "test_viewers{stream=\"c\"} 3"));
  // Label values are escaped by the serializer.
  registry.gauge("test_info", "Info", {"v"}).set({"a\"b\\c\nd"}, 1);
  CHECK(has(registry.render(), "test_info{v=\"a\\\"b\\\\c\\nd\"} 1"));
}

TEST_CASE("metrics: the /metrics response carries the exposition content type", "[metrics]") {
  Registry registry;
  registry.gauge("test_up", "Up").set({}, 1);
  auto response = metrics_response(registry);
  CHECK(response.status == 200);
  CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(has(response.body, "test_up 1"));
}
