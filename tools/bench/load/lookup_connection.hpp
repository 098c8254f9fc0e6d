#pragma once
// LookupConnection: one keep-alive HTTP connection of `mmids-bench lookup`, posting one
// lookup after another (the next as soon as the answer is read), reconnecting when the
// server closes. Each answer's time is tallied by status; failures by cause.
//
// Lifetime: owned by shared_ptr; its loop holds it (Beast's idiom), stop() closes the
// stream so the pending operation fails and the loop ends.
#include "mmids-core/common/asio.hpp"
#include "tools/bench/load/live_counter.hpp"
#include "tools/bench/measure/lookup_tally.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmids::bench {

struct LookupTarget {
  std::string host;
  uint16_t port = 80;
  std::string path;     // "/watcher_lookup"
  std::string authority;  // the Host header
  std::vector<std::string> bodies;  // cycled through
  std::chrono::milliseconds timeout{10000};
};

// What the connections of one shard share; its thread only, but for the counter.
struct LookupShard {
  const MeasureWindow* window = nullptr;
  LookupTally tally;
  LiveCounter answers;
};

class LookupConnection : public std::enable_shared_from_this<LookupConnection> {
 public:
  LookupConnection(asio::io_context& io, const LookupTarget& target, size_t first_body, LookupShard& shard);
  void start();
  void stop();

 private:
  asio::awaitable<void> run();
  asio::awaitable<bool> connect();
  void fail(const std::string& cause);

  asio::io_context& io_;
  const LookupTarget& target_;
  size_t next_body_;
  LookupShard& shard_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  bool stopped_ = false;
};

}  // namespace mmids::bench
