// What a correct node config turns into: every construct of the grammar.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config_test_support.hpp"

using config_test::all_errors;
using config_test::parse;
using mmids::config::Parameters;
using mmids::config::ParseResult;

namespace {

const Parameters& only_step_parameters(const ParseResult& result) {
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.workflows.size() == 1);
  REQUIRE(result.config.workflows[0].steps.size() == 1);
  return result.config.workflows[0].steps[0].parameters;
}

Parameters step_parameters(std::string_view step_line) {
  return only_step_parameters(parse("workflow w {\n    " + std::string(step_line) + "\n}\n"));
}

}  // namespace

TEST_CASE("a workflow block gives its steps in order with their arguments", "[config]") {
  auto result = parse(
      "workflow ingestion {\n"
      "    rtmp_receive rtmp_app=ingest stream_key=*\n"
      "    rtmp_watch rtmp_app=pull_source stream_key=*\n"
      "}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.warnings.empty());
  REQUIRE(result.config.workflows.size() == 1);
  const auto& workflow = result.config.workflows[0];
  CHECK(workflow.name == "ingestion");
  CHECK_FALSE(workflow.routed_by_reactor);
  CHECK(workflow.where.line == 1);
  CHECK(workflow.where.column == 1);
  REQUIRE(workflow.steps.size() == 2);
  CHECK(workflow.steps[0].type == "rtmp_receive");
  CHECK(workflow.steps[0].parameters == Parameters{{"rtmp_app", "ingest"}, {"stream_key", "*"}});
  CHECK(workflow.steps[0].where.line == 2);
  CHECK(workflow.steps[0].where.column == 5);
  CHECK(workflow.steps[1].type == "rtmp_watch");
  CHECK(workflow.steps[1].parameters == Parameters{{"rtmp_app", "pull_source"}, {"stream_key", "*"}});
}

TEST_CASE("a bare word is a flag, distinct from an empty value", "[config]") {
  CHECK(step_parameters("ffmpeg_pull rtmps k=\"\"") == Parameters{{"rtmps", std::nullopt}, {"k", ""}});
}

TEST_CASE("quoted values hold spaces, '#', braces, '=' and unicode", "[config]") {
  CHECK(step_parameters(R"(s a="3 4" b="x # not a comment { }" c="x=y" d="café ☕" e="")") ==
        Parameters{{"a", "3 4"}, {"b", "x # not a comment { }"}, {"c", "x=y"}, {"d", "café ☕"}, {"e", ""}});
}

TEST_CASE("a quoted flag is a key that may hold spaces", "[config]") {
  CHECK(step_parameters(R"(s "two words" "k 2"=v)") == Parameters{{"two words", std::nullopt}, {"k 2", "v"}});
}

TEST_CASE("a value keeps a URL query string whole", "[config]") {
  CHECK(step_parameters("ffmpeg_push target=rtmp://h/a/k?a=b&c=d") ==
        Parameters{{"target", "rtmp://h/a/k?a=b&c=d"}});
}

// What mmids-lookup answers for an IPv6 ingestion node (found by fuzz_http_headers).
TEST_CASE("a value keeps an IPv6 URL host in brackets", "[config]") {
  CHECK(step_parameters("ffmpeg_pull location=rtmp://[2001:db8::9]:1936/pull_source/cam1 stream_name=cam1") ==
        Parameters{{"location", "rtmp://[2001:db8::9]:1936/pull_source/cam1"}, {"stream_name", "cam1"}});
}

TEST_CASE("the first '=' splits key from value; later ones belong to the value", "[config]") {
  CHECK(step_parameters("s a=b=c") == Parameters{{"a", "b=c"}});
}

TEST_CASE("a flag may hold '?' and '&'", "[config]") {
  CHECK(step_parameters("s what?&why") == Parameters{{"what?&why", std::nullopt}});
}

TEST_CASE("name characters include - _ / \\ * . : ,", "[config]") {
  CHECK(step_parameters(R"(my-step_1 a-b_c/d\e*f.g:h,i=j-k_l/m\n*o.p:q,r)") ==
        Parameters{{R"(a-b_c/d\e*f.g:h,i)", R"(j-k_l/m\n*o.p:q,r)"}});
}

TEST_CASE("a repeated step key: the last one counts", "[config]") {
  CHECK(step_parameters("s k=1 k=2 f f=3 g=4 g") == Parameters{{"k", "2"}, {"f", "3"}, {"g", std::nullopt}});
}

TEST_CASE("comments may stand anywhere outside quotes and hold any character", "[config]") {
  auto result = parse(
      "# leading comment ☕ \"unbalanced { }\n"
      "   # indented comment\n"
      "workflow w { # after the brace\n"
      "    # inside a block\n"
      "    s a=1 b=\"# kept\" # after a step\xff\x01\n"
      "} # after the closing brace\n"
      "# trailing comment with no newline");
  const auto& parameters = only_step_parameters(result);
  CHECK(parameters == Parameters{{"a", "1"}, {"b", "# kept"}});
}

TEST_CASE("a comment may touch the word or brace before it", "[config]") {
  CHECK(step_parameters("s a=1#comment") == Parameters{{"a", "1"}});
  auto result = parse("workflow w{#comment\n    s\n}#comment\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows.at(0).steps.size() == 1);
}

TEST_CASE("lines may end with \\n, \\r\\n or \\r, and tabs separate words", "[config]") {
  for (std::string newline : {"\n", "\r\n", "\r"}) {
    auto result = parse("settings {" + newline + "\tffmpeg_path\t/usr/bin/ffmpeg " + newline + "}" + newline +
                        "workflow w {" + newline + "\ts\ta=1" + newline + "}" + newline + newline);
    INFO(all_errors(result));
    REQUIRE(result.ok());
    CHECK(result.config.settings.at("ffmpeg_path") == "/usr/bin/ffmpeg");
    REQUIRE(result.config.workflows.size() == 1);
    CHECK(result.config.workflows[0].steps[0].where.line == 5);
  }
}

TEST_CASE("a UTF-8 byte order mark at the start is ignored", "[config]") {
  auto result = parse("\xEF\xBB\xBFworkflow w {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows.size() == 1);
}

TEST_CASE("root node types are case-insensitive; names and keys are not", "[config]") {
  auto result = parse(
      "SETTINGS {\n    Key value\n}\n"
      "Workflow W {\n    Step K=V\n}\n"
      "workflow w {\n}\n"
      "REACTOR R executor=simple_http {\n    Url https://x\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.settings == std::map<std::string, std::optional<std::string>>{{"Key", "value"}});
  REQUIRE(result.config.workflows.size() == 2);
  CHECK(result.config.workflows[0].name == "W");
  CHECK(result.config.workflows[0].steps[0].type == "Step");
  CHECK(result.config.workflows[0].steps[0].parameters == Parameters{{"K", "V"}});
  CHECK(result.config.workflows[1].name == "w");
  REQUIRE(result.config.reactors.size() == 1);
  CHECK(result.config.reactors[0].name == "R");
  CHECK(result.config.reactors[0].parameters == std::map<std::string, std::string>{{"Url", "https://x"}});
}

TEST_CASE("routed_by_reactor marks a workflow", "[config]") {
  auto result = parse("workflow a routed_by_reactor {\n    s\n}\nworkflow b {\n    s\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].routed_by_reactor);
  CHECK_FALSE(result.config.workflows[1].routed_by_reactor);
}

TEST_CASE("a workflow may have no steps, and the brace may touch the name", "[config]") {
  auto result = parse("workflow empty {\n}\nworkflow also_empty{\n\n    # nothing\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.workflows.size() == 2);
  CHECK(result.config.workflows[0].steps.empty());
  CHECK(result.config.workflows[1].name == "also_empty");
}

TEST_CASE("a quoted workflow name may hold spaces", "[config]") {
  auto result = parse("workflow \"my flow\" {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows[0].name == "my flow");
}

TEST_CASE("settings have an optional value each", "[config]") {
  auto result = parse(
      "settings {\n"
      "    ffmpeg_path /usr/bin/ffmpeg\n"
      "    http_api_port 9011\n"
      "    verbose\n"
      "    tls_cert_password \"two words\"\n"
      "    empty \"\"\n"
      "}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.settings == std::map<std::string, std::optional<std::string>>{
                                      {"ffmpeg_path", "/usr/bin/ffmpeg"},
                                      {"http_api_port", "9011"},
                                      {"verbose", std::nullopt},
                                      {"tls_cert_password", "two words"},
                                      {"empty", ""}});
}

TEST_CASE("settings blocks may repeat; a repeated setting keeps the last value and warns", "[config]") {
  auto result = parse("settings {\n    a 1\n}\nsettings {\n    a 2\n    b\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.settings.at("a") == "2");
  CHECK(result.config.settings.at("b") == std::nullopt);
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].where.line == 5);
}

TEST_CASE("a reactor has a name, an executor, an update interval and key value children", "[config]") {
  auto result = parse(
      "reactor lookup executor=simple_http update_interval=60 {\n"
      "    url https://web-server/lookup?x=1&y=2\n"
      "    ca_file \"/etc/my ca.pem\"\n"
      "}\n"
      "reactor other executor=simple_http {\n"
      "}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.reactors.size() == 2);
  const auto& reactor = result.config.reactors[0];
  CHECK(reactor.name == "lookup");
  CHECK(reactor.executor == "simple_http");
  CHECK(reactor.update_interval_seconds == 60);
  CHECK(reactor.parameters ==
        std::map<std::string, std::string>{{"url", "https://web-server/lookup?x=1&y=2"}, {"ca_file", "/etc/my ca.pem"}});
  CHECK(reactor.where.line == 1);
  CHECK(result.config.reactors[1].update_interval_seconds == 0);  // default: never re-ask
  CHECK(result.config.reactors[1].parameters.empty());
}

TEST_CASE("update_interval=0 is allowed and the executor is not checked here", "[config]") {
  auto result = parse("reactor r executor=not_a_known_one update_interval=0 {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.reactors[0].executor == "not_a_known_one");
  CHECK(result.config.reactors[0].update_interval_seconds == 0);
}

TEST_CASE("a trailing colon on a reactor or settings child is accepted with a warning", "[config]") {
  auto result = parse(
      "reactor r executor=simple_http {\n"
      "    url: https://web-server/lookup\n"
      "}\n"
      "settings {\n"
      "  ffmpeg_path: /usr/bin/ffmpeg\n"
      "}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.reactors[0].parameters == std::map<std::string, std::string>{{"url", "https://web-server/lookup"}});
  CHECK(result.config.settings.at("ffmpeg_path") == "/usr/bin/ffmpeg");
  REQUIRE(result.warnings.size() == 2);
  CHECK(result.warnings[0].to_string() == "node.config:2:5: 'url:' accepted as 'url' (a key needs no trailing ':')");
  CHECK(result.warnings[1].where.line == 5);
  CHECK(result.warnings[1].where.column == 3);
  CHECK_THAT(result.warnings[1].message, Catch::Contains("accepted as 'ffmpeg_path'"));
}

TEST_CASE("blocks of all kinds mix in any order", "[config]") {
  auto result = parse(
      "workflow a {\n    s\n}\n"
      "reactor r executor=simple_http {\n    url http://x\n}\n"
      "settings {\n    x\n}\n"
      "workflow b {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workflows.size() == 2);
  CHECK(result.config.reactors.size() == 1);
  CHECK(result.config.settings.size() == 1);
}

TEST_CASE("an empty or comment-only text is an empty config", "[config]") {
  for (std::string text : {"", "\n\n", "# nothing\n   \t\n", "\r\n"}) {
    auto result = parse(text);
    INFO(all_errors(result));
    REQUIRE(result.ok());
    CHECK(result.config.workflows.empty());
    CHECK(result.config.reactors.empty());
    CHECK(result.config.settings.empty());
  }
}

TEST_CASE("parse_config_file reads a file and names it in locations", "[config]") {
  auto path = std::filesystem::temp_directory_path() / ("mmids-config-test-" + std::to_string(::getpid()) + ".config");
  {
    std::ofstream out(path, std::ios::binary);
    out << "workflow w {\n    s a=1\n}\nbogus {\n}\n";
  }
  auto result = mmids::config::parse_config_file(path);
  std::filesystem::remove(path);
  REQUIRE(result.config.workflows.size() == 1);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].to_string() ==
        path.string() + ":4:1: unknown node type 'bogus' (expected settings, workflow or reactor)");
}

TEST_CASE("parse_config_file gives one error for a directory", "[config]") {
  auto directory = std::filesystem::temp_directory_path();
  auto result = mmids::config::parse_config_file(directory);
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0].to_string(), Catch::StartsWith(directory.string() + ": cannot read config file"));
}

TEST_CASE("parse_config_file gives one error naming an unreadable file", "[config]") {
  auto result = mmids::config::parse_config_file("/nonexistent/dir/mmids.config");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].where.file == "/nonexistent/dir/mmids.config");
  CHECK(result.errors[0].where.line == 0);
  CHECK_THAT(result.errors[0].to_string(), Catch::StartsWith("/nonexistent/dir/mmids.config: cannot read config file"));
}
