// ${NAME} and ${NAME:-default} in values: one config file for every host of a role.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using config_test::all_errors;
using config_test::parse;
using config_test::require_one_error;
using mmids::config::Parameters;

namespace {

std::string in_workflow(std::string_view step_line) { return "workflow w {\n" + std::string(step_line) + "\n}\n"; }

}  // namespace

TEST_CASE("env: ${NAME} expands in step values, quoted or not", "[config]") {
  auto result = parse(in_workflow("    ffmpeg_push target=rtmp://${HOST}:1935/live/${KEY}?a=b label=\"on ${HOST}\""),
                      {{"HOST", "10.0.0.7"}, {"KEY", "cam1"}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters ==
        Parameters{{"target", "rtmp://10.0.0.7:1935/live/cam1?a=b"}, {"label", "on 10.0.0.7"}});
}

TEST_CASE("env: the expanded text is not parsed again", "[config]") {
  auto result = parse(in_workflow("    s a=${TRICKY} b=2"), {{"TRICKY", "x y # } { \" $Z c=3"}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters == Parameters{{"a", "x y # } { \" $Z c=3"}, {"b", "2"}});
}

TEST_CASE("env: ${NAME:-default} uses the default when NAME is unset or empty", "[config]") {
  auto result = parse(in_workflow("    s a=${UNSET:-fallback} b=${EMPTY:-x} c=${SET:-x} d=\"${UNSET:-two words}\" e=${UNSET:-}"),
                      {{"EMPTY", ""}, {"SET", "value"}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters ==
        Parameters{{"a", "fallback"}, {"b", "x"}, {"c", "value"}, {"d", "two words"}, {"e", ""}});
}

TEST_CASE("env: a default may hold URL characters, '=' and ':' included", "[config]") {
  auto result = parse(in_workflow("    s a=${U:-rtmp://h:1935/a?x=1&y=2}"));
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters == Parameters{{"a", "rtmp://h:1935/a?x=1&y=2"}});
}

TEST_CASE("env: a set but empty variable without default gives an empty value", "[config]") {
  auto result = parse(in_workflow("    s a=${EMPTY}"), {{"EMPTY", ""}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters == Parameters{{"a", ""}});
}

TEST_CASE("env: expansion in settings, reactor arguments and reactor children", "[config]") {
  auto result = parse(
      "settings {\n"
      "    bind_address ${NODE_IP}\n"
      "    ffmpeg_path: ${FFMPEG:-/usr/bin/ffmpeg}\n"
      "}\n"
      "reactor publishers executor=${EXECUTOR:-simple_http} update_interval=${INTERVAL} {\n"
      "    url: https://${LOOKUP}/publisher_lookup?node=${NODE_IP}\n"
      "}\n",
      {{"NODE_IP", "127.0.0.3"}, {"INTERVAL", "30"}, {"LOOKUP", "lookup.local:8080"}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.settings.at("bind_address") == "127.0.0.3");
  CHECK(result.config.settings.at("ffmpeg_path") == "/usr/bin/ffmpeg");
  REQUIRE(result.config.reactors.size() == 1);
  CHECK(result.config.reactors[0].executor == "simple_http");
  CHECK(result.config.reactors[0].update_interval_seconds == 30);
  CHECK(result.config.reactors[0].parameters.at("url") == "https://lookup.local:8080/publisher_lookup?node=127.0.0.3");
  CHECK(result.warnings.size() == 2);  // the two trailing colons
}

TEST_CASE("env: an expanded update_interval is still checked", "[config]") {
  require_one_error(parse("reactor r executor=x update_interval=${I} {\n}\n", {{"I", "soon"}}), 1, 38,
                    "update_interval must be a whole number of seconds, found 'soon'");
}

TEST_CASE("env: an unset variable without default is an error naming it", "[config]") {
  std::string line = "    s a=rtmp://${HOST}/live";
  auto result = parse(in_workflow(line));
  require_one_error(result, 2, 16, "environment variable HOST is not set");
  CHECK(result.errors[0].message ==
        "environment variable HOST is not set (write ${HOST:-default} to give a default)");
}

TEST_CASE("env: every unset variable is reported, quoted ones at their column", "[config]") {
  auto result = parse(in_workflow("    s a=${A} b=\"x ${B}\""));
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].where.column == 9);
  CHECK_THAT(result.errors[0].message, Catch::Contains("variable A"));
  CHECK(result.errors[1].where.column == 19);
  CHECK_THAT(result.errors[1].message, Catch::Contains("variable B"));
}

TEST_CASE("env: malformed references are errors", "[config]") {
  require_one_error(parse(in_workflow("    s a=cost$5")), 2, 13, "'$' must start ${NAME} or ${NAME:-default}");
  require_one_error(parse(in_workflow("    s a=\"cost $5\"")), 2, 15, "'$' must start ${NAME}");
  require_one_error(parse(in_workflow("    s a=${HOST")), 2, 9, "unterminated '${'");
  require_one_error(parse(in_workflow("    s a=\"${HOST\"")), 2, 10, "unterminated '${'");
  require_one_error(parse(in_workflow("    s a=${}")), 2, 9, "expected a variable name after '${'");
  require_one_error(parse(in_workflow("    s a=${1X}")), 2, 9, "invalid variable name '1X'");
  require_one_error(parse(in_workflow("    s a=${A:B}")), 2, 9, "invalid variable name 'A:B'");
  require_one_error(parse(in_workflow("    s a=\"${A:-${B}}\"")), 2, 10,
                    "invalid character in the default of ${A:-...} (a default cannot hold '$')");
  require_one_error(parse(in_workflow("    s a=${A:-${B}} b=1")), 2, 9,
                    "invalid character in the default of ${A:-...} (quote the value to use it)");
  require_one_error(parse(in_workflow("    s a=${A:-x;y}")), 2, 9,
                    "invalid character in the default of ${A:-...} (quote the value to use it)");
}

TEST_CASE("env: references are only expanded in values", "[config]") {
  require_one_error(parse(in_workflow("    s ${K}=1"), {{"K", "k"}}), 2, 7, "${...} is expanded only in values");
  require_one_error(parse(in_workflow("    s ${FLAG}"), {{"FLAG", "f"}}), 2, 7, "${...} is expanded only in values");
  require_one_error(parse(in_workflow("    ${TYPE} a=1"), {{"TYPE", "t"}}), 2, 5,
                    "${...} is expanded only in values, not in a step type");
  require_one_error(parse("workflow ${NAME} {\n}\n", {{"NAME", "n"}}), 1, 10,
                    "${...} is expanded only in values, not in a workflow name");
}

TEST_CASE("env: an environment value that is not UTF-8 is an error", "[config]") {
  require_one_error(parse(in_workflow("    s a=${BIN}"), {{"BIN", "\xFF"}}), 2, 9, "environment variable BIN is not valid UTF-8");
}

TEST_CASE("env: process_environment reads the real environment", "[config]") {
  ::setenv("MMIDS_CONFIG_TEST_VAR", "from-env", 1);
  auto env = mmids::config::process_environment();
  CHECK(env("MMIDS_CONFIG_TEST_VAR") == std::optional<std::string>("from-env"));
  ::unsetenv("MMIDS_CONFIG_TEST_VAR");
  CHECK(env("MMIDS_CONFIG_TEST_VAR") == std::nullopt);

  ::setenv("MMIDS_CONFIG_TEST_HOST", "192.0.2.1", 1);
  auto result = mmids::config::parse_node_config(in_workflow("    s a=${MMIDS_CONFIG_TEST_HOST}"), "x.config");
  ::unsetenv("MMIDS_CONFIG_TEST_HOST");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].steps[0].parameters == Parameters{{"a", "192.0.2.1"}});
}
