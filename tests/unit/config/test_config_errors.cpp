// What the user sees when a node config is wrong: each error kind, at its exact line
// and column, saying what was expected; all errors of a file in one pass.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using config_test::all_errors;
using config_test::parse;
using config_test::require_one_error;

namespace {

// 1-based column of the first `needle` in `line` (ASCII lines).
int col(std::string_view line, std::string_view needle) {
  auto pos = line.find(needle);
  REQUIRE(pos != std::string_view::npos);
  return static_cast<int>(pos) + 1;
}

std::string in_workflow(std::string_view step_line) { return "workflow w {\n" + std::string(step_line) + "\n}\n"; }

}  // namespace

TEST_CASE("error: unknown root node type, with the full location text", "[config]") {
  auto result = parse("# header\nbogus arg {\n    anything goes here\n}\n");
  require_one_error(result, 2, 1, "unknown node type 'bogus'");
  CHECK(result.errors[0].to_string() ==
        "node.config:2:1: unknown node type 'bogus' (expected settings, workflow or reactor)");
}

TEST_CASE("error: a node type that is not a plain word", "[config]") {
  require_one_error(parse("\"workflow\" w {\n}\n"), 1, 1,
                    "expected a node type (settings, workflow or reactor), found a quoted string");
  require_one_error(parse("a=b {\n}\n"), 1, 1, "expected a node type (settings, workflow or reactor), found 'a=b'");
}

TEST_CASE("error: missing '{' after a workflow name", "[config]") {
  // The block is still read (one error, not one per step and another for the '}').
  auto result = parse("workflow w\n    s a=1\n}\n");
  require_one_error(result, 1, 11, "expected '{' after workflow name");
  REQUIRE(result.config.workflows.size() == 1);
  CHECK(result.config.workflows[0].steps.size() == 1);
}

TEST_CASE("error: '{' on the line after the workflow name is reported once", "[config]") {
  require_one_error(parse("workflow w\n{\n    s\n}\n"), 1, 11, "expected '{' after workflow name");
}

TEST_CASE("error: a workflow without '{' followed by another block", "[config]") {
  auto result = parse("workflow a\nworkflow b {\n    s\n}\n");
  require_one_error(result, 1, 11, "expected '{' after workflow name");
  REQUIRE(result.config.workflows.size() == 2);
  CHECK(result.config.workflows[1].steps.size() == 1);
}

TEST_CASE("error: missing '{' after settings and after reactor arguments", "[config]") {
  require_one_error(parse("settings\n    a 1\n}\n"), 1, 9, "expected '{' after 'settings'");
  require_one_error(parse("reactor r executor=x\n}\n"), 1, 21, "expected '{' after reactor arguments");
}

TEST_CASE("error: '}' with no open block", "[config]") {
  require_one_error(parse("}\n"), 1, 1, "'}' with no open block");
  require_one_error(parse("workflow w {\n}\n  }\n"), 3, 3, "'}' with no open block");
}

TEST_CASE("error: missing '}' at the end of the text names the block and its line", "[config]") {
  auto result = parse("settings {\n}\n\nworkflow x {\n    s a=1\n");
  require_one_error(result, 5, 10, "missing '}' for workflow 'x' opened at line 4");
  CHECK(result.errors[0].message == "missing '}' for workflow 'x' opened at line 4");
}

TEST_CASE("error: missing '}' before the next block is reported there and both blocks are read", "[config]") {
  auto result = parse("workflow a {\n    s\n\nworkflow b {\n    t\n}\n");
  require_one_error(result, 4, 1, "missing '}' for workflow 'a' opened at line 1");
  REQUIRE(result.config.workflows.size() == 2);
  CHECK(result.config.workflows[0].steps.size() == 1);
  CHECK(result.config.workflows[1].steps.size() == 1);
}

TEST_CASE("error: missing '}' of settings and reactors", "[config]") {
  require_one_error(parse("settings {\n  a\n"), 2, 4, "missing '}' for settings opened at line 1");
  require_one_error(parse("reactor r executor=x {\n"), 1, 23, "missing '}' for reactor 'r' opened at line 1");
}

TEST_CASE("error: '}' must be alone on its line", "[config]") {
  require_one_error(parse("workflow w {\n    s a=1 }\n"), 2, 11, "'}' must be alone on its line");
  require_one_error(parse("workflow w { }\n"), 1, 14, "'}' must be alone on its line");
  require_one_error(parse("workflow w {\n} s\n"), 2, 3, "expected the end of the line after '}'");
}

TEST_CASE("error: children go on their own lines, not after '{'", "[config]") {
  auto result = parse("workflow w { s a=1 }\n");
  require_one_error(result, 1, 14, "expected the end of the line after '{'");
  CHECK(result.config.workflows.size() == 1);
}

TEST_CASE("error: blocks do not nest", "[config]") {
  auto result = parse("workflow w {\n    s a=1 {\n        t\n    }\n    u\n}\n");
  require_one_error(result, 2, 11, "a step cannot open a block");
  REQUIRE(result.config.workflows.size() == 1);
  CHECK(result.config.workflows[0].steps.size() == 1);  // u
  require_one_error(parse("settings {\n  a {\n  }\n}\n"), 2, 5, "a setting cannot open a block");
  require_one_error(parse("reactor r executor=x {\n  url {\n  }\n}\n"), 2, 7, "a reactor parameter cannot open a block");
}

TEST_CASE("error: '{' alone on a line", "[config]") {
  require_one_error(parse("{\n}\n"), 1, 1, "'{' must be on the same line as the node it opens");
  require_one_error(parse("workflow w {\n  s\n  {\n  }\n}\n"), 3, 3, "'{' must be on the same line");
}

TEST_CASE("error: unterminated quoted string", "[config]") {
  auto result = parse(in_workflow("    s a=\"abc  # no end"));
  require_one_error(result, 2, 9, "unterminated quoted string");
}

TEST_CASE("error: an unterminated quote on a head line costs no extra error", "[config]") {
  require_one_error(parse("workflow \"w {\n    s\n}\n"), 1, 10, "unterminated quoted string");
}

TEST_CASE("error: quotes must cover a whole key or value", "[config]") {
  std::string line = "    s a=\"b\"c";
  require_one_error(parse(in_workflow(line)), 2, col(line, "c"), "expected a space after the closing '\"'");
  line = "    s a=b\"c\"";
  require_one_error(parse(in_workflow(line)), 2, col(line, "\""), "unexpected '\"' inside a word");
}

TEST_CASE("error: invalid characters outside quotes", "[config]") {
  std::string line = "    s a=b;c";
  require_one_error(parse(in_workflow(line)), 2, col(line, ";"), "invalid character ';' (quote the value to use it)");
  line = "    s a=b\x01";
  require_one_error(parse(in_workflow(line)), 2, col(line, "\x01"), "invalid control character 0x01");
  require_one_error(parse(in_workflow("    s a=caf\xC3\xA9")), 2, 12, "invalid character '\xC3\xA9'");
  require_one_error(parse(in_workflow("    s a=b\xFF")), 2, 10, "invalid byte 0xFF (not UTF-8)");
  require_one_error(parse(in_workflow("    s a=b\xFF\xFE\xFD")), 2, 10, "invalid byte 0xFF");  // once per word
}

TEST_CASE("error: columns count characters, not bytes, and a tab is one column", "[config]") {
  require_one_error(parse(in_workflow("\ts a=\"\xE2\x98\x95\xE2\x98\x95\" b=;")), 2, 13, "invalid character ';'");
}

// Found by fuzz_reactor_answer: the end of a line that starts with a stray continuation
// byte was one column short of where the lexer had counted.
TEST_CASE("error: a stray continuation byte is a column, at the start of a line too", "[config]") {
  auto result = parse("workflow w {\n\x9Bk");
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].to_string() == "node.config:2:1: invalid byte 0x9B (not UTF-8)");
  CHECK(result.errors[1].to_string() == "node.config:2:3: missing '}' for workflow 'w' opened at line 1");
}

TEST_CASE("error: a quoted string that is not UTF-8", "[config]") {
  require_one_error(parse(in_workflow("    s a=\"ok\xC3(\"")), 2, 12, "quoted string is not valid UTF-8");
}

TEST_CASE("error: messages quote bad input safely", "[config]") {
  auto result = parse("bo\x01gus {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].to_string() ==
        "node.config:1:1: unknown node type 'bo\\x01gus' (expected settings, workflow or reactor)");
  CHECK(result.errors[1].to_string() == "node.config:1:3: invalid control character 0x01");
}

TEST_CASE("error: step arguments", "[config]") {
  std::string line = "    s k=";
  require_one_error(parse(in_workflow(line)), 2, 9, "expected a value after '=' (write k=\"\" for an empty value)");
  line = "    s =v";
  require_one_error(parse(in_workflow(line)), 2, 7, "expected a key before '='");
  line = "    s a?b=c";
  require_one_error(parse(in_workflow(line)), 2, col(line, "?"), "'?' is not allowed in a key");
  line = "    s a[1]=c";
  require_one_error(parse(in_workflow(line)), 2, col(line, "["), "'[' is not allowed in a key");
  line = "    a=b c";
  require_one_error(parse(in_workflow(line)), 2, 5, "expected a step type, found 'a=b'");
  line = "    s \"\"";
  require_one_error(parse(in_workflow(line)), 2, 7, "a flag cannot be empty");
}

TEST_CASE("error: workflow heads", "[config]") {
  require_one_error(parse("workflow {\n}\n"), 1, 10, "expected a workflow name after 'workflow'");
  require_one_error(parse("workflow a=b {\n}\n"), 1, 10, "expected a workflow name, found 'a=b'");
  require_one_error(parse("workflow w fast {\n}\n"), 1, 12, "unknown workflow argument 'fast' (expected routed_by_reactor)");
  require_one_error(parse("workflow w routed_by_reactor=yes {\n}\n"), 1, 12, "unknown workflow argument");
  require_one_error(parse("workflow a&b {\n}\n"), 1, 11, "'&' is not allowed in a workflow name");
}

TEST_CASE("error: duplicate workflow names", "[config]") {
  auto result = parse("workflow w {\n    s\n}\n\nworkflow w {\n}\n");
  require_one_error(result, 5, 10, "duplicate workflow name 'w' (first defined at line 1)");
  REQUIRE(result.config.workflows.size() == 1);
  CHECK(result.config.workflows[0].steps.size() == 1);  // the first one is kept
}

TEST_CASE("error: reactor heads", "[config]") {
  require_one_error(parse("reactor r update_interval=5 {\n}\n"), 1, 9,
                    "reactor 'r' needs an executor (e.g. executor=simple_http)");
  require_one_error(parse("reactor executor=simple_http {\n}\n"), 1, 9, "expected a reactor name after 'reactor'");
  auto nameless = parse("reactor {\n}\n");
  INFO(all_errors(nameless));
  REQUIRE(nameless.errors.size() == 2);
  CHECK(nameless.errors[0].to_string() == "node.config:1:1: reactor needs an executor (e.g. executor=simple_http)");
  CHECK(nameless.errors[1].to_string() == "node.config:1:9: expected a reactor name after 'reactor'");
  require_one_error(parse("reactor r executor=x color=red {\n}\n"), 1, 22, "unknown reactor argument 'color=red'");
  require_one_error(parse("reactor r executor=x fast {\n}\n"), 1, 22, "unknown reactor argument 'fast'");
  require_one_error(parse("reactor r executor= {\n}\n"), 1, 20, "expected a value after '='");
}

TEST_CASE("error: update_interval must be a whole number of seconds", "[config]") {
  for (std::string value : {"soon", "-5", "1.5", "99999999999", "4294967296", "\"\""}) {
    std::string line = "reactor r executor=simple_http update_interval=" + value + " {";
    auto result = parse(line + "\n}\n");
    require_one_error(result, 1, col(line, "update_interval=") + 16, "update_interval must be a whole number of seconds");
  }
  auto result = parse("reactor r executor=simple_http update_interval=4294967295 {\n}\n");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.reactors[0].update_interval_seconds == 4294967295u);
}

TEST_CASE("error: duplicate reactor names", "[config]") {
  require_one_error(parse("reactor r executor=a {\n}\nreactor r executor=b {\n}\n"), 3, 9,
                    "duplicate reactor name 'r' (first defined at line 1)");
}

TEST_CASE("error: reactor children", "[config]") {
  require_one_error(parse("reactor r executor=x {\n    url\n}\n"), 2, 8, "reactor parameter 'url' needs a value");
  require_one_error(parse("reactor r executor=x {\n    url: a b\n}\n"), 2, 12, "reactor parameter 'url' takes one value");
}

TEST_CASE("error: settings", "[config]") {
  require_one_error(parse("settings x {\n}\n"), 1, 10, "settings takes no arguments");
  require_one_error(parse("settings {\n    a 1 2\n}\n"), 2, 9, "a setting takes at most one value");
  require_one_error(parse("settings {\n    a=1\n}\n"), 2, 5, "expected a setting name, found 'a=1'");
}

TEST_CASE("error: a line longer than 64 KiB is refused", "[config]") {
  std::string text = "workflow w {\n    s a=" + std::string(70000, 'x') + "\n}\n";
  require_one_error(parse(text), 2, 1, "line is longer than 65536 bytes");
}

TEST_CASE("errors: all of them are collected in one pass, in order", "[config]") {
  auto result = parse(
      "settings x {\n"                     // 1: arguments
      "    http_api_port 1 2\n"            // 2: two values
      "}\n"
      "workflow good {\n"
      "    rtmp_receive rtmp_app=a stream_key=*\n"
      "}\n"
      "workflow bad {\n"
      "    s k=\n"                         // 8: no value
      "    t a=b;c\n"                      // 9: bad character
      "}\n"
      "frobnicate {\n"                     // 11: unknown node
      "}\n"
      "reactor r update_interval=x {\n"    // 13: bad interval, no executor
      "}\n"
      "}\n");                              // 15: stray brace
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 8);
  std::vector<std::pair<int, int>> where;
  for (const auto& error : result.errors) where.emplace_back(error.where.line, error.where.column);
  CHECK(where == std::vector<std::pair<int, int>>{{1, 10}, {2, 21}, {8, 9}, {9, 10}, {11, 1}, {13, 9}, {13, 27}, {15, 1}});
  CHECK_THAT(result.errors[5].message, Catch::Contains("reactor 'r' needs an executor"));
  // The good workflow is still read.
  REQUIRE_FALSE(result.config.workflows.empty());
  CHECK(result.config.workflows[0].name == "good");
}

TEST_CASE("errors: several on one line come left to right", "[config]") {
  std::string line = "    t =b c?d=1 e=\"open";
  auto result = parse(in_workflow(line));
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 3);
  CHECK(result.errors[0].where.column == col(line, "="));
  CHECK_THAT(result.errors[0].message, Catch::Contains("expected a key before '='"));
  CHECK(result.errors[1].where.column == col(line, "?"));
  CHECK(result.errors[2].where.column == col(line, "\""));
  CHECK_THAT(result.errors[2].message, Catch::Contains("unterminated quoted string"));
}

TEST_CASE("errors: a text with absurdly many definitions is cut short", "[config]") {
  std::string text = "workflow w {\n";
  for (int i = 0; i < 100'001; ++i) text += "s\n";
  auto result = parse(text);
  INFO(result.errors.size());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].message == "more than 100000 definitions; the rest was not read");
}

TEST_CASE("errors: a text over 16 MiB is refused whole", "[config]") {
  auto result = parse(std::string(16 * 1024 * 1024 + 1, '#'));
  require_one_error(result, 1, 1, "text is larger than 16 MiB");
}

TEST_CASE("errors: a flood of errors stops at a cap", "[config]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "bogus\n";
  auto result = parse(text);
  REQUIRE(result.errors.size() == 101);
  CHECK(result.errors.back().message == "too many errors; the rest was not checked");
}
