#pragma once
// lookup-server: the routes of mmids-lookup (README.md describes the protocol).
//   service.cpp        the lookups: POST and DELETE /publisher_lookup, /watcher_lookup
//   status_routes.cpp  /streams, /nodes, /node_report, /stream_history, /healthz, /metrics, /
#include "lookup-server/answer_template.hpp"
#include "lookup-server/client_auth.hpp"
#include "lookup-server/config.hpp"
#include "lookup-server/lookup_metrics.hpp"
#include "lookup-server/node_guard.hpp"
#include "lookup-server/node_reports.hpp"
#include "lookup-server/store.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/router.hpp"
#include "mmids-core/logging/log.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mmids::lookup {

class LookupService {
 public:
  // Throws ConfigError when an authoriser cannot be built (a key file that does not load).
  LookupService(boost::asio::io_context& io, LookupConfig config, std::shared_ptr<Store> store);
  LookupService(const LookupService&) = delete;
  LookupService& operator=(const LookupService&) = delete;

  // The routes, bound to this service: it must outlive the server and the store's
  // pending callbacks (stop the io_context before destroying it).
  [[nodiscard]] http::Router router();
  [[nodiscard]] LookupMetrics& metrics() { return metrics_; }

 private:
  using Clock = std::chrono::steady_clock;

  // A request that passed the checks every node route makes.
  struct Admitted {
    std::string source;  // the node's address (after trusted proxies)
    log::Fields fields;  // [peer= stream=]
    LookupBody body;     // only for lookups
  };
  // Source address, node networks and signature, then (parse_body) the lookup body.
  // Answers the refusal itself (400, 401, 403) and returns nullopt.
  std::optional<Admitted> admit(const http::Request& request, const http::Responder& respond, const std::string& route,
                                NodeRoute node_route, Clock::time_point start, bool parse_body = true);
  void refuse_store_error(const std::string& route, const log::Fields& fields, const std::string& error,
                          Clock::time_point start, const http::Responder& respond);

  void publisher_lookup(const http::Request& request, http::Responder respond);
  void watcher_lookup(const http::Request& request, http::Responder respond);
  void publisher_end(const http::Request& request, http::Responder respond);
  void watcher_end(const http::Request& request, http::Responder respond);
  // Asks the authoriser about the admitted lookup; refuses with 404, or goes on with next.
  using Next = void (LookupService::*)(Admitted, Clock::time_point, http::Responder);
  void authorise_then(Admitted admitted, ClientAuthoriser& authoriser, const char* route, Clock::time_point start,
                      http::Responder respond, Next next);
  void record_publisher(Admitted admitted, Clock::time_point start, http::Responder respond);
  void answer_watcher(Admitted admitted, Clock::time_point start, http::Responder respond);

  void node_report(const http::Request& request, http::Responder respond);
  void streams(http::Responder respond);
  void healthz(http::Responder respond);
  void metrics_page(http::Responder respond);

  LookupConfig config_;
  std::shared_ptr<Store> store_;
  AnswerTemplate template_;
  LookupMetrics metrics_;
  NodeGuard guard_;
  std::shared_ptr<ClientAuthoriser> publishers_;
  std::shared_ptr<ClientAuthoriser> viewers_;
  NodeReports reports_;
};

}  // namespace mmids::lookup
