#pragma once
// Connection ids, unique in the node whatever the protocol: the RTMP server's connections,
// HTTP-FLV viewers and HLS sessions all draw from here, so an approver (a reactor gate
// counting viewers) and the node's API can tell every client apart by its id alone.
#include <cstdint>

namespace mmids::endpoint {

// The next id, from 1; never 0. Thread-safe.
[[nodiscard]] uint64_t next_connection_id();

}  // namespace mmids::endpoint
