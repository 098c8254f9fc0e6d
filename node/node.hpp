#pragma once
// Node: one running mmids node. Owns the step registry, the workflow manager, the RTMP and
// HTTP viewer servers, the reactors, the activity book they all enter their clients and
// streams in, the HTTP API, the metrics and the reporter to the lookup server; starts the
// configured workflows and stops everything on request. Lives on the main io_context's
// thread; only RTMP connections run on the other `worker_threads` (IoThreads).
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/config/definitions.hpp"
#include "mmids-core/http/server.hpp"
#include "mmids-core/http_viewers/http_viewer_server.hpp"
#include "mmids-core/metrics/registry.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "mmids-core/settings/node_settings.hpp"
#include "mmids-core/workflows/step_registry.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "node/memory_trimmer.hpp"
#include "node/node_metrics.hpp"
#include "node/node_reporter.hpp"
#include "reactor/reactor_manager.hpp"
#include "steps/builtin_steps.hpp"

#include <memory>
#include <optional>

namespace mmids::node {

class Node {
 public:
  Node(asio::io_context& io, config::NodeConfig config, settings::NodeSettings settings);
  ~Node();

  // Starts the HTTP API (if configured) and every configured workflow. Throws
  // std::runtime_error when a listener cannot start. (The constructor throws when the
  // RTMPS certificate cannot be loaded, a reactor is misconfigured or the report secret
  // file cannot be read.)
  void start();
  // Stops every workflow (their steps close their connections) and the API.
  void stop();

  [[nodiscard]] std::optional<uint16_t> api_port() const;
  workflows::WorkflowManager& workflows() { return *workflows_; }
  rtmp::RtmpServer& rtmp() { return *rtmp_; }
  http_viewers::HttpViewerServer& http_viewers() { return *http_viewers_; }
  activity::NodeActivity& activity() { return *activity_; }

 private:
  asio::io_context& io_;
  config::NodeConfig config_;
  settings::NodeSettings settings_;
  // First: every server, step and pull enters its clients and streams here.
  std::shared_ptr<activity::NodeActivity> activity_ = std::make_shared<activity::NodeActivity>();
  metrics::Registry metrics_;  // served at GET /metrics on the API
  NodeMetrics node_metrics_{metrics_};
  workflows::StepRegistry registry_;
  // The RTMP connections' io threads (`worker_threads`): after the servers that post to
  // them, before the io_context they post to.
  std::shared_ptr<IoThreads> io_threads_;
  std::unique_ptr<rtmp::RtmpServer> rtmp_;
  std::unique_ptr<http_viewers::HttpViewerServer> http_viewers_;
  std::unique_ptr<workflows::WorkflowManager> workflows_;
  std::unique_ptr<reactor::ReactorManager> reactors_;
  std::unique_ptr<steps::StepServices> services_;
  std::unique_ptr<http::Server> api_;
  std::shared_ptr<NodeReporter> reporter_;  // with report_url
  // Gives the heap pages freed after a join burst back to the system.
  std::shared_ptr<MemoryTrimmer> trimmer_;
};

}  // namespace mmids::node
