#include "mmids-core/workflows/workflow_manager.hpp"

#include <algorithm>

namespace mmids::workflows {
namespace {

// Registers `value` in the list `member` of `listeners` until the returned Subscription
// dies. Listeners are called from snapshots, so one may unsubscribe (or subscribe others)
// while called.
template <typename Owner, typename T>
Subscription hold_in(const std::shared_ptr<Owner>& listeners, std::list<std::shared_ptr<T>> Owner::*member,
                     std::shared_ptr<T> value) {
  ((*listeners).*member).push_back(value);
  return Subscription([weak_listeners = std::weak_ptr<Owner>(listeners), member, weak = std::weak_ptr<T>(value)] {
    auto live = weak_listeners.lock();
    if (!live) return;
    ((*live).*member).remove_if([&weak](const std::shared_ptr<T>& entry) { return entry == weak.lock(); });
  });
}

template <typename T>
std::vector<std::shared_ptr<T>> snapshot(const std::list<std::shared_ptr<T>>& list) {
  return {list.begin(), list.end()};
}

}  // namespace

WorkflowManager::WorkflowManager(asio::io_context& io, const StepRegistry& registry)
    : io_(io), registry_(registry) {}

WorkflowManager::~WorkflowManager() { stop_all(); }

void WorkflowManager::upsert(config::WorkflowDefinition definition) {
  auto existing = workflows_.find(definition.name);
  if (existing != workflows_.end()) {
    existing->second->apply(std::move(definition));
    return;
  }
  const std::string name = definition.name;
  // The manager outlives its workflows (it stops them all when it goes): `this` is safe here.
  auto workflow = Workflow::create(io_, registry_, std::move(definition),
                                   [this, name](const media::MediaNotification& n) { distribute_output(name, n); });
  workflows_.emplace(name, std::move(workflow));
  spdlog::info("[workflow={}] started", name);
  for (const auto& listener : snapshot(listeners_->started)) (*listener)(name);
}

bool WorkflowManager::stop(const std::string& name) {
  auto it = workflows_.find(name);
  if (it == workflows_.end()) return false;
  std::shared_ptr<Workflow> workflow = std::move(it->second);
  workflows_.erase(it);
  workflow->stop();
  release_later(std::move(workflow));
  spdlog::info("[workflow={}] ended", name);
  for (const auto& listener : snapshot(listeners_->ended)) (*listener)(name);
  return true;
}

void WorkflowManager::stop_all() {
  for (const auto& name : names()) stop(name);
}

void WorkflowManager::release_later(std::shared_ptr<Workflow> workflow) {
  // stop() may be called from deep inside one of the workflow's own steps.
  asio::post(io_, [owned = std::move(workflow)] {});
}

const Workflow* WorkflowManager::find(const std::string& name) const {
  auto it = workflows_.find(name);
  return it == workflows_.end() ? nullptr : it->second.get();
}

std::vector<std::string> WorkflowManager::names() const {
  std::vector<std::string> result;
  for (const auto& [name, workflow] : workflows_) result.push_back(name);
  return result;
}

void WorkflowManager::send_to(const std::string& name, const media::MediaNotification& notification) {
  auto it = workflows_.find(name);
  if (it != workflows_.end()) it->second->inject(notification);
}

void WorkflowManager::distribute_output(const std::string& name, const media::MediaNotification& notification) {
  // The hot path: no snapshot copy per packet. A cancelled listener stays in the list
  // (skipped) until a posted clean-up, and push_back does not disturb this iteration.
  for (const auto& listener : listeners_->output) {
    if (!listener->cancelled && listener->workflow == name) listener->sink(notification);
  }
}

Subscription WorkflowManager::subscribe_output(const std::string& name, MediaSink sink) {
  auto listener = std::make_shared<OutputListener>(OutputListener{name, std::move(sink), false});
  if (auto it = workflows_.find(name); it != workflows_.end()) it->second->replay_output(listener->sink);
  listeners_->output.push_back(listener);
  return Subscription([&io = io_, weak_listeners = std::weak_ptr<Listeners>(listeners_),
                       weak = std::weak_ptr<OutputListener>(listener)] {
    auto cancelled = weak.lock();
    if (!cancelled || weak_listeners.expired()) return;
    cancelled->cancelled = true;
    asio::post(io, [weak_listeners, cancelled] {
      if (auto live = weak_listeners.lock()) live->output.remove(cancelled);
    });
  });
}

Subscription WorkflowManager::on_started(NameListener listener) {
  return hold_in(listeners_, &Listeners::started, std::make_shared<NameListener>(std::move(listener)));
}

Subscription WorkflowManager::on_ended(NameListener listener) {
  return hold_in(listeners_, &Listeners::ended, std::make_shared<NameListener>(std::move(listener)));
}

}  // namespace mmids::workflows
