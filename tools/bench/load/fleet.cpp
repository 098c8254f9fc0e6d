#include "tools/bench/load/fleet.hpp"

#include "mmids-core/rtmp/protocol/handshake.hpp"

#include <unistd.h>

#include <cstdio>
#include <thread>

namespace mmids::bench {
namespace {

constexpr auto kProgressInterval = std::chrono::seconds(1);

Clock::duration to_clock(std::chrono::duration<double> d) { return std::chrono::duration_cast<Clock::duration>(d); }

}  // namespace

Fleet::Fleet(FleetOptions options)
    : options_(std::move(options)),
      shards_(std::max<size_t>(1, options_.threads)),
      servers_(options_.server_pids),
      self_({getpid()}),
      stopping_(shards_.size(), 0) {}

asio::awaitable<void> Fleet::launch(FleetClients& clients, size_t shard) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto& io = shards_.context(shard);
  for (size_t index = shard; index < options_.clients; index += shards_.size()) {
    if (options_.ramp_per_second > 0) {
      timer.expires_at(started_ + to_clock(std::chrono::duration<double>(index / options_.ramp_per_second)));
      boost::system::error_code ignored;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (stopping_[shard]) co_return;
    clients.start_client(io, shard, index);
  }
}

void Fleet::print_progress(const FleetClients& clients, Clock::time_point now) const {
  if (!options_.progress) return;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  // \r and erase-line: one line, rewritten in place.
  std::fprintf(stderr, "\r\033[K%5.0fs  %s", elapsed, clients.progress().c_str());
  std::fflush(stderr);
}

Json Fleet::client_cost() const {
  const Json self = self_.to_json(0, 0).at(0);
  if (!self.contains("cpu_seconds")) return self;
  const double cpu = self["cpu_seconds"].get<double>();
  return {{"cpu_seconds", cpu}, {"cpu_percent", 100 * cpu / window_seconds()}, {"rss_end_mib", self["rss_end_mib"]}};
}

void Fleet::run(FleetClients& clients) {
  // Before the clock starts: OpenSSL's first use would otherwise count in every client's
  // time to play of a burst (they share this thread).
  rtmp::prepare_handshake_crypto();
  servers_.sample_start();
  self_.sample_start();
  started_ = Clock::now();
  window_ = {started_ + to_clock(options_.warmup), started_ + to_clock(options_.duration)};
  for (size_t shard = 0; shard < shards_.size(); ++shard) {
    asio::co_spawn(shards_.context(shard), launch(clients, shard), asio::detached);
  }
  shards_.start();

  bool window_sampled = false;
  for (auto tick = started_ + kProgressInterval;;) {
    const auto next = std::min({tick, window_.end, window_sampled ? window_.end : window_.start});
    std::this_thread::sleep_until(next);
    const auto now = Clock::now();
    if (!window_sampled && now >= window_.start) {
      servers_.sample_window();
      self_.sample_window();
      window_sampled = true;
    }
    if (now >= window_.end) break;
    if (now >= tick) {
      print_progress(clients, now);
      tick += kProgressInterval;
    }
  }
  servers_.sample_end();
  self_.sample_end();
  print_progress(clients, Clock::now());
  if (options_.progress) std::fputc('\n', stderr);
  shards_.run_on_each([&](size_t shard) {
    stopping_[shard] = 1;
    clients.stop_shard(shard);
  });
  shards_.stop();
}

}  // namespace mmids::bench
