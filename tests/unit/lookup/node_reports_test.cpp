// lookup-server: node reports (POST /node_report), what /nodes and /streams show from
// them, the per-stream history, and the bounds.
#include "lookup-server/node_reports.hpp"
#include "tests/unit/lookup/service_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::lookup;
using mmids::lookup::testing::Fixture;
using nlohmann::json;

namespace {

json report(const std::string& role, const std::string& stream, int viewers, double bps = 0) {
  return {{"node", role + "-node"},
          {"role", role},
          {"interval_seconds", 5},
          {"streams",
           {{{"name", stream},
             {"source", "rtmp"},
             {"video", {{"codec", "h264"}, {"width", 1280}, {"height", 720}, {"fps", 30}}},
             {"audio", {{"codec", "aac"}}},
             {"bitrate_in_bps", bps},
             {"uptime_seconds", 42},
             {"viewers", viewers},
             {"viewers_by_protocol", {{"rtmp", viewers}}}}}}};
}

}  // namespace

TEST_CASE("lookup: node reports show on /streams and /nodes", "[lookup]") {
  Fixture f;
  f.publish("cam1", "10.0.0.1");
  CHECK(f.call("POST", "/node_report", report("ingestion", "cam1", 2, 2500000).dump(), "10.0.0.1").status == 200);
  CHECK(f.call("POST", "/node_report", report("playback", "cam1", 3).dump(), "10.0.9.1").status == 200);
  CHECK(f.call("POST", "/node_report", report("playback", "cam1", 4).dump(), "10.0.9.2").status == 200);

  auto streams = json::parse(f.call("GET", "/streams").body);
  CHECK(streams["total_viewers"] == 7);  // the playback nodes' viewers, not the ingestion node's pulls
  const auto& reported = streams["streams"][0]["reported"];
  CHECK(reported["viewers"] == 7);
  CHECK(reported["ingestion"]["video"]["codec"] == "h264");
  CHECK(reported["ingestion"]["video"]["width"] == 1280);
  CHECK(reported["ingestion"]["bitrate_in_bps"] == 2500000.0);
  REQUIRE(reported["viewers_by_node"].size() == 2);
  CHECK(reported["viewers_by_node"][0]["node"] == "10.0.9.1");
  CHECK(reported["viewers_by_node"][0]["viewers"] == 3);

  auto nodes = json::parse(f.call("GET", "/nodes").body)["nodes"];
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0]["address"] == "10.0.0.1");
  CHECK(nodes[0]["role"] == "ingestion");
  CHECK(nodes[0]["name"] == "ingestion-node");
  CHECK(nodes[0]["stale"] == false);

  auto history = json::parse(f.call("GET", "/stream_history").body);
  REQUIRE(history["streams"]["cam1"].size() == 1);  // three reports within one sample spacing
  CHECK(history["streams"]["cam1"][0][1] == 7);
  CHECK(history["streams"]["cam1"][0][2] == 2500000.0);
  CHECK_THAT(f.metrics(), Catch::Contains("mmids_lookup_node_reports_total{outcome=\"recorded\"} 3"));
}

TEST_CASE("lookup: bad node reports get 400 naming the member", "[lookup]") {
  Fixture f;
  auto bad_role = report("ingestion", "cam1", 1);
  bad_role["role"] = "boss";
  CHECK_THAT(f.call("POST", "/node_report", bad_role.dump()).body, Catch::Contains("role must be"));
  auto bad_name = report("ingestion", "a}b", 1);
  auto refused = f.call("POST", "/node_report", bad_name.dump());
  CHECK(refused.status == 400);
  CHECK_THAT(refused.body, Catch::Contains("streams[0].name"));
  auto negative = report("playback", "cam1", -3);
  CHECK_THAT(f.call("POST", "/node_report", negative.dump()).body, Catch::Contains("streams[0].viewers"));
  CHECK(f.call("POST", "/node_report", "not json").status == 400);
  CHECK(f.call("GET", "/node_report").status == 405);
}

TEST_CASE("lookup: node reports keep 15 minutes of history and at most max_nodes nodes", "[lookup]") {
  int64_t now = 1'800'000'000'000;
  NodeReports reports(2, [&] { return now; });
  auto parsed = [](const json& j) { return *parse_node_report(j.dump()); };
  REQUIRE(reports.record("10.0.0.1", parsed(report("ingestion", "cam1", 0, 1000))).ok());
  now += 3000;
  REQUIRE(reports.record("10.0.9.1", parsed(report("playback", "cam1", 5))).ok());
  CHECK_THAT(reports.record("10.0.9.2", parsed(report("playback", "cam1", 1))).error(), Catch::Contains("max_nodes"));
  auto history = reports.history_json()["streams"]["cam1"];
  REQUIRE(history.size() == 2);
  CHECK(history[0][1] == 0);
  CHECK(history[1][1] == 5);

  now += 16 * 60 * 1000;  // both nodes silent for longer than 15 minutes
  REQUIRE(reports.record("10.0.9.2", parsed(report("playback", "cam2", 1))).ok());
  CHECK(reports.node_count() == 1);
  CHECK_FALSE(reports.history_json()["streams"].contains("cam1"));
  now += 20 * 1000;  // three intervals of 5 s without a report
  CHECK(reports.nodes_json()["nodes"][0]["stale"] == true);
}
