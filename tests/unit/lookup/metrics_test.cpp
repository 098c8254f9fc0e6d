// lookup-server metrics: the Prometheus text exposition format, byte for byte.
#include "lookup-server/metrics.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace mmids::lookup::metrics;

TEST_CASE("lookup: metrics render counters and gauges in exposition format", "[lookup]") {
  Registry registry;
  auto& lookups = registry.counter("lookups_total", "Lookups by route", {"route", "result"});
  auto& live = registry.gauge("live_streams", "Live streams");
  lookups.inc({"watcher_lookup", "found"});
  lookups.inc({"watcher_lookup", "found"}, 2);
  lookups.inc({"publisher_lookup", "recorded"});
  live.set(3);
  CHECK(lookups.value({"watcher_lookup", "found"}) == 3);
  CHECK(registry.render() ==
        "# HELP lookups_total Lookups by route\n"
        "# TYPE lookups_total counter\n"
        "lookups_total{route=\"publisher_lookup\",result=\"recorded\"} 1\n"
        "lookups_total{route=\"watcher_lookup\",result=\"found\"} 3\n"
        "# HELP live_streams Live streams\n"
        "# TYPE live_streams gauge\n"
        "live_streams 3\n");
  CHECK_THROWS_AS(lookups.inc({"only_one"}), std::invalid_argument);
  CHECK_THROWS_AS(lookups.inc({"a", "b"}, -1), std::invalid_argument);
}

TEST_CASE("lookup: metrics histograms are cumulative with sum and count", "[lookup]") {
  Registry registry;
  auto& latency = registry.histogram("latency_seconds", "Latency", {"route"}, {0.25, 0.5, 1});
  latency.observe({"a"}, 0.125);
  latency.observe({"a"}, 0.25);  // le is inclusive
  latency.observe({"a"}, 0.75);
  latency.observe({"a"}, 7);
  CHECK(latency.count({"a"}) == 4);
  CHECK(registry.render() ==
        "# HELP latency_seconds Latency\n"
        "# TYPE latency_seconds histogram\n"
        "latency_seconds_bucket{route=\"a\",le=\"0.25\"} 2\n"
        "latency_seconds_bucket{route=\"a\",le=\"0.5\"} 2\n"
        "latency_seconds_bucket{route=\"a\",le=\"1\"} 3\n"
        "latency_seconds_bucket{route=\"a\",le=\"+Inf\"} 4\n"
        "latency_seconds_sum{route=\"a\"} 8.125\n"
        "latency_seconds_count{route=\"a\"} 4\n");
  CHECK_THROWS_AS(Histogram("h", "h", {}, {1, 0.5}), std::invalid_argument);
}

TEST_CASE("lookup: metrics escape label values and help text", "[lookup]") {
  Registry registry;
  registry.gauge("info", "Line one\nback\\slash", {"v"}).set({"a\"b\\c\nd"}, 1);
  CHECK(registry.render() ==
        "# HELP info Line one\\nback\\\\slash\n"
        "# TYPE info gauge\n"
        "info{v=\"a\\\"b\\\\c\\nd\"} 1\n");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}
