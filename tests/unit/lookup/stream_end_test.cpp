// lookup-server: a stream that ended (DELETE /publisher_lookup) is refused to new viewers
// at once, but only its own node can end it; DELETE /watcher_lookup drops a playback node.
#include "tests/unit/lookup/service_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::lookup;
using mmids::lookup::testing::Fixture;

namespace {

const std::string kCam1 = R"({"stream_name":"cam1"})";

}  // namespace

TEST_CASE("lookup: the node that publishes a stream can end it; new viewers are then refused", "[lookup]") {
  Fixture f;
  f.publish("cam1", "10.0.0.1");
  CHECK(f.watch("cam1").status == 200);
  CHECK(f.call("DELETE", "/publisher_lookup", kCam1, "10.0.0.1").status == 200);
  CHECK(f.watch("cam1").status == 404);
  CHECK(f.call("DELETE", "/publisher_lookup", kCam1, "10.0.0.1").status == 404);  // already gone
  CHECK(f.call("DELETE", "/publisher_lookup", R"({"stream_name":"a}"})").status == 400);
  CHECK_THAT(f.metrics(), Catch::Contains("mmids_lookup_requests_total{outcome=\"removed\",route=\"publisher_end\"} 1"));
}

TEST_CASE("lookup: a stream that moved is not ended by its old node", "[lookup]") {
  Fixture f;
  f.publish("cam1", "10.0.0.1");
  f.publish("cam1", "10.0.0.2");  // the publisher reconnected to another node
  auto refused = f.call("DELETE", "/publisher_lookup", kCam1, "10.0.0.1");
  CHECK(refused.status == 404);
  CHECK_THAT(refused.body, Catch::Contains("another node"));
  CHECK_THAT(f.watch("cam1").body, Catch::Contains("rtmp://10.0.0.2/"));
}

TEST_CASE("lookup: DELETE /watcher_lookup removes that playback node only", "[lookup]") {
  Fixture f;
  f.publish("cam1");
  f.watch("cam1", "10.0.9.1");
  f.watch("cam1", "10.0.9.2");
  CHECK(f.call("DELETE", "/watcher_lookup", kCam1, "10.0.9.1").status == 200);
  CHECK(f.call("DELETE", "/watcher_lookup", kCam1, "10.0.9.1").status == 200);  // harmless twice
  auto streams = nlohmann::json::parse(f.call("GET", "/streams").body);
  REQUIRE(streams["streams"].size() == 1);
  REQUIRE(streams["streams"][0]["playback_nodes"].size() == 1);
  CHECK(streams["streams"][0]["playback_nodes"][0]["address"] == "10.0.9.2");
  CHECK(f.watch("cam1").status == 200);  // the stream itself lives on
}
