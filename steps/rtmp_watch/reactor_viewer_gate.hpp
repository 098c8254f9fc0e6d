#pragma once
// ReactorViewerGate: rtmp_watch's side of `reactor=R` (SPEC.md sections 5 and 7).
// The first viewer of a key holds a lookup of that key with the reactor; later viewers
// share its answer. While the answer stands, the media leaving the workflows the
// reactor runs for the key (only its routed_by_reactor ones, if it marked any) is handed
// to the step as that key's stream: pull routing. When the key's last viewer leaves, the
// lookup (and so the reactor's workflows, e.g. the pull) is held `grace` longer, then
// released.
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "reactor/reactor.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace mmids::steps {

// Owned by shared_ptr: the reactor's callbacks, the viewers' leases, the routes and the
// grace timers hold it weakly.
class ReactorViewerGate : public std::enable_shared_from_this<ReactorViewerGate> {
 public:
  using RoutedMedia = std::function<void(const std::string& key, const media::MediaNotification&)>;
  using Revoked = std::function<void(const std::string& key)>;

  ReactorViewerGate(asio::io_context& io, reactor::Reactor& reactor, workflows::WorkflowManager& workflows,
                    std::chrono::milliseconds grace, log::Fields fields, RoutedMedia routed, Revoked revoked);
  ~ReactorViewerGate();

  // The watcher registration's approver: answers when the reactor has, and holds the
  // key's lookup until the returned lease is released.
  Subscription approve(const std::string& key, const endpoint::StreamRequest& request, endpoint::Approval approval);
  // Drops every lookup at once (the step is going away).
  void shutdown();

  [[nodiscard]] bool holds(const std::string& key) const { return keys_.count(key) > 0; }

 private:
  struct KeyState;
  KeyState& state_for(const std::string& key, const reactor::LookupRequest& asking);
  void on_verdict(const std::string& key, const reactor::ReactorVerdict& verdict);
  void on_revoked(const std::string& key);
  void release(const std::string& key, const std::weak_ptr<KeyState>& expected);
  void route(KeyState& state, const std::string& key, const reactor::ReactorVerdict& verdict);

  asio::io_context& io_;
  reactor::Reactor& reactor_;
  workflows::WorkflowManager& workflows_;
  std::chrono::milliseconds grace_;
  log::Fields fields_;
  RoutedMedia routed_;
  Revoked revoked_;
  std::map<std::string, std::shared_ptr<KeyState>> keys_;
};

}  // namespace mmids::steps
