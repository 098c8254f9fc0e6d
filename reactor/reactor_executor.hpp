#pragma once
// reactor: the question a reactor asks about one stream name, and who answers it.
// An executor only fetches answers; caching, sharing one answer between requesters,
// starting and stopping workflows is the Reactor's job (reactor.hpp).
#include "mmids-core/config/definitions.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mmids::reactor {

// What an executor found for one stream name.
struct ExecutorAnswer {
  bool valid = false;
  std::vector<config::WorkflowDefinition> workflows;  // only meaningful when valid
};

class ReactorExecutor {
 public:
  virtual ~ReactorExecutor() = default;
  // Calls `done` exactly once on the io thread (unless the executor is destroyed first:
  // then never). `done` may run before lookup() returns only if an executor says so;
  // SimpleHttpExecutor never does.
  virtual void lookup(const std::string& stream_name, std::function<void(ExecutorAnswer)> done) = 0;
};

}  // namespace mmids::reactor
