#pragma once
// reactor: the simple_http executor (SPEC.md section 5). One lookup = POST
// {"stream_name": "<name>"} to the reactor's url, retried on a fixed schedule:
//   200 -> valid, the body holds zero or more workflows in config syntax
//   404 -> invalid at once (the answer is "no", not a failure)
//   anything else (other status, network error, timeout, unparsable 200 body)
//       -> tried again after retry_delays[0], then retry_delays[1], ..., then invalid.
// With a secret (reactor child `secret` or `secret_file`), every request carries the
// X-Mmids-Timestamp / X-Mmids-Nonce / X-Mmids-Signature headers of mmids-core/signing,
// made anew for each attempt, so a lookup server with a shared_secret believes it.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/client.hpp"
#include "reactor/reactor_executor.hpp"

#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace mmids::reactor {

struct SimpleHttpOptions {
  std::string url;           // http:// or https://
  std::string bind_address;  // node setting bind_address: requests come from this IP (empty = any)
  std::string ca_file;       // reactor child `ca_file PATH`: extra CA for https
  std::string secret;        // reactor child `secret` / `secret_file`: signs every request (empty = unsigned)
  std::chrono::milliseconds request_timeout{5000};  // per attempt: connect + TLS + request + answer
  std::vector<std::chrono::milliseconds> retry_delays{std::chrono::seconds(5), std::chrono::seconds(15)};
};

class SimpleHttpExecutor : public ReactorExecutor {
 public:
  SimpleHttpExecutor(asio::io_context& io, std::string reactor_name, SimpleHttpOptions options);
  // Cancels retry timers; answers of requests still on the wire are dropped unseen.
  ~SimpleHttpExecutor() override;
  SimpleHttpExecutor(const SimpleHttpExecutor&) = delete;
  SimpleHttpExecutor& operator=(const SimpleHttpExecutor&) = delete;

  void lookup(const LookupRequest& request, std::function<void(ExecutorAnswer)> done) override;
  // DELETE <url> with the same body: "the stream ended" to /publisher_lookup, "this node no
  // longer watches" to /watcher_lookup. A server that does not know DELETE answers 404/405,
  // which is fine: the entry then expires at its TTL as before.
  void forget(const LookupRequest& request) override;

  [[nodiscard]] const SimpleHttpOptions& options() const { return options_; }
  // The longest one lookup can take: every attempt timing out plus every retry delay.
  [[nodiscard]] std::chrono::milliseconds worst_case_duration() const;

 private:
  struct Lookup;
  using LookupPtr = std::shared_ptr<Lookup>;

  // One signed request with the lookup's body to the executor's URL.
  void send(const std::string& method, const LookupRequest& lookup, std::function<void(http::ClientResult)> answered);
  void send_attempt(const LookupPtr& lookup);
  void on_response(const LookupPtr& lookup, http::ClientResult result);
  void retry_or_give_up(const LookupPtr& lookup, const std::string& reason);
  void finish(const LookupPtr& lookup, ExecutorAnswer answer);

  asio::io_context& io_;
  std::string reactor_name_;
  SimpleHttpOptions options_;
  std::list<LookupPtr> lookups_;  // in progress; callbacks hold weak references only
};

// The headers that sign a request of method with body to url with secret, made now
// (none when secret is empty or the URL does not parse).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> signature_headers(const std::string& secret,
                                                                                 const std::string& method,
                                                                                 const std::string& url,
                                                                                 const std::string& body);

// The request body: {"stream_name": "<name>"} plus, when known, "client_address", "query"
// and "refresh": true on re-asks; JSON-escaped; bytes that are not UTF-8 are replaced
// (U+FFFD) rather than refused.
[[nodiscard]] std::string lookup_request_body(const LookupRequest& request);

}  // namespace mmids::reactor
