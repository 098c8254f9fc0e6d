#pragma once
// The cost of a server process as Linux accounts it, read from /proc: CPU time (user and
// system, /proc/PID/stat) and resident memory (VmRSS, /proc/PID/status). ServerWatch
// samples the servers a run is aimed at (--pid) at its start, at the start of the
// measured window and at its end, so the run reports the servers' CPU over exactly the
// window its own bytes were counted in, and their memory growth with the clients on.
#include "mmids-core/common/result.hpp"

#include "tools/bench/measure/report.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace mmids::bench {

struct CpuTimes {
  double user_seconds = 0;
  double system_seconds = 0;  // in the kernel on the process' behalf: its syscalls, the sockets' work
  [[nodiscard]] double total() const { return user_seconds + system_seconds; }
};

struct ProcessSample {
  CpuTimes cpu;
  uint64_t rss_kib = 0;
};

// /proc/PID/stat and /proc/PID/status as text, parsed (tests feed them directly).
[[nodiscard]] Result<CpuTimes> parse_cpu_times(std::string_view stat, long ticks_per_second);
[[nodiscard]] Result<uint64_t> parse_rss_kib(std::string_view status);
[[nodiscard]] Result<ProcessSample> sample_process(int pid);

class ServerWatch {
 public:
  explicit ServerWatch(std::vector<int> pids);

  void sample_start();   // before any client connects: the memory baseline
  void sample_window();  // the measured window opens: the CPU baseline
  void sample_end();     // the window closes, clients still connected

  // One entry per pid: cpu_seconds (over the window) and the share of it spent in the
  // kernel (system_share: 0.7 means 70 % was the kernel's work), rss_start_kib, rss_end_kib,
  // rss_growth_kib, and, from the run's own figures, cpu_seconds_per_gbit (`window_bits`
  // delivered or received in the window) and rss_growth_per_client_kib (`clients`).
  // A pid that could not be read says why ("error").
  [[nodiscard]] Json to_json(double window_bits, size_t clients) const;
  [[nodiscard]] bool empty() const { return servers_.empty(); }

 private:
  struct Server {
    int pid = 0;
    Result<ProcessSample> start = Error("not sampled");
    Result<ProcessSample> window = Error("not sampled");
    Result<ProcessSample> end = Error("not sampled");
  };
  std::vector<Server> servers_;
};

}  // namespace mmids::bench
