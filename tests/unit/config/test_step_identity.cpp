// A step's identity (type + sorted parameters) decides whether a workflow update keeps
// a live step; describe() is how a step is shown to users.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using config_test::all_errors;
using mmids::config::StepDefinition;
using mmids::config::WorkflowDefinition;

namespace {

StepDefinition step_from(std::string_view line) {
  auto result = mmids::config::parse_workflows("workflow w {\n    " + std::string(line) + "\n}\n", "test");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  REQUIRE(result.config.workflows.at(0).steps.size() == 1);
  return result.config.workflows[0].steps[0];
}

}  // namespace

TEST_CASE("identity: the same parameters in another order give the same id", "[config]") {
  auto a = step_from("rtmp_receive rtmp_app=ingest stream_key=* rtmps");
  auto b = step_from("rtmp_receive rtmps stream_key=*   rtmp_app=\"ingest\"");
  CHECK(a.id() == b.id());
  CHECK(a == b);
  CHECK(a.where.column == b.where.column);
}

TEST_CASE("identity: location does not count", "[config]") {
  auto a = step_from("s a=1");
  auto b = step_from("s a=1");
  b.where = {"elsewhere", 40, 2};
  CHECK(a.id() == b.id());
  CHECK(a == b);
}

TEST_CASE("identity: a flag differs from an empty value", "[config]") {
  auto flag = step_from("s k");
  auto empty = step_from("s k=\"\"");
  CHECK(flag.id() != empty.id());
  CHECK_FALSE(flag == empty);
}

TEST_CASE("identity: a changed value, key or type gives another id", "[config]") {
  auto base = step_from("rtmp_watch rtmp_app=live stream_key=*");
  CHECK(base.id() != step_from("rtmp_watch rtmp_app=live stream_key=cam1").id());
  CHECK(base.id() != step_from("rtmp_watch rtmp_app=live stream_name=*").id());
  CHECK(base.id() != step_from("rtmp_receive rtmp_app=live stream_key=*").id());
  CHECK(base.id() != step_from("rtmp_watch rtmp_app=live stream_key=* extra").id());
  CHECK_FALSE(base == step_from("rtmp_watch rtmp_app=live"));
}

TEST_CASE("identity: boundaries between parts cannot be shifted", "[config]") {
  CHECK(step_from("s ab=c").id() != step_from("s a=bc").id());
  CHECK(step_from("s a=b c").id() != step_from("s \"a=b c\"").id());
  StepDefinition x{"ab", {}, {}};
  StepDefinition y{"a", {{"b", std::nullopt}}, {}};
  CHECK(x.id() != y.id());
}

TEST_CASE("identity: the id is stable across runs and machines", "[config]") {
  // FNV-1a 64 of the documented encoding; pinned so that a change is noticed.
  StepDefinition empty{"", {}, {}};
  CHECK(empty.id() == 0xa8c7f832281a39c5ULL);
  CHECK(step_from("rtmp_receive rtmp_app=ingest stream_key=*").id() == 0xf0a8ef3be9ab054aULL);
}

TEST_CASE("describe: parameters sorted, flags bare, quotes only where needed", "[config]") {
  CHECK(step_from("rtmp_receive stream_key=* rtmp_app=ingest").describe() == "rtmp_receive rtmp_app=ingest stream_key=*");
  CHECK(step_from("s rtmps b=\"\" c=\"two words\" d=rtmp://h/a?x=1&y=2 e=a=b").describe() ==
        "s b=\"\" c=\"two words\" d=rtmp://h/a?x=1&y=2 e=a=b rtmps");
  CHECK(step_from("s \"spaced flag\" \"a=b\" \"k k\"=v \"q?\"=1 f?&").describe() ==
        "s \"a=b\" f?& \"k k\"=v \"q?\"=1 \"spaced flag\"");
  CHECK(step_from("t").describe() == "t");
}

TEST_CASE("workflow equality: name, routed_by_reactor and steps", "[config]") {
  WorkflowDefinition a{"w", false, {step_from("s a=1")}, {"f", 1, 1}};
  WorkflowDefinition b = a;
  b.where = {"g", 9, 9};
  CHECK(a == b);
  b.routed_by_reactor = true;
  CHECK_FALSE(a == b);
  b = a;
  b.name = "v";
  CHECK_FALSE(a == b);
  b = a;
  b.steps.push_back(step_from("t"));
  CHECK_FALSE(a == b);
}
