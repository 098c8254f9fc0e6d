#include "steps/rtmp_watch/reactor_viewer_gate.hpp"

#include "mmids-core/net/address.hpp"

namespace mmids::steps {

struct ReactorViewerGate::KeyState {
  explicit KeyState(asio::io_context& io) : grace(io) {}
  Subscription lookup;
  std::optional<reactor::ReactorVerdict> verdict;
  std::vector<endpoint::Approval> waiting;
  size_t holders = 0;
  asio::steady_timer grace;
  std::vector<std::string> routed_names;
  std::vector<Subscription> routes;
};

ReactorViewerGate::ReactorViewerGate(asio::io_context& io, reactor::Reactor& reactor,
                                     workflows::WorkflowManager& workflows, std::chrono::milliseconds grace,
                                     log::Fields fields, RoutedMedia routed, Revoked revoked)
    : io_(io),
      reactor_(reactor),
      workflows_(workflows),
      grace_(grace),
      fields_(std::move(fields)),
      routed_(std::move(routed)),
      revoked_(std::move(revoked)) {}

ReactorViewerGate::~ReactorViewerGate() { shutdown(); }

void ReactorViewerGate::shutdown() {
  auto keys = std::move(keys_);  // destroying them releases the lookups and routes
  keys_.clear();
}

ReactorViewerGate::KeyState& ReactorViewerGate::state_for(const std::string& key, const reactor::LookupRequest& asking) {
  auto it = keys_.find(key);
  if (it != keys_.end()) return *it->second;
  auto state = std::make_shared<KeyState>(io_);
  keys_.emplace(key, state);
  spdlog::info("{} asking reactor '{}' about stream {}", fields_.with("stream", key), reactor_.name(), key);
  // May answer before it returns (a cached answer): the state already exists for it.
  auto lookup = reactor_.request(
      asking, [weak = weak_from_this(), key](const reactor::ReactorVerdict& verdict) {
        if (auto gate = weak.lock()) gate->on_verdict(key, verdict);
      },
      [weak = weak_from_this(), key] {
        if (auto gate = weak.lock()) gate->on_revoked(key);
      });
  state->lookup = std::move(lookup);
  return *state;
}

Subscription ReactorViewerGate::approve(const std::string& key, const endpoint::StreamRequest& request,
                                        endpoint::Approval approval) {
  // The first viewer of the key asks: its address and token go to the lookup server.
  KeyState& state =
      state_for(key, reactor::LookupRequest{key, net::address_text(request.peer_address), request.query, false});
  ++state.holders;
  state.grace.cancel();
  std::weak_ptr<KeyState> expected = keys_.at(key);
  if (state.verdict) {
    approval(state.verdict->valid);
  } else {
    state.waiting.push_back(std::move(approval));
  }
  return Subscription([weak = weak_from_this(), key, expected] {
    if (auto gate = weak.lock()) gate->release(key, expected);
  });
}

void ReactorViewerGate::on_verdict(const std::string& key, const reactor::ReactorVerdict& verdict) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  std::shared_ptr<KeyState> state = it->second;  // approvals below may release it
  state->verdict = verdict;
  spdlog::info("{} reactor '{}' answered {} ({} workflows)", fields_.with("stream", key), reactor_.name(),
               verdict.valid ? "valid" : "invalid", verdict.workflow_names.size());
  if (verdict.valid) route(*state, key, verdict);
  auto waiting = std::move(state->waiting);
  state->waiting.clear();
  for (auto& approval : waiting) approval(verdict.valid);
  // An invalid answer is not kept: the next viewer asks again (the stream may start).
  if (!verdict.valid) {
    auto current = keys_.find(key);
    if (current != keys_.end() && current->second == state) keys_.erase(current);
  }
}

void ReactorViewerGate::route(KeyState& state, const std::string& key, const reactor::ReactorVerdict& verdict) {
  const auto& names = verdict.routed_workflow_names.empty() ? verdict.workflow_names : verdict.routed_workflow_names;
  if (names == state.routed_names) return;  // a re-ask with the same workflows changes nothing
  state.routes.clear();
  state.routed_names = names;
  for (const auto& name : names) {
    state.routes.push_back(workflows_.subscribe_output(
        name, [weak = weak_from_this(), key](const media::MediaNotification& notification) {
          if (auto gate = weak.lock()) gate->routed_(key, notification);
        }));
  }
}

void ReactorViewerGate::on_revoked(const std::string& key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  spdlog::info("{} reactor '{}' withdrew stream {}: closing its viewers", fields_.with("stream", key),
               reactor_.name(), key);
  std::shared_ptr<KeyState> state = std::move(it->second);
  keys_.erase(it);
  state->routes.clear();
  revoked_(key);  // closes the viewers; their leases find no state and do nothing
}

void ReactorViewerGate::release(const std::string& key, const std::weak_ptr<KeyState>& expected) {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second != expected.lock()) return;  // revoked or replaced since
  KeyState& state = *it->second;
  if (state.holders > 0) --state.holders;
  if (state.holders > 0) return;
  // The last viewer left: keep the lookup (and the pull) for the grace period, so a viewer
  // who comes back or zaps in finds the stream running.
  state.grace.expires_after(grace_);
  state.grace.async_wait([weak = weak_from_this(), key, expected](const boost::system::error_code& error) {
    auto gate = weak.lock();
    if (error || !gate) return;
    auto current = gate->keys_.find(key);
    if (current == gate->keys_.end() || current->second != expected.lock() || current->second->holders > 0) return;
    spdlog::info("{} no viewers for {} ms: releasing the lookup", gate->fields_.with("stream", key),
                 gate->grace_.count());
    auto state = std::move(current->second);
    gate->keys_.erase(current);
  });
}

}  // namespace mmids::steps
