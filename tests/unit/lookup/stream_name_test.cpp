// lookup-server: stream names and lookup bodies; a name gets through exactly when the nodes
// take it as a stream key (endpoint::stream_key_problem, the one rule).
#include "lookup-server/answer_template.hpp"
#include "lookup-server/key_file_auth.hpp"
#include "lookup-server/node_report.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/endpoint/stream_key.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace mmids::lookup;

namespace {

// Names a node refuses and names it takes, each as a JSON string literal (JSON cannot carry
// bytes that are not UTF-8: those are refused as unparsable bodies, below).
const std::vector<std::string> kNames = {
    "cam1", "Cam_1.main-HD", "a..b", "...", std::string(128, 'a'), std::string(129, 'a'), "", ".", "..", "a}", "a{",
    "a b", "a\\nb", "a\\rb", "a\\tb", "../x", "a/b", "a\\\\b", "a\\\"b", "a#b", "a=b", "${HOME}", "caf\xc3\xa9",
    "a\\u0000b", "cam?token=1", "x:y@z", "a%2Fb", "*"};

}  // namespace

TEST_CASE("lookup: a stream name is refused exactly when a node refuses it as a stream key, with its reason",
          "[lookup][stream_key]") {
  for (const auto& literal : kNames) {
    INFO(literal);
    const auto name = nlohmann::json::parse("\"" + literal + "\"").get<std::string>();
    const auto node_problem = mmids::endpoint::stream_key_problem(name);  // what the node says at publish and play
    const auto body = parse_lookup_body("{\"stream_name\": \"" + literal + "\"}");
    if (node_problem) {
      REQUIRE_FALSE(body.ok());
      CHECK(body.error() == "stream_name: " + *node_problem);
    } else {
      REQUIRE(body.ok());
      CHECK(body->stream_name == name);
    }
  }
  CHECK(parse_lookup_body("{\"stream_name\": \"a b\"}").error() == "stream_name: stream key holds a space");
  CHECK(parse_lookup_body("{\"stream_name\": \"caf\xff\"}").error().find("JSON") != std::string::npos);
}

TEST_CASE("lookup: names in key files, node reports and the answer follow the same rule", "[lookup][stream_key]") {
  auto keys = parse_key_file("cam1 s3cret\nmy#cam s3cret\n", "keys.txt");
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error() == "keys.txt:2: stream name: stream key holds '#' (allowed: A-Z a-z 0-9 _ . -)");
  CHECK_THROWS_WITH(AnswerTemplate().render({"..", "10.0.0.1"}), "invalid stream name: stream key names a directory");
  CHECK(AnswerTemplate().render({"cam1", "10.0.0.1"}).find("pull_source/cam1 stream_name=cam1") != std::string::npos);
  auto report = parse_node_report(R"({"node": "n1", "role": "ingestion", "interval_seconds": 5,
                                       "streams": [{"name": "a b", "source": "rtmp"}]})");
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.error(), Catch::Contains("name: stream key holds a space"));
  CHECK(is_valid_pull_app("pull_source"));
  CHECK_FALSE(is_valid_pull_app("pull source"));
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
