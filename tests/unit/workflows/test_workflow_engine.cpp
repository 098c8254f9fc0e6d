// The workflow engine's behaviour as a node operator sees it: steps go pending ->
// active, errors name the step, media flows in order, updates keep identical steps
// alive and replay to new ones, stop ends the workflow.
#include "mmids-core/config/parser.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using mmids::testing::step;
using mmids::testing::TestStep;

namespace {

config::WorkflowDefinition workflow(const std::string& text) {
  auto parsed = config::parse_workflows(text, "test");
  REQUIRE(parsed.ok());
  REQUIRE(parsed.config.workflows.size() == 1);
  return parsed.config.workflows.front();
}

media::MediaPayload video(media::StreamId id, uint32_t timestamp, bool keyframe, bool sequence_header = false) {
  media::MediaPayload payload;
  payload.id = id;
  payload.kind = media::MediaKind::Video;
  payload.timestamp_ms = timestamp;
  payload.is_keyframe = keyframe;
  payload.is_sequence_header = sequence_header;
  payload.data = media::SharedBuffer::copy_of(std::string_view(sequence_header ? "\x17\x00" : "\x17\x01", 2));
  return payload;
}

struct Engine {
  asio::io_context io;
  // Keeps poll() usable after it once ran out of work (a stopped io_context does nothing).
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  workflows::StepRegistry registry;
  workflows::WorkflowManager manager{io, registry};
  Engine() { mmids::testing::register_test_steps(registry); }
  ~Engine() {
    manager.stop_all();
    io.poll();
  }
  workflows::WorkflowState state(const std::string& name) const { return manager.find(name)->state(); }
};

}  // namespace

TEST_CASE("a workflow runs only when every step is active", "[engine]") {
  Engine engine;
  engine.manager.upsert(workflow("workflow w {\n test_source name=a\n test_pending name=b\n}\n"));
  engine.io.poll();
  CHECK(engine.state("w") == workflows::WorkflowState::Pending);
  auto view = engine.manager.find("w")->view();
  CHECK(view.status == "Pending");
  CHECK(view.pending_steps.size() == 2);
  CHECK(view.active_steps.empty());

  step("b").activate();
  engine.io.poll();
  CHECK(engine.state("w") == workflows::WorkflowState::Running);
  view = engine.manager.find("w")->view();
  CHECK(view.status == "Running");
  CHECK(view.active_steps.size() == 2);
  CHECK(view.pending_steps.empty());
}

TEST_CASE("a step error puts the workflow in error naming the step, and a new definition rebuilds it", "[engine]") {
  Engine engine;
  const auto definition = workflow("workflow w {\n test_source name=a\n test_fail name=b\n}\n");
  engine.manager.upsert(definition);
  engine.io.poll();
  REQUIRE(engine.state("w") == workflows::WorkflowState::Error);
  auto view = engine.manager.find("w")->view();
  CHECK_THAT(view.status, Catch::Contains("test_fail") && Catch::Contains("told to fail"));
  CHECK(view.active_steps.empty());
  CHECK(engine.manager.names() == std::vector<std::string>{"w"});  // still listed

  engine.manager.upsert(workflow("workflow w {\n test_source name=a\n}\n"));
  engine.io.poll();
  CHECK(engine.state("w") == workflows::WorkflowState::Running);
}

TEST_CASE("unknown step types and bad arguments are step errors naming the step and argument", "[engine]") {
  Engine engine;
  engine.manager.upsert(workflow("workflow w {\n test_source name=a\n no_such_step x=1\n}\n"));
  engine.io.poll();
  CHECK_THAT(engine.manager.find("w")->view().status, Catch::Contains("unknown step type 'no_such_step'"));

  engine.manager.upsert(workflow("workflow v {\n test_source name=a colour=red\n}\n"));
  engine.io.poll();
  CHECK_THAT(engine.manager.find("v")->view().status,
             Catch::Contains("test_source") && Catch::Contains("unknown argument 'colour'"));

  engine.manager.upsert(workflow("workflow u {\n test_source\n}\n"));
  engine.io.poll();
  CHECK_THAT(engine.manager.find("u")->view().status, Catch::Contains("argument 'name' is required"));
}

TEST_CASE("media passes through the steps in order", "[engine]") {
  Engine engine;
  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n test_pass name=mid\n test_sink name=out\n}\n"));
  engine.io.poll();
  REQUIRE(engine.state("w") == workflows::WorkflowState::Running);

  const auto id = media::next_stream_id();
  step("src").emit(media::NewStream{id, "cam"});
  for (uint32_t t = 0; t < 10; ++t) step("src").emit(video(id, t * 33, t == 0));
  step("src").emit(media::StreamDisconnected{id});

  const auto& got = step("out").received;
  REQUIRE(got.size() == 12);
  CHECK(std::get<media::NewStream>(got.front()).name == "cam");
  for (uint32_t t = 0; t < 10; ++t) CHECK(std::get<media::MediaPayload>(got[t + 1]).timestamp_ms == t * 33);
  CHECK(std::holds_alternative<media::StreamDisconnected>(got.back()));
  CHECK(step("mid").received.size() == 12);
}

TEST_CASE("an update keeps identical steps, replaces changed ones and replays to new ones", "[engine]") {
  Engine engine;
  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n test_sink name=old\n}\n"));
  engine.io.poll();
  TestStep* source = &step("src");

  const auto id = media::next_stream_id();
  source->emit(media::NewStream{id, "cam"});
  source->emit(video(id, 0, true, /*sequence_header=*/true));
  source->emit(video(id, 33, true));

  const int built_before = TestStep::constructed();
  // Same parameters in another order: same identity, the same live instance.
  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n test_sink name=new\n}\n"));
  engine.io.poll();
  CHECK(&step("src") == source);
  CHECK(TestStep::constructed() == built_before + 1);  // only the new sink was built
  CHECK(TestStep::live().count("old") == 0);            // the removed sink is gone

  // The new sink was replayed what a decoder needs: the stream and its sequence header.
  const auto& replayed = step("new").received;
  REQUIRE(replayed.size() == 2);
  CHECK(std::get<media::NewStream>(replayed[0]).name == "cam");
  CHECK(std::get<media::MediaPayload>(replayed[1]).is_sequence_header);

  source->emit(video(id, 66, false));
  CHECK(step("new").received.size() == 3);
}

TEST_CASE("an identical update changes nothing", "[engine]") {
  Engine engine;
  const auto definition = workflow("workflow w {\n test_source name=src extra=1\n test_sink name=out\n}\n");
  engine.manager.upsert(definition);
  engine.io.poll();
  TestStep* source = &step("src");
  TestStep* sink = &step("out");
  const int built_before = TestStep::constructed();
  engine.manager.upsert(workflow("workflow w {\n test_source extra=1 name=src\n test_sink name=out\n}\n"));
  engine.io.poll();
  CHECK(TestStep::constructed() == built_before);
  CHECK(&step("src") == source);
  CHECK(&step("out") == sink);
  CHECK(sink->received.empty());
}

TEST_CASE("media keeps flowing through the old steps while an update is pending", "[engine]") {
  Engine engine;
  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n test_sink name=out\n}\n"));
  engine.io.poll();
  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n test_pending name=gate\n test_sink name=out\n}\n"));
  engine.io.poll();
  const auto id = media::next_stream_id();
  step("src").emit(media::NewStream{id, "cam"});
  CHECK(step("out").received.size() == 1);
  CHECK(engine.manager.find("w")->view().pending_steps.size() == 1);

  step("gate").activate();
  engine.io.poll();
  CHECK(engine.manager.find("w")->view().active_steps.size() == 3);
  // The stream that reached `out` directly now ends there and comes again through `gate`.
  const auto& got = step("out").received;
  REQUIRE(got.size() == 3);
  CHECK(std::holds_alternative<media::StreamDisconnected>(got[1]));
  CHECK(std::get<media::NewStream>(got[2]).name == "cam");
}

TEST_CASE("stopping a workflow stops its steps, raises the ended event and ends its output streams", "[engine]") {
  Engine engine;
  std::vector<std::string> started, ended;
  auto on_started = engine.manager.on_started([&](const std::string& name) { started.push_back(name); });
  auto on_ended = engine.manager.on_ended([&](const std::string& name) { ended.push_back(name); });
  std::vector<media::MediaNotification> output;
  auto subscription = engine.manager.subscribe_output("w", [&](const auto& n) { output.push_back(n); });

  engine.manager.upsert(workflow("workflow w {\n test_source name=src\n}\n"));
  engine.io.poll();
  CHECK(started == std::vector<std::string>{"w"});
  const auto id = media::next_stream_id();
  step("src").emit(media::NewStream{id, "cam"});
  TestStep* source = &step("src");

  CHECK(engine.manager.stop("w"));
  CHECK(source->shut_down);
  CHECK(ended == std::vector<std::string>{"w"});
  CHECK(engine.manager.find("w") == nullptr);
  REQUIRE(output.size() == 2);
  CHECK(std::get<media::StreamDisconnected>(output[1]).id == id);
  CHECK_FALSE(engine.manager.stop("w"));
  engine.io.poll();
  CHECK(TestStep::live().count("src") == 0);
}

TEST_CASE("media can be sent into a workflow by name and read as it leaves", "[engine]") {
  Engine engine;
  std::vector<media::MediaNotification> output;
  auto subscription = engine.manager.subscribe_output("target", [&](const auto& n) { output.push_back(n); });
  const auto id = media::next_stream_id();
  engine.manager.send_to("target", media::NewStream{id, "dropped"});  // no such workflow yet

  engine.manager.upsert(workflow("workflow target {\n test_pass name=p\n}\n"));
  engine.io.poll();
  engine.manager.send_to("target", media::NewStream{id, "cam"});
  engine.manager.send_to("target", video(id, 0, true, true));
  REQUIRE(output.size() == 2);
  CHECK(std::get<media::NewStream>(output[0]).name == "cam");

  // A late subscriber is replayed the live stream and its sequence header.
  std::vector<media::MediaNotification> late;
  auto late_subscription = engine.manager.subscribe_output("target", [&](const auto& n) { late.push_back(n); });
  REQUIRE(late.size() == 2);
  CHECK(std::get<media::MediaPayload>(late[1]).is_sequence_header);

  subscription.reset();
  engine.manager.send_to("target", video(id, 33, false));
  CHECK(output.size() == 2);
  CHECK(late.size() == 3);
}
