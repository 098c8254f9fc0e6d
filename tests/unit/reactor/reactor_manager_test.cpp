// ReactorManager: building reactors from `reactor` blocks (errors name the reactor),
// finding them, and routing a workflow's source failure to the reactor that made it.
#include "reactor/reactor_manager.hpp"

#include "tests/unit/reactor/reactor_test_support.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::reactor;
using namespace mmids::reactor::testing;
using Catch::Matchers::Contains;

namespace {

config::ReactorDefinition definition(std::string name, std::map<std::string, std::string> children,
                                      std::string executor = "simple_http", uint32_t interval = 0) {
  config::ReactorDefinition reactor;
  reactor.name = std::move(name);
  reactor.executor = std::move(executor);
  reactor.update_interval_seconds = interval;
  reactor.parameters = std::move(children);
  reactor.where = {"node.config", 3, 1};
  return reactor;
}

std::string configure_error(ReactorManager& manager, const std::vector<config::ReactorDefinition>& reactors) {
  try {
    manager.configure(reactors);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("reactor manager: configure errors name the reactor and the problem; nothing is built", "[reactor]") {
  asio::io_context io;
  WorkflowFixture workflows(io);
  settings::NodeSettings settings;
  ReactorManager manager(io, workflows.manager, settings);
  const auto good = definition("publishers", {{"url", "http://127.0.0.1:1/publisher_lookup"}});

  auto unknown_executor = configure_error(manager, {good, definition("watchers", {{"url", "http://x/"}}, "script")});
  CHECK_THAT(unknown_executor, Contains("node.config:3:1") && Contains("reactor 'watchers'") &&
                                   Contains("unknown executor 'script'") && Contains("simple_http"));
  CHECK(manager.find("publishers") == nullptr);

  CHECK_THAT(configure_error(manager, {definition("watchers", {})}),
             Contains("reactor 'watchers'") && Contains("'url'"));
  CHECK_THAT(configure_error(manager, {definition("watchers", {{"url", "http://x/"}, {"timeout", "5"}})}),
             Contains("reactor 'watchers'") && Contains("unknown child 'timeout'"));
  CHECK_THAT(configure_error(manager, {definition("watchers", {{"url", "ftp://x/"}})}),
             Contains("reactor 'watchers'") && Contains("bad url 'ftp://x/'"));
  CHECK_THAT(configure_error(manager, {definition("watchers", {{"url", "https://x/"}, {"ca_file", "/no/such/ca.pem"}})}),
             Contains("reactor 'watchers'") && Contains("/no/such/ca.pem"));
  CHECK_THAT(configure_error(manager, {good, good}), Contains("reactor 'publishers'") && Contains("twice"));
  CHECK(manager.names().empty());

  CHECK(configure_error(manager, {good}).empty());
  REQUIRE(manager.find("publishers") != nullptr);
  CHECK(manager.find("publishers")->name() == "publishers");
  CHECK(manager.find("watchers") == nullptr);
}

TEST_CASE("reactor manager: reactors ask their url from bind_address", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  WorkflowFixture workflows(io);
  settings::NodeSettings settings;
  settings.bind_address = "127.0.0.2";
  ReactorManager manager(io, workflows.manager, settings);
  manager.configure({definition("publishers", {{"url", server.url("/publisher_lookup")}})});

  std::optional<ReactorVerdict> verdict;
  auto subscription = manager.find("publishers")->request(
      LookupRequest{"cam1"}, [&](const ReactorVerdict& v) { verdict = v; }, [] {});
  REQUIRE(run_until(io, [&] { return verdict.has_value(); }));
  CHECK(verdict->valid);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].path == "/publisher_lookup");
  CHECK(server.requests()[0].peer_address == "127.0.0.2");
}

TEST_CASE("reactor manager: a source failure makes the reactor that created the workflow ask again", "[reactor]") {
  asio::io_context io;
  LookupServer server(io);
  WorkflowFixture workflows(io);
  settings::NodeSettings settings;
  ReactorManager manager(io, workflows.manager, settings);
  manager.set_executor_timing(1000ms, {50ms});
  manager.configure({definition("a", {{"url", server.url("/a")}}), definition("b", {{"url", server.url("/b")}})});
  server.answer_for("x", ScriptedAnswer::ok(workflow_text("wf_x", "sf_x")));
  server.answer_for("y", ScriptedAnswer::ok(workflow_text("wf_y", "sf_y")));

  int answers = 0;
  auto on_verdict = [&](const ReactorVerdict&) { ++answers; };
  auto from_a = manager.find("a")->request(LookupRequest{"x"}, on_verdict, [] {});
  auto from_b = manager.find("b")->request(LookupRequest{"y"}, on_verdict, [] {});
  REQUIRE(run_until(io, [&] { return answers == 2; }));
  CHECK(manager.find("b")->stream_of_workflow("wf_y") == std::optional<std::string>("y"));
  run_for(io, 1000ms);  // re-asks of one name are at least a second apart

  manager.report_source_failure("wf_y");
  manager.report_source_failure("pending_watchers");  // no reactor made it: ignored
  REQUIRE(run_until(io, [&] { return server.count_on("/b") == 2; }, 500ms));
  run_for(io, 100ms);
  CHECK(server.count_on("/a") == 1);
  CHECK(server.count_on("/b") == 2);
  CHECK(server.requests().back().stream_name == "y");
}
