// MemoryTrimmer: memory freed in the middle of the heap (a join burst's buffers, with
// longer-lived blocks between them) goes back to the system on the trimmer's tick.
#include "node/memory_trimmer.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <vector>

using namespace mmids;
using namespace std::chrono_literals;

namespace {

size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total_pages = 0;
  size_t resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MMIDS_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MMIDS_UNDER_ASAN 1
#endif

}  // namespace

// Not in the sanitizer build: AddressSanitizer replaces malloc, so glibc's malloc_trim has no
// heap of ours to trim there (the Release build runs this test).
#ifndef MMIDS_UNDER_ASAN
TEST_CASE("memory trimmer: pages freed between live blocks go back to the system on its tick", "[node][memory]") {
  // A burst: 48 MB in blocks small enough to come from the heap (not their own mappings),
  // one kept in every 50 so that no freed stretch is at the top of the heap.
  constexpr size_t kBlock = 1200;
  constexpr size_t kBlocks = 40000;
  std::vector<char*> blocks(kBlocks);
  for (auto& block : blocks) {
    block = static_cast<char*>(::malloc(kBlock));
    std::fill_n(block, kBlock, 'x');  // touched: resident
  }
  std::vector<char*> kept;
  for (size_t i = 0; i < kBlocks; ++i) {
    if (i % 50 == 49) {
      kept.push_back(blocks[i]);
    } else {
      ::free(blocks[i]);
    }
  }
  const size_t after_burst = resident_bytes();

  asio::io_context io;
  auto trimmer = std::make_shared<node::MemoryTrimmer>(io, 5ms);
  trimmer->start();
  io.run_for(100ms);
  trimmer->stop();
  const size_t after_trim = resident_bytes();
  for (char* block : kept) ::free(block);

  INFO("resident after the burst " << after_burst << " bytes, after the trimmer's ticks " << after_trim);
  CHECK(after_burst - std::min(after_burst, after_trim) > 30u * 1024 * 1024);
}
#endif

TEST_CASE("memory trimmer: a stopped trimmer leaves its io_context with nothing to run", "[node][memory]") {
  asio::io_context io;
  auto trimmer = std::make_shared<node::MemoryTrimmer>(io, 1h);
  trimmer->start();
  trimmer->stop();
  // A pending wait would keep run() from returning for an hour.
  CHECK(io.run_for(2s) <= 1u);
  CHECK(io.stopped());
}
