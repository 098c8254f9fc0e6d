#include "lookup-server/lookup_metrics.hpp"

namespace mmids::lookup {

// Every label value comes from the code (routes, outcomes, reasons), never from a
// request, so the series are few; the bounds are a second guard.
LookupMetrics::LookupMetrics(const std::string& store_description)
    : requests(registry.counter("mmids_lookup_requests_total", "Lookup requests answered, by route and outcome",
                                {"route", "outcome"}, 100)),
      latency(registry.histogram("mmids_lookup_request_seconds", "Time from request to answer, by route", {"route"},
                                 metrics::latency_buckets(), 20)),
      refusals(registry.counter("mmids_lookup_refusals_total",
                                "Requests refused by node authentication or client authorisation, by route and reason",
                                {"route", "reason"}, 100)),
      streams(registry.gauge("mmids_lookup_streams", "Streams with a live publisher entry")),
      store_up(registry.gauge("mmids_lookup_store_up", "1 when the store answered the last scrape, else 0")),
      store_errors(registry.counter("mmids_lookup_store_errors_total", "Store operations that failed")),
      node_reports(registry.counter("mmids_lookup_node_reports_total", "Node reports received, by outcome",
                                    {"outcome"}, 10)),
      nodes(registry.gauge("mmids_lookup_nodes", "Nodes whose latest report is kept")) {
  registry.gauge("mmids_lookup_build_info", "Version of mmids-lookup", {"version", "store"}, 1)
      .set({MMIDS_VERSION, store_description}, 1);
}

void LookupMetrics::count(const std::string& route, const std::string& outcome,
                          std::chrono::steady_clock::time_point start) {
  requests.inc({route, outcome});
  latency.observe({route}, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace mmids::lookup
