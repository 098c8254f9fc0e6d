// lookup-server: stream names and lookup bodies; nothing outside the alphabet gets through.
#include "lookup-server/stream_name.hpp"

#include <catch2/catch.hpp>

using namespace mmids::lookup;

TEST_CASE("lookup: stream names are 1 to 128 characters of A-Z a-z 0-9 _ . -", "[lookup]") {
  CHECK(is_valid_stream_name("cam1"));
  CHECK(is_valid_stream_name("Cam_1.main-HD"));
  CHECK(is_valid_stream_name(std::string(128, 'a')));
  CHECK_FALSE(is_valid_stream_name(""));
  CHECK_FALSE(is_valid_stream_name(std::string(129, 'a')));
  for (const char* bad : {"a}", "a{", "a b", "a\nb", "a\rb", "../x", "a/b", "a\"b", "a#b", "a=b", "a\\b",
                          "a\tb", "${HOME}", "caf\xc3\xa9"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_stream_name(bad));
  }
  CHECK_FALSE(is_valid_stream_name(std::string_view("a\0b", 3)));
}

TEST_CASE("lookup: lookup bodies must be JSON objects with a valid string stream_name", "[lookup]") {
  auto ok = parse_lookup_body(R"({"stream_name": "cam1", "other": [1, 2]})");
  REQUIRE(ok.ok());
  CHECK(ok->stream_name == "cam1");

  for (const char* bad : {"", "cam1", "[]", "\"cam1\"", "{}", R"({"stream_name": 5})", R"({"stream_name": null})",
                          R"({"stream_name": ["cam1"]})", R"({"stream_name": "a}"})", R"({"stream_name": "a\nb"})",
                          R"({"stream_name": "a b"})", R"({"stream_name": "../etc"})", R"({"stream_name": ""})",
                          R"({"stream_name": "cam1")", R"({"stream_name": "a\u0000b"})"}) {
    INFO(bad);
    auto result = parse_lookup_body(bad);
    CHECK_FALSE(result.ok());
    CHECK(result.error().find("stream_name") != std::string::npos);
  }
  auto long_name = parse_lookup_body("{\"stream_name\": \"" + std::string(129, 'x') + "\"}");
  CHECK_FALSE(long_name.ok());
}

TEST_CASE("lookup: bodies may carry the client's address and URL query", "[lookup]") {
  auto body = parse_lookup_body(R"({"stream_name":"cam1","client_address":"198.51.100.7","query":"?token=abc&x=1"})");
  REQUIRE(body.ok());
  CHECK(body->client_address == "198.51.100.7");
  CHECK(body->query == "token=abc&x=1");
  CHECK_FALSE(parse_lookup_body(R"({"stream_name":"cam1","client_address":"not an ip"})").ok());
  CHECK_FALSE(body->refresh);
  auto heartbeat = parse_lookup_body(R"({"stream_name":"cam1","refresh":true})");
  REQUIRE(heartbeat.ok());
  CHECK(heartbeat->refresh);
  CHECK_FALSE(parse_lookup_body(R"({"stream_name":"cam1","refresh":"yes"})").ok());
  CHECK_FALSE(parse_lookup_body(R"({"stream_name":"cam1","query":5})").ok());
  CHECK(parse_lookup_body(R"({"stream_name":"cam1","client_address":null})").ok());

  CHECK(*query_parameter("a=1&token=x%2Dy&token=second", "token") == "x-y");
  CHECK(*query_parameter("key=a+b", "key") == "a b");
  CHECK(query_parameter("flag", "flag")->empty());
  CHECK_FALSE(query_parameter("a=1", "token").has_value());
  CHECK_FALSE(query_parameter("token=%zz", "token").has_value());
  CHECK_FALSE(query_parameter("token=%2", "token").has_value());
  CHECK_FALSE(query_parameter("", "token").has_value());
}
