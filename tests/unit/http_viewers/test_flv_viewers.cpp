// HTTP-FLV viewers over real sockets, driven by a fake registrant: the approver is asked
// once per viewer (404 when it says no), the stream starts on a keyframe with the FLV
// header and decodes as H.264 + AAC, viewers that leave are given back, and a stream that
// never starts is a 503.
#include "tests/unit/containers/support/libav_demux.hpp"
#include "tests/unit/containers/support/media_fixture.hpp"
#include "tests/unit/http_viewers/viewer_test_support.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::testing;

namespace {

// The fixture's stream from its second keyframe on (after the sequence headers), as a
// viewer joining mid-stream would get it if nothing made it start on a keyframe.
std::vector<media::MediaNotification> mid_stream() {
  const auto& all = media_fixture(FixtureKind::AudioVideo).notifications;
  std::vector<media::MediaNotification> out;
  int keyframes = 0;
  for (const auto& notification : all) {
    const auto* payload = std::get_if<media::MediaPayload>(&notification);
    if (!payload || payload->is_sequence_header) {
      out.push_back(notification);  // NewStream, metadata, sequence headers
      continue;
    }
    if (payload->is_video() && payload->is_keyframe) ++keyframes;
    // Inter frames of the first GOP (its keyframe left out) come first: they must not be sent.
    if (keyframes == 1 && payload->is_keyframe) continue;
    out.push_back(notification);
  }
  return out;
}

}  // namespace

TEST_CASE("http_viewers: an HTTP-FLV viewer gets an FLV file that starts on a keyframe", "[http_viewers][flv]") {
  ViewerServerFixture fixture;
  StreamingGet viewer(fixture.port(), "/live/cam.flv?token=abc");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  const auto seen = fixture.seen();
  REQUIRE(seen.asked.size() == 1);
  CHECK(seen.asked[0].app == "live");
  CHECK(seen.asked[0].stream_key == "cam");
  CHECK(seen.asked[0].query == "token=abc");
  CHECK(seen.asked[0].connection_id != 0);
  CHECK(seen.joined[0]->connection_id() == seen.asked[0].connection_id);

  fixture.feed(mid_stream());
  REQUIRE(viewer.read_head());
  const auto head = viewer.head();
  CHECK(head.status == 200);
  CHECK(head.header("content-type") == "video/x-flv");
  CHECK(head.header("transfer-encoding") == "chunked");
  CHECK(head.header("access-control-allow-origin") == "*");
  CHECK(head.header("cache-control") == "no-store");

  const auto& body = viewer.read_body(200 * 1024);
  REQUIRE(body.size() > 13);
  CHECK(body.substr(0, 3) == "FLV");
  const auto demuxed = demux_memory(bytes_of(body), "flv");
  REQUIRE(demuxed.error.empty());
  REQUIRE(demuxed.stream_of("video") >= 0);
  REQUIRE(demuxed.stream_of("audio") >= 0);
  const auto video = demuxed.packets_of("video");
  REQUIRE_FALSE(video.empty());
  CHECK(video.front().keyframe);
  // The file starts at 0, not at the stream's clock (audio may come before the keyframe).
  const auto audio = demuxed.packets_of("audio");
  REQUIRE_FALSE(audio.empty());
  CHECK(std::min(audio.front().dts, video.front().dts) < 100);
  CHECK(video.front().dts < 1100);  // and the keyframe where the stream had it after that
}

TEST_CASE("http_viewers: a viewer the approver refuses gets 404 and never joins", "[http_viewers][flv]") {
  ViewerServerFixture fixture({}, /*approve=*/false);
  auto reply = http_get(fixture.port(), "/live/nobody.flv");
  REQUIRE(reply);
  CHECK(reply->status == 404);
  CHECK(reply->header("access-control-allow-origin") == "*");
  const auto seen = fixture.seen();
  CHECK(seen.asked.size() == 1);
  CHECK(seen.joined.empty());
  CHECK(fixture.wait_for([](const RegistrantLog& log) { return log.leases_held == 0; }));
}

TEST_CASE("http_viewers: an FLV viewer waits for an approver that answers later (a reactor lookup)",
          "[http_viewers][flv]") {
  ViewerServerFixture fixture({}, /*approve=*/std::nullopt);
  StreamingGet viewer(fixture.port(), "/live/cam.flv");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.asked.size() == 1; }));
  fixture.answer(true);
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  fixture.feed(mid_stream());
  REQUIRE(viewer.read_head());
  CHECK(viewer.head().status == 200);
  CHECK(viewer.read_body(1024).substr(0, 3) == "FLV");

  StreamingGet refused(fixture.port(), "/live/other.flv");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.asked.size() == 2; }));
  fixture.answer(false);
  REQUIRE(refused.read_head());
  CHECK(refused.head().status == 404);
}

TEST_CASE("http_viewers: an unknown app is 404 and a denied address 403, without asking", "[http_viewers][flv]") {
  {
    ViewerServerFixture fixture;
    auto reply = http_get(fixture.port(), "/other/cam.flv");
    REQUIRE(reply);
    CHECK(reply->status == 404);
    CHECK(fixture.seen().asked.empty());
  }
  ViewerServerFixture denied({}, true, "*", endpoint::IpRules::deny("127.0.0.0/8"));
  auto reply = http_get(denied.port(), "/live/cam.flv");
  REQUIRE(reply);
  CHECK(reply->status == 403);
  CHECK(denied.seen().asked.empty());
}

TEST_CASE("http_viewers: an approved FLV viewer whose stream never starts gets 503", "[http_viewers][flv]") {
  http_viewers::HttpViewerServerOptions options;
  options.start_timeout = 300ms;
  ViewerServerFixture fixture(options);
  auto reply = http_get(fixture.port(), "/live/quiet.flv");
  REQUIRE(reply);
  CHECK(reply->status == 503);
  CHECK(fixture.wait_for([](const RegistrantLog& log) { return log.left.size() == 1 && log.leases_held == 0; }));
}

TEST_CASE("http_viewers: a viewer that goes away leaves the fan-out and gives its lease back", "[http_viewers][flv]") {
  ViewerServerFixture fixture;
  {
    StreamingGet viewer(fixture.port(), "/live/cam.flv");
    REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
    fixture.feed(mid_stream());
    REQUIRE(viewer.read_head());
    CHECK(fixture.server().viewers().size() == 1);
    viewer.close();
  }
  fixture.feed(mid_stream());  // the next writes meet the closed socket, if the read did not see it first
  CHECK(fixture.wait_for([](const RegistrantLog& log) { return log.left.size() == 1 && log.leases_held == 0; }));
  CHECK(fixture.on_io([&] { return fixture.server().viewers().size(); }) == 0);
}

TEST_CASE("http_viewers: a viewer that does not read is disconnected, not buffered", "[http_viewers][flv]") {
  http_viewers::HttpViewerServerOptions options;
  options.viewer_limits.max_bytes = 64 * 1024;
  options.viewer_limits.max_behind = 100ms;
  options.write_timeout = std::chrono::seconds(1);
  ViewerServerFixture fixture(options);
  StreamingGet viewer(fixture.port(), "/live/cam.flv");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  // The viewer reads nothing: socket buffers fill, then the queue, then it is dropped.
  for (int round = 0; round < 200 && fixture.seen().left.empty(); ++round) {
    fixture.feed(media_fixture(FixtureKind::AudioVideo).notifications);
    std::this_thread::sleep_for(20ms);
  }
  CHECK(fixture.wait_for([](const RegistrantLog& log) { return log.left.size() == 1 && log.leases_held == 0; }));
}
