#pragma once
// lookup-server: the routes of mmids-lookup (README.md describes the protocol).
#include "lookup-server/answer_template.hpp"
#include "lookup-server/config.hpp"
#include "lookup-server/metrics.hpp"
#include "lookup-server/store.hpp"
#include "mmids-core/http/router.hpp"

#include <memory>

namespace mmids::lookup {

class LookupService {
 public:
  LookupService(LookupConfig config, std::shared_ptr<Store> store);
  LookupService(const LookupService&) = delete;
  LookupService& operator=(const LookupService&) = delete;

  // The routes, bound to this service: it must outlive the server and the store's
  // pending callbacks (stop the io_context before destroying it).
  [[nodiscard]] http::Router router();
  [[nodiscard]] metrics::Registry& metrics() { return registry_; }

 private:
  void publisher_lookup(const http::Request& request, http::Responder respond);
  void watcher_lookup(const http::Request& request, http::Responder respond);
  void streams(http::Responder respond);
  void healthz(http::Responder respond);
  void metrics_page(http::Responder respond);
  // The requester's address per the trusted-proxy rules; answers 400 itself when unusable.
  std::optional<std::string> source_of(const http::Request& request, const http::Responder& respond);
  void count(const char* route, const char* result, std::chrono::steady_clock::time_point start);

  LookupConfig config_;
  std::shared_ptr<Store> store_;
  AnswerTemplate template_;
  metrics::Registry registry_;
  metrics::Counter& lookups_;
  metrics::Histogram& latency_;
  metrics::Gauge& live_streams_;
  metrics::Gauge& store_up_;
};

}  // namespace mmids::lookup
