// The node's report to the lookup server: built from the activity book, and read back by
// the lookup server's own parser, so the two sides cannot drift apart.
#include "lookup-server/node_report.hpp"
#include "node/node_reporter.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace std::chrono_literals;

namespace {

activity::ClientInfo viewer(uint64_t id, std::string protocol, std::string stream) {
  return activity::ClientInfo{id, activity::ClientRole::viewer, std::move(protocol), "10.0.0.9:" + std::to_string(id),
                              "live", std::move(stream), std::chrono::steady_clock::now()};
}

}  // namespace

TEST_CASE("node report: streams with codecs, bitrate and viewers by protocol, as the lookup server reads them",
          "[node][report]") {
  auto book = std::make_shared<activity::NodeActivity>();
  const auto start = std::chrono::steady_clock::now() - 3s;
  auto stream = book->add_stream({"cam1", "pull", "rtmp://10.0.0.5/pull_source/cam1", start});
  for (int i = 0; i < 90; ++i) stream->probe.on_tag(media::MediaKind::Video, false, std::vector<uint8_t>(1000, 0x27));
  stream->probe.on_tag(media::MediaKind::Audio, false, std::vector<uint8_t>{0xaf, 0x01, 0});
  auto a = book->add_client(viewer(1, "rtmp", "cam1"));
  auto b = book->add_client(viewer(2, "rtmp", "cam1"));
  auto c = book->add_client(viewer(3, "flv", "cam1"));
  auto elsewhere = book->add_client(viewer(4, "rtmp", "unpublished"));
  node::ReporterOptions options;
  options.node_name = "play-1";
  options.role = "playback";
  options.interval = 10s;

  const auto body = node::report_body(book->snapshot(), options).dump();
  auto parsed = lookup::parse_node_report(body);
  REQUIRE(parsed.ok());
  CHECK(parsed->name == "play-1");
  CHECK(parsed->role == "playback");
  CHECK(parsed->interval_seconds == 10);
  REQUIRE(parsed->streams.size() == 1);
  const auto& reported = parsed->streams[0];
  CHECK(reported.name == "cam1");
  CHECK(reported.source == "pull");
  CHECK(reported.video_codec == "h264");
  CHECK(reported.audio_codec == "aac");
  CHECK(reported.fps == Approx(30).epsilon(0.05));
  CHECK(reported.bitrate_in_bps == Approx((90 * 1000 + 3) * 8 / 3.0).epsilon(0.05));
  CHECK(reported.uptime_seconds >= 3);
  CHECK(reported.viewers == 3);
  CHECK(reported.viewers_by_protocol.at("rtmp") == 2);
  CHECK(reported.viewers_by_protocol.at("flv") == 1);
  CHECK(reported.viewers_by_protocol.at("hls") == 0);
}

TEST_CASE("node report: a stream name the lookup server would refuse is left out, not the report", "[node][report]") {
  auto book = std::make_shared<activity::NodeActivity>();
  auto good = book->add_stream({"good", "rtmp", "10.0.0.1:1"});
  auto odd = book->add_stream({"has space", "rtmp", "10.0.0.1:2"});
  node::ReporterOptions options;
  options.role = "ingestion";
  auto parsed = lookup::parse_node_report(node::report_body(book->snapshot(), options).dump());
  REQUIRE(parsed.ok());
  CHECK(parsed->name.empty());
  REQUIRE(parsed->streams.size() == 1);
  CHECK(parsed->streams[0].name == "good");
}
