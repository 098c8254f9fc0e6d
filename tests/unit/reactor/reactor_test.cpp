// Reactor: one answer shared per stream name, workflows run while the name has
// requesters, re-asks, revocation, release, ask_again_now, and its lifetime rules.
// Every test talks to a real lookup server on loopback through SimpleHttpExecutor.
#include "reactor/reactor.hpp"

#include "mmids-core/config/parser.hpp"
#include "reactor/simple_http_executor.hpp"
#include "tests/unit/reactor/reactor_test_support.hpp"

#include <catch2/catch.hpp>

#include <list>

using namespace mmids;
using namespace mmids::reactor;
using namespace mmids::reactor::testing;
using mmids::testing::TestStep;

namespace {

struct Harness {
  explicit Harness(std::chrono::seconds update_interval = 0s) {
    SimpleHttpOptions options;
    options.url = server.url("/watcher_lookup");
    options.request_timeout = 2000ms;
    options.retry_delays = {50ms, 150ms};
    reactor = std::make_unique<Reactor>(io, "watchers", std::make_unique<SimpleHttpExecutor>(io, "watchers", options),
                                        update_interval, workflows.manager);
  }
  bool has_workflow(const std::string& name) const { return workflows.manager.find(name) != nullptr; }

  asio::io_context io;
  LookupServer server{io};
  WorkflowFixture workflows{io};
  std::unique_ptr<Reactor> reactor;
};

// One step that asked the reactor: what it was told.
struct Asker {
  void ask(Reactor& reactor, const std::string& stream) {
    subscription = reactor.request(
        LookupRequest{stream}, [this](const ReactorVerdict& verdict) { verdicts.push_back(verdict); }, [this] { ++revoked; });
  }
  std::vector<ReactorVerdict> verdicts;
  int revoked = 0;
  Subscription subscription;
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("reactor: concurrent requesters of one name share one call; a later one is answered from cache",
          "[reactor]") {
  Harness h;
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "cc_ingest") +
                                                 workflow_text("route_cam1", "cc_route", true)));
  std::list<Asker> askers(3);
  for (auto& asker : askers) asker.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return askers.back().verdicts.size() == 1; }));
  run_for(h.io, 50ms);

  CHECK(h.server.count_for("cam1") == 1);
  for (const auto& asker : askers) {
    REQUIRE(asker.verdicts.size() == 1);
    CHECK(asker.verdicts[0].valid);
    CHECK(asker.verdicts[0].workflow_names == Names{"ingest_cam1", "route_cam1"});
    CHECK(asker.verdicts[0].routed_workflow_names == Names{"route_cam1"});
  }
  CHECK(h.has_workflow("ingest_cam1"));
  CHECK(h.has_workflow("route_cam1"));
  CHECK(TestStep::live().count("cc_ingest") == 1);
  CHECK(h.reactor->stream_of_workflow("ingest_cam1") == std::optional<std::string>("cam1"));
  CHECK_FALSE(h.reactor->stream_of_workflow("pending_watchers"));

  Asker later;
  later.ask(*h.reactor, "cam1");
  CHECK(later.verdicts.size() == 1);  // before any io ran
  CHECK(later.verdicts.at(0).workflow_names == Names{"ingest_cam1", "route_cam1"});
  run_for(h.io, 50ms);
  CHECK(h.server.count_for("cam1") == 1);
}

TEST_CASE("reactor: an invalid first answer tells every waiting requester and is not cached", "[reactor]") {
  Harness h(1s);
  h.server.answer_for("nobody", ScriptedAnswer::status_only(404));
  Asker first, second;
  first.ask(*h.reactor, "nobody");
  second.ask(*h.reactor, "nobody");
  REQUIRE(run_until(h.io, [&] { return second.verdicts.size() == 1; }));
  CHECK(first.verdicts.size() == 1);
  CHECK_FALSE(first.verdicts[0].valid);
  CHECK(first.verdicts[0].workflow_names.empty());
  CHECK(h.server.count_for("nobody") == 1);

  // The stream may appear any moment: the next requester asks afresh.
  h.server.answer_for("nobody", ScriptedAnswer::ok());
  Asker third;
  third.ask(*h.reactor, "nobody");
  REQUIRE(run_until(h.io, [&] { return third.verdicts.size() == 1; }));
  CHECK(third.verdicts[0].valid);
  CHECK(h.server.count_for("nobody") == 2);
  CHECK(first.verdicts.size() == 1);  // told once, never again
  CHECK(first.revoked == 0);
}

TEST_CASE("reactor: the update interval re-ask starts new, stops dropped and keeps unchanged workflows",
          "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("keep", "ui_keep") + workflow_text("drop", "ui_drop")));
  Asker asker;
  asker.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return asker.verdicts.size() == 1; }));
  TestStep* kept = TestStep::live().at("ui_keep");
  const int constructed = TestStep::constructed();

  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("keep", "ui_keep") + workflow_text("new", "ui_new", true)));
  REQUIRE(run_until(h.io, [&] { return asker.verdicts.size() == 2; }, 2500ms));
  CHECK(h.server.count_for("cam1") == 2);
  CHECK(asker.verdicts[1].workflow_names == Names{"keep", "new"});
  CHECK(asker.verdicts[1].routed_workflow_names == Names{"new"});
  CHECK(h.has_workflow("new"));
  CHECK_FALSE(h.has_workflow("drop"));
  CHECK(h.has_workflow("keep"));
  CHECK(TestStep::live().at("ui_keep") == kept);  // the same step instance: nobody disconnected
  CHECK_FALSE(kept->shut_down);
  CHECK(TestStep::constructed() == constructed + 1);  // only ui_new
  CHECK_FALSE(h.reactor->stream_of_workflow("drop"));

  // An unchanged answer changes nothing and tells nobody.
  REQUIRE(run_until(h.io, [&] { return h.server.count_for("cam1") == 3; }, 2500ms));
  run_for(h.io, 50ms);
  CHECK(asker.verdicts.size() == 2);
  CHECK(TestStep::constructed() == constructed + 1);
  CHECK(asker.revoked == 0);
}

TEST_CASE("reactor: a re-ask answering 404 stops the workflows, then revokes", "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "rv_ingest")));
  bool stopped_before_revoked = false;
  int revoked = 0;
  std::vector<ReactorVerdict> verdicts;
  auto subscription = h.reactor->request(
      LookupRequest{"cam1"}, [&](const ReactorVerdict& verdict) { verdicts.push_back(verdict); },
      [&] {
        ++revoked;
        stopped_before_revoked = !h.has_workflow("ingest_cam1");
      });
  REQUIRE(run_until(h.io, [&] { return verdicts.size() == 1; }));
  CHECK(h.has_workflow("ingest_cam1"));

  h.server.answer_for("cam1", ScriptedAnswer::status_only(404));
  REQUIRE(run_until(h.io, [&] { return revoked == 1; }, 2500ms));
  CHECK(stopped_before_revoked);
  CHECK_FALSE(h.reactor->stream_of_workflow("ingest_cam1"));
  CHECK(verdicts.size() == 1);

  run_for(h.io, 1300ms);  // revoked: no more re-asks, no more callbacks
  CHECK(h.server.count_for("cam1") == 2);
  CHECK(revoked == 1);
}

TEST_CASE("reactor: a re-ask that fails transiently keeps the workflows", "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "tf_ingest")));
  Asker asker;
  asker.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return asker.verdicts.size() == 1; }));
  TestStep* step = TestStep::live().at("tf_ingest");

  h.server.queue({ScriptedAnswer::status_only(500), ScriptedAnswer::status_only(502)});
  REQUIRE(run_until(h.io, [&] { return h.server.count_for("cam1") == 4; }, 2500ms));  // 1 + 500, 502, 200
  run_for(h.io, 50ms);
  CHECK(h.has_workflow("ingest_cam1"));
  CHECK(TestStep::live().at("tf_ingest") == step);
  CHECK(asker.revoked == 0);
  CHECK(asker.verdicts.size() == 1);
}

TEST_CASE("reactor: a re-ask the lookup server never answers keeps the workflows; a first ask is refused",
          "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "un_ingest")));
  Asker live;
  live.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return live.verdicts.size() == 1; }));

  // Every attempt of the re-ask fails (the retries are 50 and 150 ms here): still live.
  h.server.queue({ScriptedAnswer::status_only(503), ScriptedAnswer::status_only(503), ScriptedAnswer::status_only(503)});
  REQUIRE(run_until(h.io, [&] { return h.server.count_for("cam1") == 4; }, 2500ms));
  run_for(h.io, 100ms);
  CHECK(h.has_workflow("ingest_cam1"));
  CHECK(live.revoked == 0);

  // A newcomer while the server is down is refused after the schedule.
  h.server.answer_for("cam2", ScriptedAnswer::status_only(503));
  Asker newcomer;
  newcomer.ask(*h.reactor, "cam2");
  REQUIRE(run_until(h.io, [&] { return newcomer.verdicts.size() == 1; }));
  CHECK_FALSE(newcomer.verdicts[0].valid);
}

TEST_CASE("reactor: the last requester gone stops its workflows, its re-ask timer and its cache", "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "lr_ingest")));
  Asker first, second;
  first.ask(*h.reactor, "cam1");
  second.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return second.verdicts.size() == 1; }));

  first.subscription.reset();
  CHECK(h.has_workflow("ingest_cam1"));
  second.subscription.reset();
  CHECK_FALSE(h.has_workflow("ingest_cam1"));
  CHECK(h.reactor->requested_streams().empty());
  CHECK_FALSE(h.reactor->stream_of_workflow("ingest_cam1"));

  run_for(h.io, 1300ms);
  // No re-ask; one DELETE, after the forget delay, tells the server the stream is gone.
  REQUIRE(h.server.count_for("cam1") == 2);
  CHECK(h.server.requests()[0].method == "POST");
  CHECK(h.server.requests()[1].method == "DELETE");
  CHECK(h.server.requests()[1].body == R"({"stream_name":"cam1"})");
  CHECK(h.server.requests()[1].at - h.server.requests()[0].at >= Reactor::kDefaultForgetDelay);
  CHECK(first.verdicts.size() == 1);
  CHECK(first.revoked + second.revoked == 0);

  Asker again;
  again.ask(*h.reactor, "cam1");
  CHECK(again.verdicts.empty());  // nothing cached any more
  REQUIRE(run_until(h.io, [&] { return again.verdicts.size() == 1; }));
  CHECK(h.server.count_for("cam1") == 3);
}

TEST_CASE("reactor: a name asked for again within the forget delay is not forgotten", "[reactor]") {
  Harness h;
  h.reactor->set_forget_delay(300ms);
  Asker first;
  first.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return first.verdicts.size() == 1; }));
  first.subscription.reset();  // a publisher's connection dropped...
  Asker reconnected;
  reconnected.ask(*h.reactor, "cam1");  // ...and it is back at once
  REQUIRE(run_until(h.io, [&] { return reconnected.verdicts.size() == 1; }));
  run_for(h.io, 500ms);
  CHECK(h.server.count_on("/watcher_lookup") == 2);
  for (const auto& request : h.server.requests()) CHECK(request.method == "POST");

  // A name refused is never forgotten: the server did not know it.
  h.server.answer_for("ghost", ScriptedAnswer::status_only(404));
  Asker refused;
  refused.ask(*h.reactor, "ghost");
  REQUIRE(run_until(h.io, [&] { return refused.verdicts.size() == 1; }));
  refused.subscription.reset();
  run_for(h.io, 500ms);
  CHECK(h.server.count_for("ghost") == 1);
}

TEST_CASE("reactor: ask_again_now re-asks at once, and at most once a second", "[reactor]") {
  Harness h(0s);  // no update interval: only ask_again_now re-asks
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "aa_old")));
  Asker asker;
  asker.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return asker.verdicts.size() == 1; }));
  h.reactor->ask_again_now("not_requested");
  run_for(h.io, 1000ms);
  CHECK(h.server.requests().size() == 1);

  // The stream moved: the same workflow, a new definition.
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "aa_new")));
  const auto asked_at = Clock::now();
  h.reactor->ask_again_now("cam1");
  REQUIRE(run_until(h.io, [&] { return TestStep::live().count("aa_new") == 1; }, 1000ms));
  CHECK(h.server.requests().back().at - asked_at < 500ms);
  CHECK(run_until(h.io, [&] { return TestStep::live().count("aa_old") == 0; }, 500ms));
  CHECK(asker.verdicts.size() == 1);  // same workflow names: routing unchanged, nobody told

  // A source failing in a loop: coalesced, and not sooner than a second after the answer.
  h.reactor->ask_again_now("cam1");
  h.reactor->ask_again_now("cam1");
  run_for(h.io, 300ms);
  CHECK(h.server.count_for("cam1") == 2);
  REQUIRE(run_until(h.io, [&] { return h.server.count_for("cam1") == 3; }, 1500ms));
  run_for(h.io, 200ms);
  CHECK(h.server.count_for("cam1") == 3);
}

TEST_CASE("reactor: requesters are never held past the answer deadline", "[reactor]") {
  Harness h;
  h.server.set_fallback(ScriptedAnswer::never());  // and the executor would wait 3 x 2 s
  h.reactor->set_answer_deadline(200ms);
  Asker asker;
  const auto started = Clock::now();
  asker.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return asker.verdicts.size() == 1; }, 1500ms));
  CHECK(Clock::now() - started >= 200ms);
  CHECK_FALSE(asker.verdicts[0].valid);
}

TEST_CASE("reactor: an answer never takes over a workflow it did not create", "[reactor]") {
  Harness h;
  auto config_workflow = config::parse_workflows(workflow_text("pending_watchers", "to_config"), "test");
  REQUIRE(config_workflow.ok());
  h.workflows.manager.upsert(config_workflow.config.workflows.at(0));
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("pending_watchers", "to_evil") +
                                                 workflow_text("ingest_cam1", "to_cam1")));
  h.server.answer_for("cam2", ScriptedAnswer::ok(workflow_text("ingest_cam1", "to_cam2")));
  Asker cam1, cam2;
  cam1.ask(*h.reactor, "cam1");
  REQUIRE(run_until(h.io, [&] { return cam1.verdicts.size() == 1; }));
  cam2.ask(*h.reactor, "cam2");
  REQUIRE(run_until(h.io, [&] { return cam2.verdicts.size() == 1; }));

  CHECK(cam1.verdicts[0].workflow_names == Names{"ingest_cam1"});
  CHECK(cam2.verdicts[0].valid);
  CHECK(cam2.verdicts[0].workflow_names.empty());
  CHECK(TestStep::live().count("to_config") == 1);
  CHECK(TestStep::live().count("to_evil") == 0);
  CHECK(TestStep::live().count("to_cam2") == 0);
  CHECK(h.reactor->stream_of_workflow("ingest_cam1") == std::optional<std::string>("cam1"));

  cam2.subscription.reset();
  CHECK(h.has_workflow("ingest_cam1"));
  cam1.subscription.reset();
  CHECK_FALSE(h.has_workflow("ingest_cam1"));
  CHECK(h.has_workflow("pending_watchers"));
}

TEST_CASE("reactor: requesters may release themselves from their callbacks", "[reactor]") {
  Harness h;
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "rs_ingest")));
  Subscription first, second;
  int called = 0;
  first = h.reactor->request(
      LookupRequest{"cam1"}, [&](const ReactorVerdict&) { ++called, first.reset(); }, [] {});
  second = h.reactor->request(
      LookupRequest{"cam1"}, [&](const ReactorVerdict&) { ++called, second.reset(); }, [] {});
  REQUIRE(run_until(h.io, [&] { return called == 2; }));
  CHECK_FALSE(h.has_workflow("ingest_cam1"));  // the last one left inside its callback
  CHECK(h.reactor->requested_streams().empty());
}

TEST_CASE("reactor: destroying it cancels everything; no callback runs afterwards", "[reactor]") {
  Harness h(1s);
  h.server.answer_for("cam1", ScriptedAnswer::ok(workflow_text("ingest_cam1", "dt_ingest")));
  h.server.answer_for("slow", ScriptedAnswer::never());
  Asker held, waiting;
  held.ask(*h.reactor, "cam1");
  waiting.ask(*h.reactor, "slow");
  REQUIRE(run_until(h.io, [&] { return held.verdicts.size() == 1 && h.server.count_for("slow") == 1; }));

  h.reactor.reset();
  held.subscription.reset();  // after the reactor: a no-op
  run_for(h.io, 1300ms);
  CHECK(held.verdicts.size() == 1);
  CHECK(waiting.verdicts.empty());
  CHECK(held.revoked + waiting.revoked == 0);
  CHECK(h.server.count_for("cam1") == 1);  // no re-ask
}
