// The configs of the seed scenario (Dynamic RTMP Load Balancing), exactly as the user
// wrote them, including `url:` which mmids itself rejects.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using config_test::all_errors;
using config_test::parse;
using mmids::config::Parameters;

namespace {

constexpr const char* kIngestionConfig = R"(reactor publishers executor=simple_http update_interval=60 {
    url: https://web-server/publisher_lookup
}

workflow ingestion {
    rtmp_receive rtmp_app=ingest stream_key=* reactor=publishers
    rtmp_watch rtmp_app=pull_source stream_key=*
}
)";

constexpr const char* kPlaybackConfig = R"(reactor watchers executor=simple_http update_interval=60 {
    url: https://web-server/watcher_lookup
}

workflow pending_watchers {
    rtmp_watch rtmp_app=live stream_key=*
}
)";

}  // namespace

TEST_CASE("seed: the ingestion config parses as written, with a warning for 'url:'", "[config]") {
  auto result = parse(kIngestionConfig);
  INFO(all_errors(result));
  REQUIRE(result.ok());

  REQUIRE(result.config.reactors.size() == 1);
  const auto& reactor = result.config.reactors[0];
  CHECK(reactor.name == "publishers");
  CHECK(reactor.executor == "simple_http");
  CHECK(reactor.update_interval_seconds == 60);
  CHECK(reactor.parameters == std::map<std::string, std::string>{{"url", "https://web-server/publisher_lookup"}});

  REQUIRE(result.config.workflows.size() == 1);
  const auto& workflow = result.config.workflows[0];
  CHECK(workflow.name == "ingestion");
  CHECK_FALSE(workflow.routed_by_reactor);
  REQUIRE(workflow.steps.size() == 2);
  CHECK(workflow.steps[0].type == "rtmp_receive");
  CHECK(workflow.steps[0].parameters ==
        Parameters{{"rtmp_app", "ingest"}, {"stream_key", "*"}, {"reactor", "publishers"}});
  CHECK(workflow.steps[1].type == "rtmp_watch");
  CHECK(workflow.steps[1].parameters == Parameters{{"rtmp_app", "pull_source"}, {"stream_key", "*"}});
  CHECK(result.config.settings.empty());

  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].to_string() == "node.config:2:5: 'url:' accepted as 'url' (a key needs no trailing ':')");
}

TEST_CASE("seed: the playback config parses as written, with a warning for 'url:'", "[config]") {
  auto result = parse(kPlaybackConfig);
  INFO(all_errors(result));
  REQUIRE(result.ok());

  REQUIRE(result.config.reactors.size() == 1);
  const auto& reactor = result.config.reactors[0];
  CHECK(reactor.name == "watchers");
  CHECK(reactor.executor == "simple_http");
  CHECK(reactor.update_interval_seconds == 60);
  CHECK(reactor.parameters == std::map<std::string, std::string>{{"url", "https://web-server/watcher_lookup"}});

  REQUIRE(result.config.workflows.size() == 1);
  const auto& workflow = result.config.workflows[0];
  CHECK(workflow.name == "pending_watchers");
  REQUIRE(workflow.steps.size() == 1);
  CHECK(workflow.steps[0].describe() == "rtmp_watch rtmp_app=live stream_key=*");

  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].where.line == 2);
  CHECK(result.warnings[0].where.column == 5);
}

TEST_CASE("seed: the lookup server's watcher answer parses as a workflow", "[config]") {
  auto result = mmids::config::parse_workflows(
      "workflow ingest_cam1 {\n"
      "    ffmpeg_pull location=rtmp://10.0.0.5/pull_source/cam1 stream_name=cam1\n"
      "}\n",
      "http://web-server/watcher_lookup");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.workflows.size() == 1);
  const auto& workflow = result.config.workflows[0];
  CHECK(workflow.name == "ingest_cam1");
  REQUIRE(workflow.steps.size() == 1);
  CHECK(workflow.steps[0].type == "ffmpeg_pull");
  CHECK(workflow.steps[0].parameters ==
        Parameters{{"location", "rtmp://10.0.0.5/pull_source/cam1"}, {"stream_name", "cam1"}});
}
