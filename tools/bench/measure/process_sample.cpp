#include "tools/bench/measure/process_sample.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace mmids::bench {
namespace {

constexpr int kUtimeField = 14;  // 1-based fields of /proc/PID/stat (proc(5))
constexpr size_t kKibPerMib = 1024;

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<CpuTimes> parse_cpu_times(std::string_view stat, long ticks_per_second) {
  // The command name (field 2) may hold spaces and parentheses: count fields after the
  // last ')', which ends it; the first of those is field 3.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string_view::npos) return Error("malformed /proc stat line");
  std::istringstream fields{std::string(stat.substr(name_end + 1))};
  std::string field;
  uint64_t utime = 0;
  uint64_t stime = 0;
  for (int number = 3; number <= kUtimeField + 1 && fields >> field; ++number) {
    if (number == kUtimeField) utime = std::stoull(field);
    if (number == kUtimeField + 1) stime = std::stoull(field);
  }
  if (!fields) return Error("short /proc stat line");
  const auto ticks = static_cast<double>(ticks_per_second);
  return CpuTimes{static_cast<double>(utime) / ticks, static_cast<double>(stime) / ticks};
}

Result<uint64_t> parse_rss_kib(std::string_view status) {
  constexpr std::string_view kKey = "VmRSS:";
  const size_t at = status.find(kKey);
  if (at == std::string_view::npos) return Error("no VmRSS in /proc status");
  size_t digits = status.find_first_of("0123456789", at + kKey.size());
  if (digits == std::string_view::npos) return Error("malformed VmRSS");
  uint64_t kib = 0;
  std::from_chars(status.data() + digits, status.data() + status.size(), kib);
  return kib;
}

Result<ProcessSample> sample_process(int pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  auto stat = read_text(base + "/stat");
  if (!stat.ok()) return std::move(stat).take_error();
  auto status = read_text(base + "/status");
  if (!status.ok()) return std::move(status).take_error();
  auto cpu = parse_cpu_times(*stat, sysconf(_SC_CLK_TCK));
  if (!cpu.ok()) return std::move(cpu).take_error();
  auto rss = parse_rss_kib(*status);
  if (!rss.ok()) return std::move(rss).take_error();
  return ProcessSample{*cpu, *rss};
}

ServerWatch::ServerWatch(std::vector<int> pids) {
  for (int pid : pids) servers_.push_back({pid});
}

void ServerWatch::sample_start() {
  for (auto& server : servers_) server.start = sample_process(server.pid);
}

void ServerWatch::sample_window() {
  for (auto& server : servers_) server.window = sample_process(server.pid);
}

void ServerWatch::sample_end() {
  for (auto& server : servers_) server.end = sample_process(server.pid);
}

Json ServerWatch::to_json(double window_bits, size_t clients) const {
  auto result = Json::array();
  for (const auto& server : servers_) {
    Json entry{{"pid", server.pid}};
    for (const auto* sample : {&server.start, &server.window, &server.end}) {
      if (!sample->ok()) entry["error"] = sample->error();
    }
    if (entry.contains("error")) {
      result.push_back(entry);
      continue;
    }
    const double cpu = server.end->cpu.total() - server.window->cpu.total();
    const double system = server.end->cpu.system_seconds - server.window->cpu.system_seconds;
    const double growth = static_cast<double>(server.end->rss_kib) - static_cast<double>(server.start->rss_kib);
    entry["cpu_seconds"] = cpu;
    if (cpu > 0) entry["system_share"] = system / cpu;
    entry["rss_start_kib"] = server.start->rss_kib;
    entry["rss_end_kib"] = server.end->rss_kib;
    entry["rss_end_mib"] = static_cast<double>(server.end->rss_kib) / kKibPerMib;
    entry["rss_growth_kib"] = growth;
    if (window_bits > 0) entry["cpu_seconds_per_gbit"] = cpu / (window_bits / 1e9);
    if (clients > 0) entry["rss_growth_per_client_kib"] = growth / static_cast<double>(clients);
    result.push_back(entry);
  }
  return result;
}

}  // namespace mmids::bench
