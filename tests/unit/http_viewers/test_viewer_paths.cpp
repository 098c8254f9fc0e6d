// The URLs of the HTTP viewer server, parsed: FLV, playlists, segments and parts of one
// key, nothing else; names are plain path segments, never decoded, never "..".
#include "mmids-core/http_viewers/viewer_paths.hpp"

#include <catch2/catch.hpp>

using namespace mmids::http_viewers;

TEST_CASE("http_viewers: FLV and playlist URLs name an app and a key", "[http_viewers]") {
  auto flv = parse_viewer_path("/live/cam.1.flv");
  REQUIRE(flv);
  CHECK(flv->resource == ViewerResource::Flv);
  CHECK(flv->app == "live");
  CHECK(flv->key == "cam.1");
  auto playlist = parse_viewer_path("/live/cam_1-x.m3u8");
  REQUIRE(playlist);
  CHECK(playlist->resource == ViewerResource::Playlist);
  CHECK(playlist->key == "cam_1-x");
}

TEST_CASE("http_viewers: segment and part URLs carry the instance and numbers", "[http_viewers]") {
  auto segment = parse_viewer_path("/live/cam/ab12/17.ts");
  REQUIRE(segment);
  CHECK(segment->resource == ViewerResource::Segment);
  CHECK(segment->instance == "ab12");
  CHECK(segment->sequence == 17);
  auto part = parse_viewer_path("/live/cam/ab12/17.3.ts");
  REQUIRE(part);
  CHECK(part->resource == ViewerResource::Part);
  CHECK(part->sequence == 17);
  CHECK(part->part == 3);
}

TEST_CASE("http_viewers: anything else is not a viewer URL", "[http_viewers]") {
  for (const char* path : {"/", "/live", "/live/", "/live/.flv", "/live/cam", "/live/cam.mp4", "/../cam.flv",
                           "/live/../x.flv", "/live/ca%20m.flv", "/live/a/b/c.flv", "/live/cam/i/x.ts",
                           "/live/cam/i/1.x.ts", "/live/cam/i/-1.ts", "/live/cam/i/1.ts/", "live/cam.flv",
                           "/live/cam/i/99999999999999999999.ts"}) {
    INFO(path);
    CHECK_FALSE(parse_viewer_path(path));
  }
  CHECK_FALSE(is_plain_name(std::string(129, 'a')));
  CHECK(is_plain_name(std::string(128, 'a')));
}

TEST_CASE("http_viewers: the viewer's own query is what remains without the server's parameters", "[http_viewers]") {
  CHECK(query_value("a=1&session=xyz&b", "session") == "xyz");
  CHECK(query_value("a=1&b", "b") == "");
  CHECK_FALSE(query_value("a=1", "session"));
  CHECK(viewer_query("token=abc&session=xyz&_HLS_msn=4&_HLS_part=1&x=2") == "token=abc&x=2");
  CHECK(viewer_query("") == "");
}
