#pragma once
// LiveCounter: a count kept by one shard's thread and read by the progress line on the
// main thread. One writer, so an add is a relaxed load and store (no locked
// read-modify-write on the packet path); the reader may see it a moment late.
#include <atomic>
#include <cstdint>

namespace mmids::bench {

class LiveCounter {
 public:
  void add(uint64_t n) { value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  [[nodiscard]] uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace mmids::bench
