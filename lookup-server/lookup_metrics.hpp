#pragma once
// lookup-server: the lookup server's metrics (lookup-server/README.md lists them), on the
// shared metrics room (prometheus-cpp).
#include "mmids-core/metrics/registry.hpp"

#include <chrono>
#include <string>

namespace mmids::lookup {

struct LookupMetrics {
  explicit LookupMetrics(const std::string& store_description);

  // One answered request of route with outcome, and its latency.
  void count(const std::string& route, const std::string& outcome, std::chrono::steady_clock::time_point start);

  metrics::Registry registry;
  metrics::CounterFamily& requests;     // {route, outcome}
  metrics::HistogramFamily& latency;    // {route}
  metrics::CounterFamily& refusals;     // {route, reason}
  metrics::GaugeFamily& streams;        // live streams, counted by the store at scrape time
  metrics::GaugeFamily& store_up;
  metrics::CounterFamily& store_errors;
  metrics::CounterFamily& node_reports;  // {outcome}
  metrics::GaugeFamily& nodes;           // nodes whose report is kept
};

}  // namespace mmids::lookup
