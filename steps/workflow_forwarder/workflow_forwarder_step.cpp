#include "steps/workflow_forwarder/workflow_forwarder_step.hpp"

#include "reactor/reactor_manager.hpp"

#include <algorithm>

namespace mmids::steps {

WorkflowForwarderStep::WorkflowForwarderStep(workflows::StepContext context, std::optional<std::string> target_workflow,
                                             reactor::Reactor* reactor, StepServices& services)
    : context_(std::move(context)),
      workflows_(services.workflows),
      target_workflow_(std::move(target_workflow)),
      reactor_(reactor) {
  started_listener_ = workflows_.on_started([this](const std::string& name) { on_target_started(name); });
  context_.set_active();
}

WorkflowForwarderStep::~WorkflowForwarderStep() { shutdown(); }

void WorkflowForwarderStep::on_media(const media::MediaNotification& notification) {
  const media::StreamId id = media::stream_id_of(notification);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    StreamRoute& route = streams_[id];
    route.name = started->name;
    route.cache.clear();
    route.cache.record(notification);
    if (target_workflow_) route.targets = {*target_workflow_};
    send_to_targets(route, notification);
    if (reactor_) {
      // May answer at once (cached): the route exists already.
      route.lookup = reactor_->request(
          reactor::LookupRequest{started->name},
          [this, id](const reactor::ReactorVerdict& verdict) { on_verdict(id, verdict); },
          [this, id] {
            auto it = streams_.find(id);
            if (it != streams_.end()) it->second.targets.clear();
          });
    }
  } else if (auto it = streams_.find(id); it != streams_.end()) {
    it->second.cache.record(notification);
    send_to_targets(it->second, notification);
    if (std::holds_alternative<media::StreamDisconnected>(notification)) streams_.erase(it);
  }
  context_.emit(notification);
}

void WorkflowForwarderStep::send_to_targets(const StreamRoute& route, const media::MediaNotification& notification) {
  for (const auto& target : route.targets) {
    if (target == context_.workflow_name()) continue;  // never into ourselves: that would loop
    workflows_.send_to(target, notification);
  }
}

void WorkflowForwarderStep::on_verdict(media::StreamId id, const reactor::ReactorVerdict& verdict) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  StreamRoute& route = it->second;
  std::vector<std::string> targets;
  if (verdict.valid) {
    targets = verdict.routed_workflow_names.empty() ? verdict.workflow_names : verdict.routed_workflow_names;
  }
  // New targets start from what a decoder needs; dropped ones see the stream end.
  for (const auto& target : targets) {
    if (std::find(route.targets.begin(), route.targets.end(), target) != route.targets.end()) continue;
    route.cache.replay([&](const media::MediaNotification& n) { workflows_.send_to(target, n); });
  }
  for (const auto& target : route.targets) {
    if (std::find(targets.begin(), targets.end(), target) != targets.end()) continue;
    workflows_.send_to(target, media::StreamDisconnected{id});
  }
  route.targets = std::move(targets);
}

void WorkflowForwarderStep::on_target_started(const std::string& workflow_name) {
  for (auto& [id, route] : streams_) {
    if (std::find(route.targets.begin(), route.targets.end(), workflow_name) == route.targets.end()) continue;
    route.cache.replay([&](const media::MediaNotification& n) { workflows_.send_to(workflow_name, n); });
  }
}

void WorkflowForwarderStep::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // The targets see our streams end.
  for (auto& [id, route] : streams_) send_to_targets(route, media::StreamDisconnected{id});
  streams_.clear();
  started_listener_.reset();
}

std::unique_ptr<workflows::WorkflowStep> WorkflowForwarderStep::create(const config::StepDefinition& definition,
                                                                       workflows::StepContext context,
                                                                       StepServices& services) {
  workflows::StepArguments args(definition);
  auto target = args.optional("target_workflow");
  auto reactor_name = args.optional("reactor");
  args.reject_unknown();
  if (target.has_value() == reactor_name.has_value()) {
    throw workflows::StepArgumentError("give exactly one of 'target_workflow' and 'reactor'");
  }
  reactor::Reactor* reactor = reactor_name ? &find_reactor(services, "reactor", *reactor_name) : nullptr;
  return std::make_unique<WorkflowForwarderStep>(std::move(context), std::move(target), reactor, services);
}

}  // namespace mmids::steps
