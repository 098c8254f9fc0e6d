#include "reactor/reactor.hpp"

#include "reactor/log_fields.hpp"

#include <algorithm>

namespace mmids::reactor {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

struct Reactor::Requester {
  enum class State { Waiting, Approved, Done };  // Done: told invalid/revoked, or released
  VerdictCallback on_verdict;
  RevokedCallback on_revoked;
  State state = State::Waiting;
};

// One executor call. The entry holds the call in flight; the call's callbacks hold it (and
// the entry) weakly, so the answer to a call that was superseded or dropped is ignored.
struct Reactor::Call {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Everything about one stream name, owned by the Reactor's map only: callbacks (timers,
// executor answers, requesters' leases) hold it weakly, so while it locks, the Reactor that
// owns it is alive too. Callbacks into steps and the WorkflowManager can re-enter the
// Reactor and drop the entry, so code holding an EntryPtr checks `dropped` after each.
struct Reactor::Entry {
  Entry(asio::io_context& io, LookupRequest first_request, log::Fields log_fields)
      : stream(first_request.stream_name),
        request(std::move(first_request)),
        fields(std::move(log_fields)),
        next_ask_timer(io),
        deadline_timer(io) {}
  std::string stream;
  LookupRequest request;  // the first requester's: asked with every time
  log::Fields fields;
  std::list<std::shared_ptr<Requester>> requesters;
  std::optional<ReactorVerdict> verdict;  // the last valid answer; none before one and after "invalid"
  std::vector<std::string> created;       // workflows started for this name
  std::shared_ptr<Call> call;             // the executor call in flight; reset = its answer is ignored
  bool ask_again_requested = false;       // ask_again_now() while a call was in flight or just answered
  bool answering = false;                 // inside on_answer (steps may report failures re-entrantly)
  bool dropped = false;
  std::chrono::steady_clock::time_point last_answer_at{};
  asio::steady_timer next_ask_timer;  // update_interval re-ask, or a requested early re-ask
  asio::steady_timer deadline_timer;  // bounds the call in flight
};

Reactor::Reactor(asio::io_context& io, std::string name, std::unique_ptr<ReactorExecutor> executor,
                 std::chrono::seconds update_interval, workflows::WorkflowManager& workflows)
    : io_(io), name_(std::move(name)), executor_(std::move(executor)), update_interval_(update_interval),
      workflows_(workflows) {}

Reactor::~Reactor() {
  executor_.reset();  // no executor answer after this
  for (auto& [stream, entry] : entries_) {
    entry->dropped = true;
    entry->call.reset();
    entry->next_ask_timer.cancel();
    entry->deadline_timer.cancel();
  }
  entries_.clear();  // timer handlers hold weak references only
  for (auto& [stream, timer] : pending_forgets_) timer->cancel();
}

Subscription Reactor::request(const LookupRequest& lookup, VerdictCallback on_verdict, RevokedCallback on_revoked) {
  const std::string& stream_name = lookup.stream_name;
  if (auto pending = pending_forgets_.find(stream_name); pending != pending_forgets_.end()) {
    pending->second->cancel();  // asked for again: the server's record stands
    pending_forgets_.erase(pending);
  }
  EntryPtr& slot = entries_[stream_name];
  if (!slot) slot = std::make_shared<Entry>(io_, lookup, reactor_fields(name_, stream_name));
  EntryPtr entry = slot;
  auto requester = std::make_shared<Requester>();
  requester->on_verdict = std::move(on_verdict);
  requester->on_revoked = std::move(on_revoked);
  entry->requesters.push_back(requester);

  // An entry that still locks belongs to this (living) Reactor: see Entry.
  Subscription subscription(
      [this, weak_entry = std::weak_ptr<Entry>(entry), weak_requester = std::weak_ptr<Requester>(requester)] {
        auto live_entry = weak_entry.lock();
        auto live_requester = weak_requester.lock();
        if (live_entry && live_requester) release(live_entry, live_requester);
      });

  if (entry->verdict) {
    spdlog::debug("{} answered from cache", entry->fields);
    requester->state = Requester::State::Approved;
    const ReactorVerdict verdict = *entry->verdict;
    if (requester->on_verdict) requester->on_verdict(verdict);
  } else if (!entry->call) {
    ask(entry);
  }
  return subscription;
}

void Reactor::ask_again_now(const std::string& stream_name) {
  auto it = entries_.find(stream_name);
  if (it == entries_.end() || !it->second->verdict) {
    spdlog::debug("{} asked to re-ask, but holds no answer: ignored", reactor_fields(name_, stream_name));
    return;
  }
  EntryPtr entry = it->second;
  entry->ask_again_requested = true;
  spdlog::info("{} a source of its workflows failed: asking again", entry->fields);
  // A call in flight (or the answer being applied) schedules the re-ask when it is done.
  if (!entry->call && !entry->answering) schedule_next_ask(entry);
}

std::optional<std::string> Reactor::stream_of_workflow(const std::string& workflow_name) const {
  auto it = stream_of_workflow_.find(workflow_name);
  if (it == stream_of_workflow_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Reactor::requested_streams() const {
  std::vector<std::string> names;
  for (const auto& [stream, entry] : entries_) names.push_back(stream);
  return names;
}

void Reactor::ask(const EntryPtr& entry) {
  entry->next_ask_timer.cancel();
  entry->ask_again_requested = false;
  auto call = std::make_shared<Call>();
  entry->call = call;
  const std::weak_ptr<Entry> weak_entry = entry;
  const std::weak_ptr<Call> weak_call = call;
  // Only the current call of a live entry counts: a dropped entry or a superseded call
  // (deadline passed) leaves these callbacks with nothing to do.
  auto current = [weak_entry, weak_call]() -> EntryPtr {
    auto live_entry = weak_entry.lock();
    auto live_call = weak_call.lock();
    if (!live_entry || !live_call || live_entry->call != live_call || live_entry->dropped) return nullptr;
    return live_entry;
  };
  entry->deadline_timer.expires_after(answer_deadline_);
  entry->deadline_timer.async_wait([this, current](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto live = current()) on_deadline(live);
  });
  LookupRequest asked = entry->request;
  asked.refresh = entry->verdict.has_value();
  executor_->lookup(asked, [this, current](ExecutorAnswer answer) {
    if (auto live = current()) on_answer(live, std::move(answer));
  });
}

void Reactor::observe(const EntryPtr& entry, std::string_view outcome) {
  if (observer_ && entry->call) observer_(name_, outcome, std::chrono::steady_clock::now() - entry->call->started);
}

void Reactor::on_answer(const EntryPtr& entry, ExecutorAnswer answer) {
  observe(entry, answer.valid ? "valid" : answer.unreachable ? "unreachable" : "invalid");
  entry->call.reset();
  entry->deadline_timer.cancel();
  entry->last_answer_at = std::chrono::steady_clock::now();
  entry->answering = true;
  if (answer.valid) {
    apply_valid(entry, std::move(answer.workflows));
  } else if (answer.unreachable && entry->verdict) {
    // A lookup server that is down or hung must not end what is live: only its "no" does.
    spdlog::warn("{} re-ask got no answer from the lookup server; keeping the current workflows", entry->fields);
  } else {
    apply_invalid(entry);
  }
  entry->answering = false;
  // A requester callback may have started a new call already (a new requester after "invalid").
  if (!entry->dropped && !entry->call) schedule_next_ask(entry);
}

void Reactor::on_deadline(const EntryPtr& entry) {
  observe(entry, "timeout");
  entry->call.reset();  // a late answer of this call is ignored
  if (entry->verdict) {
    spdlog::warn("{} re-ask got no answer within {} ms; keeping the current workflows", entry->fields,
                 answer_deadline_.count());
    schedule_next_ask(entry);
    return;
  }
  spdlog::warn("{} no answer within {} ms: treated as not valid", entry->fields, answer_deadline_.count());
  apply_invalid(entry);
}

bool Reactor::may_run(const Entry& entry, const std::string& workflow_name) const {
  auto owner = stream_of_workflow_.find(workflow_name);
  if (owner != stream_of_workflow_.end()) return owner->second == entry.stream;
  // A workflow of the node's config, the HTTP API or another reactor: an answer from the
  // network never takes it over (stopping it later would break whoever owns it).
  return workflows_.find(workflow_name) == nullptr;
}

void Reactor::apply_valid(const EntryPtr& entry, std::vector<config::WorkflowDefinition> answer) {
  ReactorVerdict verdict;
  verdict.valid = true;
  std::vector<config::WorkflowDefinition> accepted;
  for (auto& workflow : answer) {
    if (contains(verdict.workflow_names, workflow.name)) continue;
    if (!may_run(*entry, workflow.name)) {
      spdlog::warn("{} answer names workflow '{}', which this reactor did not create for this stream: ignored",
                   entry->fields, workflow.name);
      continue;
    }
    verdict.workflow_names.push_back(workflow.name);
    if (workflow.routed_by_reactor) verdict.routed_workflow_names.push_back(workflow.name);
    accepted.push_back(std::move(workflow));
  }

  // Record ownership first: steps built during upsert may already ask stream_of_workflow().
  std::vector<std::string> obsolete;
  for (const auto& name : entry->created)
    if (!contains(verdict.workflow_names, name)) obsolete.push_back(name);
  for (const auto& name : verdict.workflow_names) {
    if (!contains(entry->created, name)) entry->created.push_back(name);
    stream_of_workflow_[name] = entry->stream;
  }
  spdlog::info("{} valid; workflows: {}{}", entry->fields, joined(verdict.workflow_names),
               obsolete.empty() ? "" : "; stopping " + joined(obsolete));
  // Start or update first, then stop: a renamed workflow starts before the old one goes.
  for (auto& workflow : accepted) {
    workflows_.upsert(std::move(workflow));  // identical definition: steps keep running
    if (entry->dropped) return;
  }
  stop_created_workflows(entry, obsolete);
  if (entry->dropped) return;

  const bool changed = !entry->verdict || !(*entry->verdict == verdict);
  entry->verdict = verdict;
  notify_verdict(entry, verdict, changed);
}

void Reactor::apply_invalid(const EntryPtr& entry) {
  entry->next_ask_timer.cancel();
  entry->verdict.reset();
  if (!entry->created.empty()) spdlog::info("{} not valid; stopping {}", entry->fields, joined(entry->created));
  stop_created_workflows(entry, entry->created);
  // Snapshot: callbacks may release requesters (or add new ones, which start a new call).
  const std::vector<std::shared_ptr<Requester>> requesters(entry->requesters.begin(), entry->requesters.end());
  for (const auto& requester : requesters) {
    if (entry->dropped) return;
    const auto before = requester->state;
    requester->state = Requester::State::Done;
    if (before == Requester::State::Waiting && requester->on_verdict) requester->on_verdict(ReactorVerdict{});
    if (before == Requester::State::Approved && requester->on_revoked) requester->on_revoked();
  }
}

void Reactor::notify_verdict(const EntryPtr& entry, const ReactorVerdict& verdict, bool changed) {
  const std::vector<std::shared_ptr<Requester>> requesters(entry->requesters.begin(), entry->requesters.end());
  for (const auto& requester : requesters) {
    if (entry->dropped) return;
    if (requester->state == Requester::State::Done) continue;
    if (requester->state == Requester::State::Approved && !changed) continue;
    requester->state = Requester::State::Approved;
    if (requester->on_verdict) requester->on_verdict(verdict);
  }
}

void Reactor::schedule_next_ask(const EntryPtr& entry) {
  if (!entry->verdict) return;  // nothing held: the next requester asks afresh
  std::chrono::steady_clock::time_point at;
  if (entry->ask_again_requested) {
    at = std::max(std::chrono::steady_clock::now(), entry->last_answer_at + kMinimumReaskSpacing);
  } else if (update_interval_.count() > 0) {
    at = std::chrono::steady_clock::now() + update_interval_;
  } else {
    return;
  }
  entry->next_ask_timer.expires_at(at);
  entry->next_ask_timer.async_wait(
      [this, weak_entry = std::weak_ptr<Entry>(entry)](const boost::system::error_code& ec) {
        auto live = weak_entry.lock();
        if (ec || !live || live->dropped || live->call) return;
        ask(live);
      });
}

void Reactor::release(const EntryPtr& entry, const std::shared_ptr<Requester>& requester) {
  requester->state = Requester::State::Done;
  entry->requesters.remove(requester);
  if (entry->requesters.empty() && !entry->dropped) drop(entry);
}

void Reactor::drop(const EntryPtr& entry) {
  entry->dropped = true;
  entry->call.reset();
  entry->next_ask_timer.cancel();
  entry->deadline_timer.cancel();
  if (auto it = entries_.find(entry->stream); it != entries_.end() && it->second == entry) entries_.erase(it);
  if (entry->created.empty()) {
    spdlog::debug("{} last requester gone", entry->fields);
  } else {
    spdlog::info("{} last requester gone; stopping {}", entry->fields, joined(entry->created));
  }
  // Told only when the server had said yes: it knows the stream (or this node's interest).
  if (entry->verdict && executor_) schedule_forget(entry->request);
  stop_created_workflows(entry, entry->created);
}

void Reactor::schedule_forget(const LookupRequest& request) {
  auto timer = std::make_unique<asio::steady_timer>(io_, forget_delay_);
  // The handler runs only while the Reactor lives: its destructor cancels every timer, and
  // a cancelled handler returns before touching `this`.
  timer->async_wait([this, request](const boost::system::error_code& ec) {
    if (ec) return;
    pending_forgets_.erase(request.stream_name);
    if (executor_) executor_->forget(request);
  });
  pending_forgets_[request.stream_name] = std::move(timer);
}

void Reactor::stop_created_workflows(const EntryPtr& entry, const std::vector<std::string>& names) {
  const std::vector<std::string> stopping = names;  // `names` may be entry->created itself
  // Bookkeeping first: stopping a workflow runs listeners that may re-enter the Reactor.
  for (const auto& name : stopping) {
    entry->created.erase(std::remove(entry->created.begin(), entry->created.end(), name), entry->created.end());
    if (auto owner = stream_of_workflow_.find(name); owner != stream_of_workflow_.end() && owner->second == entry->stream)
      stream_of_workflow_.erase(owner);
  }
  for (const auto& name : stopping) workflows_.stop(name);
}

}  // namespace mmids::reactor
