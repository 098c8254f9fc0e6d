// The node's /metrics, as a scraper reads it: values read from the activity book at scrape
// time (viewers per stream, connections by role, bytes that only grow), and a stream's
// labels gone once it ends.
#include "mmids-core/config/parser.hpp"
#include "node/node_metrics.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace mmids;

namespace {

bool has(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string got; std::getline(in, got);)
    if (got == line) return true;
  return false;
}

// Every one of `lines` is a sample line of the scrape.
void check_samples(const std::string& text, std::initializer_list<std::string> lines) {
  for (const auto& line : lines) {
    INFO(line);
    CHECK(has(text, line));
  }
}

activity::ClientInfo info(uint64_t id, activity::ClientRole role, std::string protocol, std::string stream) {
  return activity::ClientInfo{id, role, std::move(protocol), "10.0.0.1:" + std::to_string(id), "live",
                              std::move(stream), std::chrono::steady_clock::now()};
}

struct Scraped {
  asio::io_context io;
  workflows::StepRegistry steps;
  workflows::WorkflowManager workflows{io, steps};
  metrics::Registry registry;
  node::NodeMetrics metrics{registry};
  std::shared_ptr<activity::NodeActivity> book = std::make_shared<activity::NodeActivity>();

  std::string scrape() {
    io.poll();  // workflows settle (step errors are posted)
    io.restart();
    metrics.collect(book->snapshot(), workflows);
    return registry.render();
  }
};

}  // namespace

TEST_CASE("node metrics: viewers per stream, connections by role and bytes come from the book", "[node][metrics]") {
  Scraped node;
  auto stream = node.book->add_stream({"x", "rtmp", "10.0.0.1:1"});
  auto publisher = node.book->add_client(info(1, activity::ClientRole::publisher, "rtmp", "x"));
  std::vector<std::shared_ptr<activity::ClientEntry>> viewers{
      node.book->add_client(info(2, activity::ClientRole::viewer, "rtmp", "x")),
      node.book->add_client(info(3, activity::ClientRole::viewer, "rtmp", "x")),
      node.book->add_client(info(4, activity::ClientRole::viewer, "flv", "x"))};
  publisher->counters.bytes_in = 5000;
  viewers[0]->counters.bytes_out = 1000;

  auto text = node.scrape();
  check_samples(text, {"mmids_stream_viewers{stream=\"x\"} 3",
                       "mmids_connections{role=\"viewer\"} 3",
                       "mmids_connections{role=\"publisher\"} 1",
                       "mmids_connections{role=\"pull\"} 0",
                       "mmids_viewers{protocol=\"rtmp\"} 2",
                       "mmids_viewers{protocol=\"flv\"} 1",
                       "mmids_bytes_total{direction=\"in\"} 5000",
                       "mmids_bytes_total{direction=\"out\"} 1000"});

  // A viewer leaves: its bytes stay counted, the gauge drops.
  viewers[0]->counters.bytes_out = 3000;
  viewers[0]->counters.too_slow = true;
  viewers[0]->counters.dropped_frames = 4;
  viewers.erase(viewers.begin());
  text = node.scrape();
  check_samples(text, {"mmids_stream_viewers{stream=\"x\"} 2",
                       "mmids_bytes_total{direction=\"out\"} 3000",
                       "mmids_viewer_slow_disconnects_total 1",
                       "mmids_viewer_dropped_frames_total 4"});

  // The stream ends: its labels go with it.
  stream->end();
  text = node.scrape();
  CHECK_FALSE(has(text, "mmids_stream_viewers{stream=\"x\"} 2"));
  CHECK(text.find("stream=\"x\"") == std::string::npos);
}

TEST_CASE("node metrics: pulls per stream, restarts, reactor answers and first keyframes", "[node][metrics]") {
  Scraped node;
  auto pull = node.book->add_client(info(1, activity::ClientRole::pull, "rtmp", "cam"));
  node.book->pull_restarted();
  node.book->pull_restarted();
  node.metrics.reactor_request("watchers", "valid", 0.02);
  node.metrics.reactor_request("watchers", "invalid", 0.2);
  node.metrics.first_keyframe(0.03);
  auto text = node.scrape();
  check_samples(text, {"mmids_pulls{stream=\"cam\"} 1",
                       "mmids_connections{role=\"pull\"} 1",
                       "mmids_pull_restarts_total 2",
                       "mmids_reactor_requests_total{outcome=\"valid\",reactor=\"watchers\"} 1",
                       "mmids_reactor_request_seconds_count{reactor=\"watchers\"} 2",
                       "mmids_time_to_first_keyframe_seconds_count 1",
                       "mmids_time_to_first_keyframe_seconds_bucket{le=\"0.05\"} 1",
                       "mmids_workflows{status=\"Running\"} 0"});
  pull.reset();
  text = node.scrape();
  CHECK(text.find("mmids_pulls{stream=\"cam\"}") == std::string::npos);
}

TEST_CASE("node metrics: workflows are counted by status, errors under one label", "[node][metrics]") {
  Scraped node;
  mmids::testing::register_test_steps(node.steps);
  auto parsed = config::parse_workflows(
      "workflow a {\n test_source name=a\n}\nworkflow b {\n test_pending name=b\n}\n"
      "workflow c {\n no_such_step\n}\n",
      "test");
  REQUIRE(parsed.ok());
  for (auto& definition : parsed.config.workflows) node.workflows.upsert(definition);
  auto text = node.scrape();
  check_samples(text, {"mmids_workflows{status=\"Running\"} 1",
                       "mmids_workflows{status=\"Pending\"} 1",
                       "mmids_workflows{status=\"Error\"} 1"});
}
