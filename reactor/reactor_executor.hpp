#pragma once
// reactor: the question a reactor asks about one stream name, and who answers it.
// An executor only fetches answers; caching, sharing one answer between requesters,
// starting and stopping workflows is the Reactor's job (reactor.hpp).
#include "mmids-core/config/definitions.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mmids::reactor {

// What a lookup is about: the stream name, and what is known of the client (publisher or
// viewer) whose request started it, so the server answering may authorise that client.
// A server that only knows mmids' {"stream_name"} body ignores the rest.
struct LookupRequest {
  std::string stream_name;
  std::string client_address;  // the client's IP address; empty when unknown
  std::string query;           // the query of its RTMP URL's stream key ("token=..."), without '?'
  bool refresh = false;        // a re-ask while the stream lives (the update_interval heartbeat)
};

// What an executor found for one stream name.
struct ExecutorAnswer {
  bool valid = false;
  std::vector<config::WorkflowDefinition> workflows;  // only meaningful when valid
  // Not valid because the server never gave a definite answer (every attempt failed),
  // not because it said no: a stream that is already live keeps going on it.
  bool unreachable = false;
};

class ReactorExecutor {
 public:
  virtual ~ReactorExecutor() = default;
  // Calls `done` exactly once on the io thread (unless the executor is destroyed first:
  // then never). `done` may run before lookup() returns only if an executor says so;
  // SimpleHttpExecutor never does.
  virtual void lookup(const LookupRequest& request, std::function<void(ExecutorAnswer)> done) = 0;
  // The stream's last requester went away (the publisher left, the last viewer's grace
  // passed): an executor may tell its server, which then forgets the stream at once instead
  // of at its TTL. Fire and forget: nothing is waited for.
  virtual void forget(const LookupRequest& request) { (void)request; }
};

}  // namespace mmids::reactor
