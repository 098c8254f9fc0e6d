#include "reactor/simple_http_executor.hpp"

#include "mmids-core/config/parser.hpp"
#include "mmids-core/http/client.hpp"
#include "mmids-core/http/url.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "reactor/log_fields.hpp"

#include <nlohmann/json.hpp>

namespace mmids::reactor {

struct SimpleHttpExecutor::Lookup {
  Lookup(asio::io_context& io, LookupRequest lookup, log::Fields fields, std::function<void(ExecutorAnswer)> done)
      : request(std::move(lookup)), fields(std::move(fields)), done(std::move(done)), retry_timer(io) {}
  LookupRequest request;
  log::Fields fields;
  std::function<void(ExecutorAnswer)> done;
  std::size_t attempt = 0;  // 0-based index of the attempt in progress
  asio::steady_timer retry_timer;
};

std::string lookup_request_body(const LookupRequest& request) {
  nlohmann::json body = {{"stream_name", request.stream_name}};
  if (!request.client_address.empty()) body["client_address"] = request.client_address;
  if (!request.query.empty()) body["query"] = request.query;
  if (request.refresh) body["refresh"] = true;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> signature_headers(const std::string& secret, const std::string& method,
                                                                  const std::string& url, const std::string& body) {
  if (secret.empty()) return {};
  auto parsed = http::parse_url(url);
  if (!parsed.ok()) return {};
  // The signature covers the path without the query, as the server sees it.
  std::string path = parsed->target.substr(0, parsed->target.find('?'));
  return signing::sign_request(secret, {method, path, body}, signing::unix_now());
}

SimpleHttpExecutor::SimpleHttpExecutor(asio::io_context& io, std::string reactor_name, SimpleHttpOptions options)
    : io_(io), reactor_name_(std::move(reactor_name)), options_(std::move(options)) {}

SimpleHttpExecutor::~SimpleHttpExecutor() {
  // Destroying the lookups cancels their timers and expires the weak references that
  // in-flight HTTP callbacks hold, so no `done` runs after this.
  for (auto& lookup : lookups_) lookup->retry_timer.cancel();
  lookups_.clear();
}

std::chrono::milliseconds SimpleHttpExecutor::worst_case_duration() const {
  std::chrono::milliseconds total = options_.request_timeout * static_cast<int>(options_.retry_delays.size() + 1);
  for (auto delay : options_.retry_delays) total += delay;
  return total;
}

void SimpleHttpExecutor::lookup(const LookupRequest& request, std::function<void(ExecutorAnswer)> done) {
  auto lookup = std::make_shared<Lookup>(io_, request, reactor_fields(reactor_name_, request.stream_name), std::move(done));
  lookups_.push_back(lookup);
  send_attempt(lookup);
}

void SimpleHttpExecutor::send(const std::string& method, const LookupRequest& lookup,
                              std::function<void(http::ClientResult)> answered) {
  http::ClientOptions client;
  client.bind_address = options_.bind_address;
  client.timeout = options_.request_timeout;
  client.ca_file = options_.ca_file;
  http::ClientRequest request;
  request.method = method;
  request.url = options_.url;
  request.body = lookup_request_body(lookup);
  request.content_type = "application/json";
  request.headers = signature_headers(options_.secret, request.method, request.url, request.body);
  http::request(io_, std::move(request), std::move(client), std::move(answered));
}

void SimpleHttpExecutor::send_attempt(const LookupPtr& lookup) {
  spdlog::info("{} asking {} (attempt {} of {})", lookup->fields, options_.url, lookup->attempt + 1,
               options_.retry_delays.size() + 1);
  send("POST", lookup->request, [this, weak = std::weak_ptr<Lookup>(lookup)](http::ClientResult result) {
    if (auto alive = weak.lock()) on_response(alive, std::move(result));
  });
}

void SimpleHttpExecutor::forget(const LookupRequest& request) {
  auto fields = reactor_fields(reactor_name_, request.stream_name);
  spdlog::debug("{} telling {} the stream is gone", fields, options_.url);
  // Only the io_context is used when it answers: the executor may be gone by then.
  send("DELETE", request, [fields](http::ClientResult result) {
    if (!result.ok()) return spdlog::debug("{} could not tell the lookup server: {}", fields, result.error());
    spdlog::debug("{} the lookup server answered {} to the end of the stream", fields, result->status);
  });
}

void SimpleHttpExecutor::on_response(const LookupPtr& lookup, http::ClientResult result) {
  if (!result.ok()) return retry_or_give_up(lookup, result.error());
  const http::ClientResponse& response = *result;
  if (response.status == 404) {
    spdlog::info("{} answered 404: not a valid stream", lookup->fields);
    return finish(lookup, ExecutorAnswer{false, {}});
  }
  if (response.status != 200) return retry_or_give_up(lookup, "answered status " + std::to_string(response.status));

  auto parsed = config::parse_workflows(response.body, "reactor " + reactor_name_ + " answer");
  if (!parsed.ok()) {
    // A 200 we cannot act on is a broken server, not a "no": retry like any failure.
    return retry_or_give_up(lookup, "answered 200 with an unparsable body: " + parsed.errors.front().to_string());
  }
  std::string names;
  for (const auto& workflow : parsed.config.workflows) names += (names.empty() ? "" : ", ") + workflow.name;
  spdlog::info("{} answered 200: valid, {} workflow(s){}{}", lookup->fields, parsed.config.workflows.size(),
               names.empty() ? "" : ": ", names);
  finish(lookup, ExecutorAnswer{true, std::move(parsed.config.workflows)});
}

void SimpleHttpExecutor::retry_or_give_up(const LookupPtr& lookup, const std::string& reason) {
  if (lookup->attempt >= options_.retry_delays.size()) {
    spdlog::warn("{} attempt {} failed ({}); giving up: not a valid stream", lookup->fields, lookup->attempt + 1,
                 reason);
    return finish(lookup, ExecutorAnswer{false, {}, true});
  }
  const auto delay = options_.retry_delays[lookup->attempt];
  spdlog::warn("{} attempt {} failed ({}); retrying in {} ms", lookup->fields, lookup->attempt + 1, reason,
               delay.count());
  ++lookup->attempt;
  lookup->retry_timer.expires_after(delay);
  lookup->retry_timer.async_wait([this, weak = std::weak_ptr<Lookup>(lookup)](const boost::system::error_code& ec) {
    auto alive = weak.lock();
    if (ec || !alive) return;
    send_attempt(alive);
  });
}

void SimpleHttpExecutor::finish(const LookupPtr& lookup, ExecutorAnswer answer) {
  // Forget the lookup before calling back: `done` may destroy this executor.
  auto done = std::move(lookup->done);
  lookups_.remove(lookup);
  done(std::move(answer));
}

}  // namespace mmids::reactor
