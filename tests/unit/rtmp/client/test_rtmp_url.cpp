// RTMP URLs as pull locations: where the app ends and the key begins.
#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <catch2/catch.hpp>

using mmids::rtmp::parse_rtmp_url;

TEST_CASE("rtmp URLs split into host, port, app and key", "[rtmp][url]") {
  auto url = parse_rtmp_url("rtmp://10.0.0.5/pull_source/cam1");
  REQUIRE(url);
  CHECK(url->host == "10.0.0.5");
  CHECK(url->port == 1935);
  CHECK(url->app == "pull_source");
  CHECK(url->stream_key == "cam1");
  CHECK_FALSE(url->tls);
  CHECK(url->tc_url() == "rtmp://10.0.0.5:1935/pull_source");

  auto nested = parse_rtmp_url("rtmps://host.example:8443/app/instance/key?token=a/b");
  REQUIRE(nested);
  CHECK(nested->tls);
  CHECK(nested->port == 8443);
  CHECK(nested->app == "app/instance");
  CHECK(nested->stream_key == "key?token=a/b");

  auto ipv6 = parse_rtmp_url("rtmp://[::1]:1936/live/k");
  REQUIRE(ipv6);
  CHECK(ipv6->host == "::1");
  CHECK(ipv6->port == 1936);
  CHECK(ipv6->tc_url() == "rtmp://[::1]:1936/live");
}

TEST_CASE("rtmps defaults to port 443", "[rtmp][url]") {
  auto url = parse_rtmp_url("rtmps://h/a/k");
  REQUIRE(url);
  CHECK(url->port == 443);
}

TEST_CASE("bad rtmp URLs are refused with a reason", "[rtmp][url]") {
  for (const char* text : {"http://h/a/k", "rtmp://h", "rtmp://h/", "rtmp://h/app", "rtmp:///a/k", "rtmp://h:0/a/k",
                           "rtmp://h:99999/a/k", "rtmp://h/a/k with space", "rtmp://[::1/a/k", "rtmp://u@h/a/k",
                           "rtmp://h//k", "rtmp://h/a/?q"}) {
    INFO(text);
    auto url = parse_rtmp_url(text);
    CHECK_FALSE(url);
    CHECK_FALSE((url.ok() || url.error().empty()));
  }
}
