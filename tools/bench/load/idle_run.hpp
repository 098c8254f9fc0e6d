#pragma once
// `mmids-bench idle`: N TCP connections to a server that never send a byte (no RTMP
// handshake), held for the run: what an unhandshaken connection costs the server
// (--pid: its RSS growth per connection).
#include "tools/bench/load/fleet.hpp"
#include "tools/bench/measure/report.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace mmids::bench {

struct IdleOptions {
  std::string host;
  uint16_t port = 1935;
  FleetOptions fleet;
  std::chrono::milliseconds timeout{10000};  // per connect
};

[[nodiscard]] Json run_idle(const IdleOptions& options);

}  // namespace mmids::bench
