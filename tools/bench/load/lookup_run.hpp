#pragma once
// `mmids-bench lookup`: the lookup server's routes under load. CONNS keep-alive HTTP/1.1
// connections (Beast), each posting {"stream_name": ...} bodies back to back for the
// run, the names cycling over --streams keys. For the watcher route the keys are first
// registered with one publisher_lookup each, so the answers are 200s with a workflow (the
// expensive case), not 404s. The project's http client is one request per connection,
// which would measure TCP setup instead of the server.
#include "tools/bench/load/fleet.hpp"
#include "tools/bench/measure/report.hpp"

#include <chrono>
#include <string>

namespace mmids::bench {

struct LookupOptions {
  std::string url;                 // the lookup server's base URL, http://host:port
  std::string route = "watcher";   // "watcher" or "publisher"
  size_t streams = 100;
  FleetOptions fleet;              // fleet.clients: the connections
  std::chrono::milliseconds timeout{10000};  // per request
};

// An error when the URL is not a plain http URL or the keys cannot be registered.
[[nodiscard]] Result<Json> run_lookup(const LookupOptions& options);

}  // namespace mmids::bench
