// mmids-core/http parse_url: the URLs the client accepts and refuses.
#include "mmids-core/http/url.hpp"

#include <catch2/catch.hpp>

using mmids::http::parse_url;

TEST_CASE("http: parse_url reads scheme host port and target", "[http]") {
  auto url = parse_url("https://web-server/publisher_lookup");
  REQUIRE(url);
  CHECK(url->scheme == "https");
  CHECK(url->host == "web-server");
  CHECK(url->port == 443);
  CHECK(url->target == "/publisher_lookup");
  CHECK(url->authority() == "web-server");

  url = parse_url("HTTP://127.0.0.1:8080?x=1#frag");
  REQUIRE(url);
  CHECK(url->scheme == "http");
  CHECK(url->port == 8080);
  CHECK(url->target == "/?x=1");
  CHECK(url->authority() == "127.0.0.1:8080");

  url = parse_url("http://[::1]:9000/a/b?c=d");
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->authority() == "[::1]:9000");
  CHECK(url->target == "/a/b?c=d");
}

TEST_CASE("http: parse_url refuses what it cannot use", "[http]") {
  for (const char* bad : {"", "web-server/x", "ftp://host/", "http://", "http://:80/", "http://host:0/",
                          "http://host:65536/", "http://host:8x/", "http://user:pw@host/", "http://[::1/",
                          "http://[nope]/", "http://ho st/", "http://host/a b", "http://host/\r\nX: y",
                          "http://host:/"}) {
    INFO(bad);
    auto url = parse_url(bad);
    CHECK_FALSE(url);
    CHECK_FALSE((url.ok() || url.error().empty()));
  }
}
