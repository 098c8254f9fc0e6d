#include "mmids-core/workflows/workflow.hpp"

#include "mmids-core/workflows/step_registry.hpp"

#include <algorithm>
#include <map>

namespace mmids::workflows {

struct StepInstance {
  config::StepDefinition definition;
  uint64_t id = 0;
  std::unique_ptr<WorkflowStep> step;
  std::shared_ptr<StepContext::Link> link;
  bool active = false;
  StreamCache output;  // what this step has sent downstream, for replays
  int position = -1;   // index in active_, -1 while pending or removed
};

std::shared_ptr<Workflow> Workflow::create(asio::io_context& io, const StepRegistry& registry,
                                           config::WorkflowDefinition definition, MediaSink output) {
  auto workflow = std::make_shared<Workflow>(io, registry, definition.name, std::move(output));
  workflow->apply(std::move(definition));  // after construction: steps built now hold it weakly
  return workflow;
}

Workflow::Workflow(asio::io_context& io, const StepRegistry& registry, std::string name, MediaSink output)
    : io_(io), registry_(registry), fields_(log::Fields().with("workflow", name)), output_sink_(std::move(output)) {
  definition_.name = std::move(name);
}

Workflow::~Workflow() {
  output_sink_ = nullptr;  // the owner is going away too: report nothing
  tear_down();
}

void Workflow::apply(config::WorkflowDefinition definition) {
  const bool rebuild = state_ == WorkflowState::Error || state_ == WorkflowState::Stopped;
  definition_ = std::move(definition);
  if (rebuild) {
    state_ = WorkflowState::Pending;
    error_.clear();
  }
  build_pending(definition_, /*reuse_existing=*/!rebuild);
  swap_in_pending_if_ready();
}

void Workflow::build_pending(const config::WorkflowDefinition& definition, bool reuse_existing) {
  std::vector<InstancePtr> available;
  if (reuse_existing) {
    available = active_;
    for (const auto& instance : pending_)
      if (std::find(available.begin(), available.end(), instance) == available.end()) available.push_back(instance);
  }
  std::vector<InstancePtr> next;
  std::string failure;
  for (const auto& step_definition : definition.steps) {
    const uint64_t id = step_definition.id();
    auto reusable = std::find_if(available.begin(), available.end(),
                                 [id](const InstancePtr& instance) { return instance->id == id; });
    if (reusable != available.end()) {
      next.push_back(*reusable);
      available.erase(reusable);
      continue;
    }
    try {
      next.push_back(create_instance(step_definition));
    } catch (const std::exception& error) {
      failure = "step " + step_definition.type + ": " + error.what();
      break;
    }
  }
  // Pending instances of an earlier, unfinished update that this one no longer wants.
  for (const auto& instance : pending_) {
    const bool wanted = std::find(next.begin(), next.end(), instance) != next.end();
    const bool running = std::find(active_.begin(), active_.end(), instance) != active_.end();
    if (!wanted && !running) retire(instance);
  }
  pending_ = std::move(next);
  if (!failure.empty()) fail(failure);
}

Workflow::InstancePtr Workflow::create_instance(const config::StepDefinition& definition) {
  auto instance = std::make_shared<StepInstance>();
  instance->definition = definition;
  instance->id = definition.id();
  StepContext context(io_, fields_.with("step", definition.type), definition_.name);
  context.link_->workflow = weak_from_this();
  context.link_->instance = instance;
  instance->link = context.link_;
  const StepFactory* factory = registry_.find(definition.type);
  if (!factory) throw StepArgumentError("unknown step type '" + definition.type + "'");
  instance->step = (*factory)(definition, context);
  return instance;
}

void Workflow::swap_in_pending_if_ready() {
  pending_check_scheduled_ = false;
  if (state_ == WorkflowState::Error || state_ == WorkflowState::Stopped) return;
  if (state_ == WorkflowState::Running && pending_.empty()) return;
  for (const auto& instance : pending_)
    if (!instance->active) return;

  std::vector<InstancePtr> old = std::move(active_);
  active_ = std::move(pending_);
  pending_.clear();

  std::map<const StepInstance*, const StepInstance*> old_predecessor;
  for (size_t i = 0; i < old.size(); ++i) old_predecessor[old[i].get()] = i ? old[i - 1].get() : nullptr;
  for (auto& instance : old) instance->position = -1;
  for (size_t i = 0; i < active_.size(); ++i) active_[i]->position = static_cast<int>(i);

  if (state_ != WorkflowState::Running) spdlog::info("{} running with {} steps", fields_, active_.size());
  state_ = WorkflowState::Running;

  // Mend every junction whose upstream changed (position size() is the exit): streams
  // that came from a step no longer before it end there, and what the new step before
  // it carries is replayed so a decoder can start. Downstream junctions go first, so a
  // replay that flows on through later steps meets junctions already mended.
  const StepInstance* old_last = old.empty() ? nullptr : old.back().get();
  for (size_t position = active_.size() + 1; position-- > 0;) {
    const StepInstance* new_before = position > 0 ? active_[position - 1].get() : nullptr;
    const StepInstance* old_before = old_last;
    bool added = false;
    if (position < active_.size()) {
      auto found = old_predecessor.find(active_[position].get());
      added = found == old_predecessor.end();
      old_before = added ? nullptr : found->second;
    }
    if (!added && old_before == new_before) continue;
    auto sink = [this, position](const media::MediaNotification& n) { deliver(position, n); };
    if (old_before) old_before->output.disconnect_all(sink);
    if (new_before) new_before->output.replay(sink);
  }

  for (const auto& instance : old)
    if (instance->position < 0) retire(instance);
}

void Workflow::deliver(size_t position, const media::MediaNotification& notification) {
  if (position < active_.size()) {
    InstancePtr next = active_[position];  // keeps the step alive if it is removed meanwhile
    next->step->on_media(notification);
  } else if (output_sink_) {
    output_sink_(notification);
  }
}

void Workflow::step_emitted(StepInstance& instance, const media::MediaNotification& notification) {
  instance.output.record(notification);
  if (instance.position >= 0) deliver(static_cast<size_t>(instance.position) + 1, notification);
}

void Workflow::step_activated(StepInstance& instance) {
  if (instance.active) return;
  instance.active = true;
  spdlog::debug("{} step {} active", fields_, instance.definition.describe());
  schedule_pending_check();
}

void Workflow::step_failed(const std::weak_ptr<StepInstance>& failed, std::string message) {
  // Deferred: the failing step may be deep in its own call stack, and failing tears it down.
  asio::post(io_, [weak = weak_from_this(), failed, message = std::move(message)] {
    auto workflow = weak.lock();
    auto instance = failed.lock();
    if (!workflow || !instance) return;
    const bool current = std::find(workflow->active_.begin(), workflow->active_.end(), instance) !=
                             workflow->active_.end() ||
                         std::find(workflow->pending_.begin(), workflow->pending_.end(), instance) !=
                             workflow->pending_.end();
    if (current) workflow->fail("step " + instance->definition.type + ": " + message);
  });
}

void Workflow::schedule_pending_check() {
  if (pending_check_scheduled_ || pending_.empty()) return;
  pending_check_scheduled_ = true;
  asio::post(io_, [weak = weak_from_this()] {
    if (auto workflow = weak.lock()) workflow->swap_in_pending_if_ready();
  });
}

void Workflow::fail(std::string message) {
  spdlog::error("{} workflow failed: {}", fields_, message);
  error_ = std::move(message);
  state_ = WorkflowState::Error;
  tear_down();
}

void Workflow::stop() {
  if (state_ == WorkflowState::Stopped) return;
  spdlog::info("{} stopping", fields_);
  tear_down();
  state_ = WorkflowState::Stopped;
}

void Workflow::tear_down() {
  if (!active_.empty() && output_sink_) active_.back()->output.disconnect_all(output_sink_);
  std::vector<InstancePtr> all = active_;
  for (const auto& instance : pending_)
    if (std::find(all.begin(), all.end(), instance) == all.end()) all.push_back(instance);
  active_.clear();
  pending_.clear();
  for (const auto& instance : all) retire(instance);
}

void Workflow::retire(const InstancePtr& instance) {
  instance->link->instance.reset();  // late callbacks of this step now do nothing
  instance->position = -1;
  if (instance->step) instance->step->shutdown();
  graveyard_.push_back(instance);
  // Destroyed off the call stack: the step may be retiring itself from inside a callback.
  asio::post(io_, [weak = weak_from_this()] {
    if (auto workflow = weak.lock()) workflow->graveyard_.clear();
  });
}

void Workflow::inject(const media::MediaNotification& notification) {
  if (state_ != WorkflowState::Running && state_ != WorkflowState::Pending) return;
  if (!active_.empty() || state_ == WorkflowState::Running) deliver(0, notification);
}

void Workflow::replay_output(const MediaSink& sink) const {
  if (!active_.empty()) active_.back()->output.replay(sink);
}

StepView Workflow::view_of(const StepInstance& instance) {
  return StepView{instance.id, instance.definition.type, instance.definition.parameters,
                  instance.active ? "Active" : "Pending"};
}

WorkflowView Workflow::view() const {
  WorkflowView view;
  view.name = definition_.name;
  view.routed_by_reactor = definition_.routed_by_reactor;
  view.state = state_;
  switch (state_) {
    case WorkflowState::Pending: view.status = "Pending"; break;
    case WorkflowState::Running: view.status = "Running"; break;
    case WorkflowState::Stopped: view.status = "Stopped"; break;
    case WorkflowState::Error: view.status = error_; break;
  }
  for (const auto& instance : active_) view.active_steps.push_back(view_of(*instance));
  for (const auto& instance : pending_)
    if (std::find(active_.begin(), active_.end(), instance) == active_.end())
      view.pending_steps.push_back(view_of(*instance));
  return view;
}

// --- StepContext: forwards to the workflow while the link holds ---

StepContext::StepContext(asio::io_context& io, log::Fields fields, std::string workflow_name)
    : io_(&io), fields_(std::move(fields)), workflow_name_(std::move(workflow_name)) {}

void StepContext::emit(const media::MediaNotification& notification) const {
  auto workflow = link_->workflow.lock();
  auto instance = link_->instance.lock();
  if (workflow && instance) workflow->step_emitted(*instance, notification);
}

void StepContext::set_active() const {
  auto workflow = link_->workflow.lock();
  auto instance = link_->instance.lock();
  if (workflow && instance) workflow->step_activated(*instance);
}

void StepContext::set_error(std::string message) const {
  if (auto workflow = link_->workflow.lock()) workflow->step_failed(link_->instance, std::move(message));
}

bool StepContext::connected() const { return !link_->workflow.expired() && !link_->instance.expired(); }

}  // namespace mmids::workflows
