#pragma once
// reactor: the node's reactors by name, built from the config's `reactor` blocks, and the
// way back from a failing workflow to the reactor that created it.
//
//   reactor NAME executor=simple_http update_interval=N {
//       url https://lookup/watcher_lookup   # required, http:// or https://
//       ca_file /etc/mmids/lookup-ca.pem    # optional: extra CA for https
//       secret_file /etc/mmids/lookup.secret  # optional (or `secret VALUE`): sign every request
//   }
// Requests are made from the node setting bind_address.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/config/definitions.hpp"
#include "mmids-core/settings/node_settings.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "reactor/reactor.hpp"
#include "reactor/simple_http_executor.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mmids::reactor {

class ReactorManager {
 public:
  ReactorManager(asio::io_context& io, workflows::WorkflowManager& workflows, const settings::NodeSettings& settings);
  ~ReactorManager();
  ReactorManager(const ReactorManager&) = delete;
  ReactorManager& operator=(const ReactorManager&) = delete;

  // Builds every reactor (replacing any built before). Checks all definitions first and
  // throws std::runtime_error naming the reactor for an unknown executor (only
  // simple_http exists), a missing or malformed `url`, a missing `ca_file`, an empty
  // `secret`, an unreadable or empty `secret_file`, both of those, any other child, or a
  // duplicate name; nothing is built then.
  void configure(const std::vector<config::ReactorDefinition>& reactors);

  // nullptr when unknown.
  Reactor* find(const std::string& name);
  [[nodiscard]] std::vector<std::string> names() const;

  // A step of some workflow lost its source (e.g. ffmpeg_pull's connection failed): the
  // reactor that created that workflow asks again at once for its stream, so a moved
  // stream is found in seconds. Workflows no reactor created are ignored.
  void report_source_failure(const std::string& workflow_name);

  // The per-attempt timeout and retry schedule of the executors configure() builds
  // (defaults: 10 s, then retries after 5 s and 15 s). Tests shorten them.
  void set_executor_timing(std::chrono::milliseconds request_timeout,
                           std::vector<std::chrono::milliseconds> retry_delays);

  // Every reactor's calls, built and to be built, are told to `observer` (the node's metrics).
  void set_request_observer(Reactor::RequestObserver observer);

 private:
  asio::io_context& io_;
  workflows::WorkflowManager& workflows_;
  settings::NodeSettings settings_;
  SimpleHttpOptions timing_;  // only request_timeout and retry_delays are used
  std::map<std::string, std::unique_ptr<Reactor>> reactors_;
  Reactor::RequestObserver observer_;
};

}  // namespace mmids::reactor
