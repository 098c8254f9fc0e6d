#include "mmids-core/endpoint/connection_ids.hpp"

#include <atomic>

namespace mmids::endpoint {

uint64_t next_connection_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mmids::endpoint
