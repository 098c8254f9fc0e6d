// HLS viewers over real sockets, driven by a fake registrant: a session per player (one
// approval each, however often it reloads), one muxer per key joined once, playlists and
// segments with their Cache-Control and CORS headers, segments that decode from a
// keyframe, sessions that end when their player stops fetching, and CORS preflight.
#include "tests/unit/containers/support/libav_demux.hpp"
#include "tests/unit/containers/support/media_fixture.hpp"
#include "tests/unit/http_viewers/viewer_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <regex>

using namespace mmids;
using namespace mmids::testing;

namespace {

// The URI lines of a playlist (those that are not tags).
std::vector<std::string> uris_of(const std::string& playlist) {
  std::vector<std::string> out;
  std::istringstream lines(playlist);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

// GET /live/<key>.m3u8: the media playlist's URL (relative to /live/) the session got.
std::string open_session(ViewerServerFixture& fixture, const std::string& key) {
  auto multivariant = http_get(fixture.port(), "/live/" + key + ".m3u8");
  REQUIRE(multivariant);
  REQUIRE(multivariant->status == 200);
  CHECK(multivariant->header("content-type") == "application/vnd.apple.mpegurl");
  CHECK(multivariant->header("cache-control") == "no-store");
  CHECK(multivariant->header("access-control-allow-origin") == "*");
  CHECK_THAT(multivariant->body, Catch::Contains("#EXT-X-STREAM-INF:BANDWIDTH="));
  const auto uris = uris_of(multivariant->body);
  REQUIRE(uris.size() == 1);
  CHECK(std::regex_match(uris[0], std::regex(key + R"(\.m3u8\?session=[0-9a-f]{32})")));
  return uris[0];
}

}  // namespace

TEST_CASE("http_viewers: an HLS player gets a session, a live playlist and segments that decode",
          "[http_viewers][hls]") {
  ViewerServerFixture fixture;
  const std::string media = open_session(fixture, "cam");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  fixture.feed(media_fixture(FixtureKind::AudioVideo).notifications);

  auto playlist = http_get(fixture.port(), "/live/" + media);
  REQUIRE(playlist);
  REQUIRE(playlist->status == 200);
  CHECK(playlist->header("content-type") == "application/vnd.apple.mpegurl");
  CHECK(playlist->header("cache-control") == "no-cache");
  CHECK(playlist->header("access-control-allow-origin") == "*");
  CHECK_THAT(playlist->body, Catch::Contains("#EXTINF:"));
  CHECK_THAT(playlist->body, !Catch::Contains("#EXT-X-ENDLIST"));  // live: the window slides
  const auto segments = uris_of(playlist->body);
  REQUIRE(segments.size() >= 2);  // 3 s of media, 1 s target, cut at keyframes

  auto segment = http_get(fixture.port(), "/live/" + segments[0]);
  REQUIRE(segment);
  REQUIRE(segment->status == 200);
  CHECK(segment->header("content-type") == "video/mp2t");
  CHECK(segment->header("cache-control") == "public, max-age=86400, immutable");
  CHECK(segment->header("access-control-allow-origin") == "*");
  const auto demuxed = demux_memory(bytes_of(segment->body), "mpegts");
  REQUIRE(demuxed.error.empty());
  const auto video = demuxed.packets_of("video");
  REQUIRE_FALSE(video.empty());
  CHECK(video.front().keyframe);
  CHECK(demuxed.stream_of("audio") >= 0);

  auto gone = http_get(fixture.port(), "/live/cam/not-the-instance/0.ts");
  REQUIRE(gone);
  CHECK(gone->status == 404);
}

TEST_CASE("http_viewers: each HLS player is one approval and one viewer, however often it reloads",
          "[http_viewers][hls]") {
  ViewerServerFixture fixture;
  const std::string first = open_session(fixture, "cam");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  fixture.feed(media_fixture(FixtureKind::AudioVideo).notifications);
  for (int reload = 0; reload < 3; ++reload) {
    auto playlist = http_get(fixture.port(), "/live/" + first);
    REQUIRE(playlist);
    CHECK(playlist->status == 200);
  }
  CHECK(fixture.seen().asked.size() == 1);

  const std::string second = open_session(fixture, "cam");
  CHECK(second != first);
  auto playlist = http_get(fixture.port(), "/live/" + second);
  REQUIRE(playlist);
  CHECK(playlist->status == 200);
  const auto seen = fixture.seen();
  CHECK(seen.asked.size() == 2);
  CHECK(seen.asked[0].connection_id != seen.asked[1].connection_id);
  CHECK(seen.joined.size() == 1);  // one muxer for the key, whoever watches
  CHECK(seen.leases_held == 2);
  CHECK(fixture.on_io([&] { return fixture.server().viewers().size(); }) == 2);
}

TEST_CASE("http_viewers: HLS sessions end when their players stop fetching, then the muxer leaves",
          "[http_viewers][hls]") {
  http_viewers::HttpViewerServerOptions options;
  options.min_session_window = std::chrono::milliseconds(500);
  options.session_window_targets = 0;  // the window is the minimum alone, for a short test
  ViewerServerFixture fixture(options);
  open_session(fixture, "cam");
  open_session(fixture, "cam");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1 && log.leases_held == 2; }));
  CHECK(fixture.wait_for([](const RegistrantLog& log) { return log.left.size() == 1 && log.leases_held == 0; }));
  CHECK(fixture.on_io([&] { return fixture.server().viewers().size(); }) == 0);
}

TEST_CASE("http_viewers: a refused HLS player gets 404; a playlist before any segment waits for one",
          "[http_viewers][hls]") {
  {
    ViewerServerFixture refused({}, /*approve=*/false);
    auto reply = http_get(refused.port(), "/live/nobody.m3u8");
    REQUIRE(reply);
    CHECK(reply->status == 404);
    CHECK(refused.wait_for([](const RegistrantLog& log) { return log.leases_held == 0; }));
  }
  http_viewers::HttpViewerServerOptions options;
  options.start_timeout = 300ms;
  ViewerServerFixture fixture(options);
  const std::string media = open_session(fixture, "quiet");
  auto reply = http_get(fixture.port(), "/live/" + media);
  REQUIRE(reply);
  CHECK(reply->status == 503);  // nothing came within the start timeout
}

TEST_CASE("http_viewers: a playlist asked while the approver thinks is answered when it has", "[http_viewers][hls]") {
  ViewerServerFixture fixture({}, /*approve=*/std::nullopt);
  std::optional<HttpReply> reply;
  std::thread player([&] { reply = http_get(fixture.port(), "/live/cam.m3u8"); });
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.asked.size() == 1; }));
  fixture.answer(true);
  player.join();
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK_THAT(reply->body, Catch::Contains("cam.m3u8?session="));
}

TEST_CASE("http_viewers: CORS preflight is answered for any path", "[http_viewers]") {
  ViewerServerFixture fixture;
  auto reply = http_get(fixture.port(), "/live/cam.m3u8", 5s, "OPTIONS");
  REQUIRE(reply);
  CHECK(reply->status == 204);
  CHECK(reply->header("access-control-allow-origin") == "*");
  CHECK_THAT(reply->header("access-control-allow-methods"), Catch::Contains("GET"));
  CHECK(fixture.seen().asked.empty());
}

TEST_CASE("http_viewers: the player page is served at /", "[http_viewers]") {
  ViewerServerFixture fixture;
  auto page = http_get(fixture.port(), "/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK_THAT(page->header("content-type"), Catch::Contains("text/html"));
  CHECK_THAT(page->body, Catch::Contains("/player/hls.min.js"));
  CHECK_THAT(page->body, Catch::Contains("/player/mpegts.js"));
  auto script = http_get(fixture.port(), "/player/hls.min.js");  // no player_dir in this server
  REQUIRE(script);
  CHECK(script->status == 404);
}

TEST_CASE("http_viewers: registrations conflict per port, app and key as RTMP's do", "[http_viewers]") {
  asio::io_context io;
  http_viewers::HttpViewerServerOptions options;
  options.bind_address = "127.0.0.1";
  http_viewers::HttpViewerServer server(io, options);
  auto watcher = [&](const std::string& app, const std::string& key, bool tls = false) {
    endpoint::WatcherRegistration registration;
    registration.port = 0;
    registration.app = app;
    registration.stream_key = key;
    registration.tls = tls;
    return server.register_watcher(std::move(registration));
  };
  auto all = watcher("live", "*");
  REQUIRE(all.ok());
  CHECK(server.bound_port(0) != 0);
  auto conflict = watcher("live", "cam");
  REQUIRE_FALSE(conflict.ok());
  CHECK_THAT(conflict.error(), Catch::Contains("already registered"));
  CHECK(watcher("other", "cam").ok());
  auto https = watcher("secure", "*", true);
  REQUIRE_FALSE(https.ok());
  CHECK_THAT(https.error(), Catch::Contains("cannot serve both"));
  all->reset();
  CHECK(watcher("live", "cam").ok());
}

TEST_CASE("http_viewers: Low-Latency HLS lists parts and holds a blocking reload until its segment comes",
          "[http_viewers][hls]") {
  http_viewers::HttpViewerServerOptions options;
  options.hls.low_latency = containers::HlsLowLatencyOptions{};
  ViewerServerFixture fixture(options);
  const std::string media = open_session(fixture, "cam");
  REQUIRE(fixture.wait_for([](const RegistrantLog& log) { return log.joined.size() == 1; }));
  const auto& all = media_fixture(FixtureKind::AudioVideo).notifications;
  const std::vector<media::MediaNotification> first_half(all.begin(), all.begin() + static_cast<long>(all.size() / 2));
  const std::vector<media::MediaNotification> second_half(all.begin() + static_cast<long>(all.size() / 2), all.end());
  fixture.feed(first_half);

  auto playlist = http_get(fixture.port(), "/live/" + media);
  REQUIRE(playlist);
  REQUIRE(playlist->status == 200);
  CHECK_THAT(playlist->body, Catch::Contains("#EXT-X-PART:"));
  CHECK_THAT(playlist->body, Catch::Contains("#EXT-X-PRELOAD-HINT:TYPE=PART"));
  std::smatch sequence;
  REQUIRE(std::regex_search(playlist->body, sequence, std::regex(R"(#EXT-X-MEDIA-SEQUENCE:(\d+))")));
  const size_t listed = uris_of(playlist->body).size();
  const uint64_t next = std::stoull(sequence[1]) + listed;  // the segment not yet finished

  std::optional<HttpReply> blocked;
  std::atomic<bool> answered{false};
  std::thread player([&] {
    blocked = http_get(fixture.port(), "/live/" + media + "&_HLS_msn=" + std::to_string(next));
    answered = true;
  });
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(answered);  // held: the segment is not there yet
  fixture.feed(second_half);
  player.join();
  REQUIRE(blocked);
  CHECK(blocked->status == 200);
  CHECK(uris_of(blocked->body).size() > listed);

  auto ahead = http_get(fixture.port(), "/live/" + media + "&_HLS_msn=" + std::to_string(next + 10));
  REQUIRE(ahead);
  CHECK(ahead->status == 400);
}
