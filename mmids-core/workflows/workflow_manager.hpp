#pragma once
// WorkflowManager: the node's set of running workflows, by name. Creates, updates and
// stops them; carries media into a workflow (forwarders) and out of one (pull routing)
// by name, so a listener may subscribe before its workflow exists or across restarts;
// raises started/ended events.
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/workflows/workflow.hpp"

#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mmids::workflows {

class WorkflowManager {
 public:
  using MediaSink = Workflow::MediaSink;
  using NameListener = std::function<void(const std::string& workflow_name)>;

  WorkflowManager(asio::io_context& io, const StepRegistry& registry);
  ~WorkflowManager();

  // Creates the workflow, or applies the definition to the one of that name.
  void upsert(config::WorkflowDefinition definition);
  // Stops and removes it. False when there is none of that name.
  bool stop(const std::string& name);
  void stop_all();

  [[nodiscard]] const Workflow* find(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> names() const;

  // Media into the first step of the named workflow; dropped when it does not exist.
  void send_to(const std::string& name, const media::MediaNotification& notification);
  // Media leaving the last step of the named workflow, now and after any restart.
  // A new subscriber gets a replay of the streams already leaving it.
  [[nodiscard]] Subscription subscribe_output(const std::string& name, MediaSink sink);
  [[nodiscard]] Subscription on_started(NameListener listener);
  [[nodiscard]] Subscription on_ended(NameListener listener);

 private:
  struct OutputListener {
    std::string workflow;
    MediaSink sink;
    bool cancelled = false;
  };
  // Shared with the Subscriptions handed out, which hold it weakly: cancelling after the
  // manager is gone finds nothing to cancel.
  struct Listeners {
    std::list<std::shared_ptr<OutputListener>> output;
    std::list<std::shared_ptr<NameListener>> started;
    std::list<std::shared_ptr<NameListener>> ended;
  };
  void distribute_output(const std::string& name, const media::MediaNotification& notification);
  void release_later(std::shared_ptr<Workflow> workflow);

  asio::io_context& io_;
  const StepRegistry& registry_;
  std::map<std::string, std::shared_ptr<Workflow>> workflows_;
  std::shared_ptr<Listeners> listeners_ = std::make_shared<Listeners>();
};

}  // namespace mmids::workflows
