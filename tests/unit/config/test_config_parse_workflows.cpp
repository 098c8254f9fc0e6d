// parse_workflows: workflow text that came from the network (HTTP API PUT body, a
// reactor's answer). Only workflow blocks, and no ${VAR} expansion at all.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using config_test::all_errors;
using mmids::config::parse_workflows;
using mmids::config::Parameters;

TEST_CASE("parse_workflows: zero or more workflows", "[config]") {
  auto none = parse_workflows("", "reactor answer");
  CHECK(none.ok());
  CHECK(none.config.workflows.empty());

  auto result = parse_workflows(
      "workflow a routed_by_reactor {\n    ffmpeg_pull location=rtmp://h/a/k stream_name=k\n}\n"
      "workflow b {\n}\n",
      "reactor answer");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.workflows.size() == 2);
  CHECK(result.config.workflows[0].routed_by_reactor);
  CHECK(result.config.workflows[0].where.file == "reactor answer");
}

TEST_CASE("parse_workflows: settings and reactor blocks are errors", "[config]") {
  auto result = parse_workflows(
      "settings {\n    http_api_port 9000\n}\n"
      "Reactor r executor=simple_http {\n    url http://evil\n}\n"
      "workflow ok {\n}\n",
      "PUT /workflows");
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].to_string() ==
        "PUT /workflows:1:1: a 'settings' block is not allowed here: only workflow blocks");
  CHECK(result.errors[1].where.line == 4);
  CHECK_THAT(result.errors[1].message, Catch::Contains("'Reactor' block is not allowed here"));
  CHECK(result.config.settings.empty());
  CHECK(result.config.reactors.empty());
}

TEST_CASE("parse_workflows: '$' is an invalid character, even quoted", "[config]") {
  auto result = parse_workflows(
      "workflow w {\n"
      "    ffmpeg_push target=rtmp://${HOME}/x\n"
      "    ffmpeg_push target=\"rtmp://h/${HOME}\"\n"
      "    s a=price$5\n"
      "}\n",
      "api");
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 3);
  CHECK(result.errors[0].to_string() ==
        "api:2:31: '$' is not allowed here: ${...} is expanded only in a node's config file");
  CHECK(result.errors[1].where.line == 3);
  CHECK(result.errors[1].where.column == 34);
  CHECK(result.errors[2].where.line == 4);
  CHECK(result.errors[2].where.column == 14);
}

TEST_CASE("parse_workflows: the same errors as a node config, with the source name", "[config]") {
  auto result = parse_workflows("workflow w {\n    s a=\"open\n", "api");
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].to_string() == "api:2:9: unterminated quoted string (expected a closing '\"' on the same line)");
  CHECK(result.errors[1].to_string() == "api:2:14: missing '}' for workflow 'w' opened at line 1");
}

TEST_CASE("parse_workflows: a workflow's config text reads back as the same workflow", "[config]") {
  auto original = parse_workflows(
      "workflow \"odd name\" routed_by_reactor {\n"
      "    ffmpeg_push target=rtmp://h/a/k?a=b&c=d rtmps\n"
      "    ffmpeg_hls path=\"/var/www/my hls\" \"spaced flag\" \"odd key\"=v empty=\"\"\n"
      "}\n",
      "api");
  INFO(all_errors(original));
  REQUIRE(original.ok());
  const auto& workflow = original.config.workflows[0];
  std::string text = workflow.to_config_text();
  CHECK(text ==
        "workflow \"odd name\" routed_by_reactor {\n"
        "    ffmpeg_push rtmps target=rtmp://h/a/k?a=b&c=d\n"
        "    ffmpeg_hls empty=\"\" \"odd key\"=v path=\"/var/www/my hls\" \"spaced flag\"\n"
        "}\n");
  auto again = parse_workflows(text, "again");
  INFO(all_errors(again));
  REQUIRE(again.ok());
  REQUIRE(again.config.workflows.size() == 1);
  CHECK(again.config.workflows[0] == workflow);
}
