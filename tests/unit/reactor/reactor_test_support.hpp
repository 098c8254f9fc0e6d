#pragma once
// Helpers for the reactor tests: a scripted lookup server (a real mmids::http::Server on
// loopback, on the test's own io_context), bounded io loops, a throwaway CA made with the
// openssl command, and a WorkflowManager with the test step types.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/http.hpp"
#include "mmids-core/workflows/step_registry.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmids::reactor::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Runs `io` until `done()` holds or `timeout` passes; returns done().
bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout = 5000ms);
// Runs `io` for `duration` (to show that nothing more happens).
void run_for(asio::io_context& io, std::chrono::milliseconds duration);

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
  std::string stream_name;   // from the JSON body; empty when it has none
  std::string peer_address;  // the request's source IP as the server saw it
  Clock::time_point at;
};

struct ScriptedAnswer {
  unsigned status = 200;
  std::string body;
  bool hang = false;  // never answer
  static ScriptedAnswer ok(std::string body = "") { return {200, std::move(body), false}; }
  static ScriptedAnswer status_only(unsigned status) { return {status, "", false}; }
  static ScriptedAnswer never() { return {0, "", true}; }
};

// A lookup server on 127.0.0.1 and a free port. Each request takes the first queued
// answer; with none queued, the answer set for its stream name; else the fallback.
class LookupServer {
 public:
  explicit LookupServer(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls = nullptr);
  ~LookupServer();
  LookupServer(const LookupServer&) = delete;
  LookupServer& operator=(const LookupServer&) = delete;

  [[nodiscard]] std::string url(const std::string& path = "/lookup") const;
  void queue(std::vector<ScriptedAnswer> answers);
  void answer_for(const std::string& stream_name, ScriptedAnswer answer);
  void set_fallback(ScriptedAnswer answer) { fallback_ = std::move(answer); }

  [[nodiscard]] const std::vector<RecordedRequest>& requests() const { return requests_; }
  [[nodiscard]] std::size_t count_for(const std::string& stream_name) const;
  [[nodiscard]] std::size_t count_on(const std::string& path) const;

 private:
  void handle(const http::Request& request, http::Responder respond);

  std::unique_ptr<http::Server> server_;
  bool tls_ = false;
  std::vector<ScriptedAnswer> queued_;
  std::map<std::string, ScriptedAnswer> per_stream_;
  ScriptedAnswer fallback_ = ScriptedAnswer::ok();
  std::vector<RecordedRequest> requests_;
  std::vector<http::Responder> hung_;  // kept unanswered until the server is gone
};

// A CA and a server certificate it signed for localhost and 127.0.0.1, made with the
// openssl command in a fresh temporary directory (removed with the object).
struct TestCertificates {
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;
  std::string dir, ca_file, cert_file, key_file;
};

// A WorkflowManager that knows the test step types (test_source, test_pass, ...).
struct WorkflowFixture {
  asio::io_context& io;
  workflows::StepRegistry registry;
  workflows::WorkflowManager manager;
  explicit WorkflowFixture(asio::io_context& context)
      : io(context), manager(context, registry) { mmids::testing::register_test_steps(registry); }
};

// `workflow NAME [routed_by_reactor] {` one `test_source name=STEP_NAME` step `}`.
std::string workflow_text(const std::string& name, const std::string& step_name, bool routed = false);

}  // namespace mmids::reactor::testing
