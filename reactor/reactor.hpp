#pragma once
// reactor: one configured reactor (SPEC.md section 5, MMIDS-REFERENCE.md "Reactors").
// Steps ask it about a stream name; it asks its executor once per name, shares that
// answer between every requester of the name, runs the workflows the answer holds
// for as long as the name has requesters, and re-asks every update_interval.
//
// Per stream name:
//   valid answer   -> upsert every returned workflow (identical ones keep running),
//                     stop ones created earlier for the name but missing now
//   invalid answer -> stop every workflow created for the name; first answer: requesters
//                     get an invalid verdict; on a re-ask: on_revoked
//   last requester gone -> workflows stopped, re-ask timer cancelled, cache dropped
// A re-ask that fails transiently keeps the current workflows: only the executor's
// final "invalid" (after its own retries) revokes them.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "reactor/reactor_executor.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::reactor {

// What a requester learns: valid or not, and the names of the workflows the reactor
// runs for that stream, plus the routed_by_reactor subset.
struct ReactorVerdict {
  bool valid = false;
  std::vector<std::string> workflow_names;
  std::vector<std::string> routed_workflow_names;
  bool operator==(const ReactorVerdict&) const = default;
};

class Reactor {
 public:
  using VerdictCallback = std::function<void(const ReactorVerdict&)>;
  using RevokedCallback = std::function<void()>;

  // The default bound on one executor call as seen by requesters (see set_answer_deadline).
  static constexpr std::chrono::milliseconds kDefaultAnswerDeadline{60000};

  Reactor(asio::io_context& io, std::string name, std::unique_ptr<ReactorExecutor> executor,
          std::chrono::seconds update_interval, workflows::WorkflowManager& workflows);
  // Cancels timers and executor calls; no callback runs afterwards. Workflows it created
  // are left to the WorkflowManager (which stops all of them when the node shuts down).
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Asks about `stream_name`. `on_verdict` is called with the first answer (before
  // request() returns when one is cached, else when the executor answers; concurrent
  // requesters of one name share ONE executor call) and again whenever a re-ask changes
  // the set of workflows. `on_revoked` is called when a re-ask answers invalid (the
  // workflows are stopped before). After an invalid verdict or on_revoked a requester
  // hears nothing more. The request lives until the returned Subscription is reset or
  // destroyed; when the last requester of a name is gone, that name's workflows are
  // stopped, its re-ask timer cancelled and its cache dropped. Callbacks may reset any
  // subscription (their own too) but must not destroy the Reactor.
  // The first requester's `request` (its client's address and query) is what the
  // executor is asked with, on the first ask and on every re-ask.
  [[nodiscard]] Subscription request(const LookupRequest& request, VerdictCallback on_verdict,
                                     RevokedCallback on_revoked);

  // Re-asks now (a pull of one of its workflows failed: the stream may have moved).
  // Ignored unless the name holds a valid answer. While a call is in flight, one more
  // follows it (the one in flight may have started before the failure). Re-asks of one
  // name are at least kMinimumReaskSpacing apart, so a source failing in a tight loop
  // cannot hammer the lookup server.
  void ask_again_now(const std::string& stream_name);
  static constexpr std::chrono::milliseconds kMinimumReaskSpacing{1000};

  [[nodiscard]] const std::string& name() const { return name_; }
  // The stream name a workflow was created for, if this reactor created it.
  [[nodiscard]] std::optional<std::string> stream_of_workflow(const std::string& workflow_name) const;
  // Stream names that currently have requesters.
  [[nodiscard]] std::vector<std::string> requested_streams() const;

  // Bounds how long requesters wait for one executor call (the executor's own retry
  // schedule normally ends first). Past it, a first ask answers invalid; a re-ask is
  // abandoned and the current workflows are kept.
  void set_answer_deadline(std::chrono::milliseconds deadline) { answer_deadline_ = deadline; }

  // When a name's last requester goes, the executor is told (forget) this much later,
  // unless the name is requested again meanwhile: a publisher reconnecting or taking its
  // key over must not have its new record removed by the old one's late "ended".
  static constexpr std::chrono::milliseconds kDefaultForgetDelay{1000};
  void set_forget_delay(std::chrono::milliseconds delay) { forget_delay_ = delay; }

  // Told of every executor call when it ends: "valid", "invalid", "unreachable" (every
  // attempt failed) or "timeout" (the answer deadline passed), and how long it took (the
  // node's metrics). Called on the io thread; must not destroy the Reactor.
  using RequestObserver =
      std::function<void(const std::string& reactor, std::string_view outcome, std::chrono::steady_clock::duration took)>;
  void set_request_observer(RequestObserver observer) { observer_ = std::move(observer); }

 private:
  struct Requester;
  struct Entry;
  struct Call;
  using EntryPtr = std::shared_ptr<Entry>;

  void ask(const EntryPtr& entry);
  void on_answer(const EntryPtr& entry, ExecutorAnswer answer);
  void on_deadline(const EntryPtr& entry);
  void observe(const EntryPtr& entry, std::string_view outcome);
  void apply_valid(const EntryPtr& entry, std::vector<config::WorkflowDefinition> answer);
  void apply_invalid(const EntryPtr& entry);
  void schedule_next_ask(const EntryPtr& entry);
  void notify_verdict(const EntryPtr& entry, const ReactorVerdict& verdict, bool changed);
  void release(const EntryPtr& entry, const std::shared_ptr<Requester>& requester);
  void drop(const EntryPtr& entry);
  void schedule_forget(const LookupRequest& request);
  void stop_created_workflows(const EntryPtr& entry, const std::vector<std::string>& names);
  [[nodiscard]] bool may_run(const Entry& entry, const std::string& workflow_name) const;

  asio::io_context& io_;
  std::string name_;
  std::unique_ptr<ReactorExecutor> executor_;
  std::chrono::seconds update_interval_;
  workflows::WorkflowManager& workflows_;
  std::chrono::milliseconds answer_deadline_ = kDefaultAnswerDeadline;
  std::chrono::milliseconds forget_delay_ = kDefaultForgetDelay;
  RequestObserver observer_;
  // Names whose "forget" waits out forget_delay_; a new request for the name cancels it.
  std::map<std::string, std::unique_ptr<asio::steady_timer>> pending_forgets_;
  std::map<std::string, EntryPtr> entries_;                 // stream name -> its state
  std::map<std::string, std::string> stream_of_workflow_;  // workflow created here -> stream name
};

}  // namespace mmids::reactor
