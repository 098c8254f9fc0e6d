#pragma once
// The step types a node offers, and what they need from the node to work.
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/settings/node_settings.hpp"
#include "mmids-core/workflows/step_registry.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"

namespace mmids::rtmp {
class RtmpServer;
}
namespace mmids::http_viewers {
class HttpViewerServer;
}
namespace mmids::reactor {
class Reactor;
class ReactorManager;
}

namespace mmids::steps {

// Node-wide services steps are built on. Everything outlives every step.
struct StepServices {
  asio::io_context& io;
  const settings::NodeSettings& settings;
  workflows::WorkflowManager& workflows;
  rtmp::RtmpServer* rtmp = nullptr;
  http_viewers::HttpViewerServer* http_viewers = nullptr;  // HTTP-FLV and HLS viewers (rtmp_watch http_port=)
  reactor::ReactorManager* reactors = nullptr;
  std::shared_ptr<activity::NodeActivity> activity;  // the node's book: pulls enter it; null: none
};

// The reactor a step argument names. Throws StepArgumentError naming `argument` when the
// node has no reactor of that name.
reactor::Reactor& find_reactor(StepServices& services, const std::string& argument, const std::string& name);

// Registers every built-in step type (and its aliases) into `registry`.
void register_builtin_steps(workflows::StepRegistry& registry, StepServices& services);

}  // namespace mmids::steps
