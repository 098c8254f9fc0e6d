#pragma once
// workflow_forwarder (also forward_to_workflow): passes media through and also sends
// it into other workflows.
//   workflow_forwarder target_workflow=W   every stream goes into workflow W
//   workflow_forwarder reactor=R           each stream goes into the workflows reactor R
//                                          names for the stream's name (its routed_by_reactor
//                                          ones, if it marked any), asked once per stream
// A target that starts (or restarts) later first gets a replay of each live stream:
// new stream, metadata, sequence headers.
#include "mmids-core/workflows/stream_cache.hpp"
#include "reactor/reactor.hpp"
#include "steps/builtin_steps.hpp"

#include <map>
#include <set>

namespace mmids::steps {

class WorkflowForwarderStep : public workflows::WorkflowStep {
 public:
  WorkflowForwarderStep(workflows::StepContext context, std::optional<std::string> target_workflow,
                        reactor::Reactor* reactor, StepServices& services);
  ~WorkflowForwarderStep() override;

  void on_media(const media::MediaNotification& notification) override;
  void shutdown() override;

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  struct StreamRoute {
    std::string name;
    workflows::StreamCache cache;     // this stream only, for replays into late targets
    std::vector<std::string> targets;
    Subscription lookup;   // reactor form: held while the stream lives
  };
  void send_to_targets(const StreamRoute& route, const media::MediaNotification& notification);
  void on_target_started(const std::string& workflow_name);
  void on_verdict(media::StreamId id, const reactor::ReactorVerdict& verdict);

  workflows::StepContext context_;
  workflows::WorkflowManager& workflows_;
  std::optional<std::string> target_workflow_;
  reactor::Reactor* reactor_;
  std::map<media::StreamId, StreamRoute> streams_;
  // Every callback into this step comes through a lease held here (started_listener_, the
  // routes' lookups), all given back in shutdown(): none can run after it.
  Subscription started_listener_;
  bool shut_down_ = false;
};

}  // namespace mmids::steps
