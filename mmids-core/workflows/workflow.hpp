#pragma once
// Workflow: runs one workflow definition, a linear list of steps (SPEC.md section 4).
// Steps start pending; when all are active the list swaps in and the workflow runs.
// An update keeps every step whose identity (type + sorted parameters) is unchanged,
// so an identical update disconnects nobody; new steps get a replay of what a decoder
// needs; a step error drops all steps and leaves the workflow listed in error until a
// new definition arrives. All of it runs on the one io_context thread.
#include "mmids-core/config/definitions.hpp"
#include "mmids-core/workflows/step.hpp"
#include "mmids-core/workflows/stream_cache.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mmids::workflows {

class StepRegistry;

enum class WorkflowState { Pending, Running, Error, Stopped };

struct StepView {
  uint64_t id = 0;
  std::string type;
  config::Parameters parameters;
  std::string status;  // "Active", "Pending", "Error: ..."
};

struct WorkflowView {
  std::string name;
  bool routed_by_reactor = false;
  WorkflowState state = WorkflowState::Pending;
  std::string status;  // "Running", "Pending", "Stopped" or the error text
  std::vector<StepView> active_steps;
  std::vector<StepView> pending_steps;
};

// Owned by shared_ptr: its steps' contexts and its posted work hold it weakly.
class Workflow : public std::enable_shared_from_this<Workflow> {
 public:
  using MediaSink = std::function<void(const media::MediaNotification&)>;

  // Builds the workflow and applies its definition. `output` receives media leaving the
  // last step (the manager distributes it).
  static std::shared_ptr<Workflow> create(asio::io_context& io, const StepRegistry& registry,
                                          config::WorkflowDefinition definition, MediaSink output = {});
  Workflow(asio::io_context& io, const StepRegistry& registry, std::string name, MediaSink output);
  ~Workflow();
  Workflow(const Workflow&) = delete;
  Workflow& operator=(const Workflow&) = delete;

  // Applies a new definition of the same workflow (an update), or rebuilds after an error.
  void apply(config::WorkflowDefinition definition);
  // Stops every step; streams leaving the workflow are reported disconnected.
  void stop();

  [[nodiscard]] const std::string& name() const { return definition_.name; }
  [[nodiscard]] const config::WorkflowDefinition& definition() const { return definition_; }
  [[nodiscard]] WorkflowState state() const { return state_; }
  [[nodiscard]] WorkflowView view() const;

  // Media entering the workflow at its first step (a forwarder sending into it).
  void inject(const media::MediaNotification& notification);
  // Replays what a decoder needs of every stream currently leaving the workflow.
  void replay_output(const MediaSink& sink) const;

 private:
  friend class StepContext;
  using InstancePtr = std::shared_ptr<StepInstance>;

  void step_emitted(StepInstance& instance, const media::MediaNotification& notification);
  void step_activated(StepInstance& instance);
  void step_failed(const std::weak_ptr<StepInstance>& instance, std::string message);

  void build_pending(const config::WorkflowDefinition& definition, bool reuse_existing);
  InstancePtr create_instance(const config::StepDefinition& definition);
  void swap_in_pending_if_ready();
  void deliver(size_t position, const media::MediaNotification& notification);
  void fail(std::string message);
  void tear_down();
  void retire(const InstancePtr& instance);
  void schedule_pending_check();
  static StepView view_of(const StepInstance& instance);

  asio::io_context& io_;
  const StepRegistry& registry_;
  config::WorkflowDefinition definition_;
  log::Fields fields_;
  WorkflowState state_ = WorkflowState::Pending;
  std::string error_;
  std::vector<InstancePtr> active_;
  std::vector<InstancePtr> pending_;
  std::vector<InstancePtr> graveyard_;  // removed steps, destroyed off the call stack
  MediaSink output_sink_;
  bool pending_check_scheduled_ = false;
};

}  // namespace mmids::workflows
