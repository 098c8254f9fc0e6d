#include "tools/bench/measure/lookup_tally.hpp"

namespace mmids::bench {
namespace {
constexpr double kNanosPerMilli = 1e6;
}  // namespace

void LookupTally::on_answer(unsigned status, Clock::duration took) {
  latency_ns_by_status[status].record(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
}

void LookupTally::merge(const LookupTally& other) {
  for (const auto& [status, histogram] : other.latency_ns_by_status) latency_ns_by_status[status].merge(histogram);
  for (const auto& [cause, count] : other.errors) errors[cause] += count;
}

Json summarize_lookup(const LookupTally& tally, const LookupRunFacts& facts, const ServerWatch& servers) {
  Histogram all;
  Json by_status = Json::object();
  for (const auto& [status, histogram] : tally.latency_ns_by_status) {
    all.merge(histogram);
    by_status[std::to_string(status)] = to_json(histogram.distribution(kNanosPerMilli));
  }
  const double requests = static_cast<double>(all.count());
  Json summary{{"mode", "lookup"},
               {"url", facts.url},
               {"route", facts.route},
               {"connections", facts.connections},
               {"streams", facts.streams},
               {"duration_s", facts.duration_s},
               {"window_s", facts.window_s},
               {"requests", all.count()},
               {"requests_per_second", facts.window_s > 0 ? requests / facts.window_s : 0.0},
               {"latency_ms", to_json(all.distribution(kNanosPerMilli))},
               {"latency_ms_by_status", by_status},
               {"errors", to_json(tally.errors)}};
  if (!servers.empty()) summary["servers"] = servers.to_json(0, facts.connections);
  return summary;
}

Json summarize_idle(size_t opened, const std::map<std::string, uint64_t>& failures, const IdleRunFacts& facts,
                    const ServerWatch& servers) {
  Json summary{{"mode", "idle"},
               {"address", facts.address},
               {"connections", facts.connections},
               {"duration_s", facts.duration_s},
               {"opened", opened},
               {"failures", to_json(failures)}};
  if (!servers.empty()) summary["servers"] = servers.to_json(0, opened);
  return summary;
}

}  // namespace mmids::bench
