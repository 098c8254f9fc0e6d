#include "mmids-core/http/client.hpp"

#include "mmids-core/http/url.hpp"
#include "mmids-core/net/connect.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

// GCC 12 at -O1 and above reports -Wmismatched-new-delete inside Boost 1.74's coroutine frame
// allocator (awaitable_frame_base::operator new/delete) once it is inlined into the
// coroutines below: a known false positive of GCC's coroutine lowering, not a bug here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace mmids::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// One request in flight: its sockets, its deadline and what it has got so far.
struct Call {
  Call(asio::io_context& io, ClientRequest r, ClientOptions o)
      : request(std::move(r)), options(std::move(o)), resolver(io), socket(io), deadline(io) {}

  ClientRequest request;
  ClientOptions options;
  Url url;
  tcp::resolver resolver;
  tcp::socket socket;
  std::optional<ssl::context> tls_context;
  std::optional<ssl::stream<tcp::socket>> tls;  // owns the socket once connected
  asio::steady_timer deadline;
  bool timed_out = false;
  const char* stage = "starting";
  std::optional<ClientResult> result;

  void expire() {
    timed_out = true;
    resolver.cancel();
    beast::error_code ignored;
    socket.close(ignored);
    if (tls) tls->next_layer().close(ignored);
  }

  ClientResult failure(const std::string& what, const beast::error_code& ec) const {
    if (timed_out) return Error("timed out after " + std::to_string(options.timeout.count()) + " ms (" + stage + ")");
    return Error(what + (ec ? ": " + ec.message() : std::string()));
  }
};

std::string tls_failure_reason(Call& call, const beast::error_code& ec) {
  long verify = SSL_get_verify_result(call.tls->native_handle());
  if (verify != X509_V_OK) {
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  }
  return ec.message();
}

// Makes the TLS context (system store plus ca_file); returns an error text or "".
std::string prepare_tls_context(Call& call) {
  call.tls_context.emplace(ssl::context::tls_client);
  auto& context = *call.tls_context;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  context.set_default_verify_paths(ec);
  if (!call.options.ca_file.empty()) {
    context.load_verify_file(call.options.ca_file, ec);
    if (ec) return "cannot load CA file " + call.options.ca_file + ": " + ec.message();
  }
  return {};
}

// Wraps the connected socket in TLS that verifies the server's chain and name.
void start_tls(Call& call) {
  call.tls.emplace(std::move(call.socket), *call.tls_context);
  SSL* handle = call.tls->native_handle();
  const std::string& host = call.url.host;
  beast::error_code not_ip;
  auto address = asio::ip::make_address(host, not_ip);
  (void)address;
  if (not_ip) {
    SSL_set_tlsext_host_name(handle, host.c_str());
    SSL_set1_host(handle, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), host.c_str());
  }
}

template <class Stream>
asio::awaitable<ClientResult> exchange(Call& call, Stream& stream) {
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  auto verb = bhttp::string_to_verb(call.request.method);
  bhttp::request<bhttp::string_body> message;
  if (verb == bhttp::verb::unknown) message.method_string(call.request.method);
  else message.method(verb);
  message.target(call.url.target);
  message.version(11);
  message.set(bhttp::field::host, call.url.authority());
  message.set(bhttp::field::user_agent, "mmids");
  if (!call.request.content_type.empty()) message.set(bhttp::field::content_type, call.request.content_type);
  for (const auto& [name, value] : call.request.headers) message.insert(name, value);
  message.keep_alive(false);
  message.body() = std::move(call.request.body);
  message.prepare_payload();

  call.stage = "writing the request";
  co_await bhttp::async_write(stream, message, token);
  if (ec) co_return call.failure("sending the request failed", ec);

  call.stage = "reading the response";
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(64 << 10);
  parser.body_limit(call.options.max_response_bytes);
  // The header first, then our own Content-Length check: Boost 1.74's eager parse (what
  // async_read does) skips the parser's check when the body arrives in the header's read.
  co_await bhttp::async_read_header(stream, buffer, parser, token);
  if (!ec && !parser.is_done()) {
    auto length = parser.content_length();
    if (length && *length > call.options.max_response_bytes) co_return call.failure("response body too large", {});
    co_await bhttp::async_read(stream, buffer, parser, token);
  }
  if (ec == bhttp::error::body_limit) co_return call.failure("response body too large", {});
  if (ec) co_return call.failure("reading the response failed", ec);

  ClientResponse result;
  auto& response = parser.get();
  result.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = field.value();
    auto [it, inserted] = result.headers.try_emplace(std::move(name), value.data(), value.size());
    if (!inserted) it->second.append(", ").append(value.data(), value.size());
  }
  result.body = std::move(response.body());
  co_return result;
}

asio::awaitable<ClientResult> perform(std::shared_ptr<Call> call) {
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  auto url = parse_url(call->request.url);
  if (!url.ok()) co_return call->failure("bad URL '" + call->request.url + "': " + url.error(), {});
  call->url = *url;

  if (call->url.tls()) {
    if (auto problem = prepare_tls_context(*call); !problem.empty()) co_return call->failure(problem, {});
  }

  call->stage = "connecting";
  // Named arguments: gcc 12 miscompiles temporaries inside a co_await expression.
  net::ConnectOptions connect_options{call->options.bind_address,
                                      std::chrono::steady_clock::now() + call->options.timeout};
  std::string host = call->url.host;
  auto connected = co_await net::connect(host, call->url.port, connect_options);
  if (!connected.ok()) {
    if (call->timed_out) co_return call->failure({}, {});
    co_return call->failure(connected.error(), {});
  }
  call->socket = std::move(connected).value();

  if (!call->url.tls()) {
    auto result = co_await exchange(*call, call->socket);
    call->socket.shutdown(tcp::socket::shutdown_both, ec);
    co_return result;
  }
  call->stage = "TLS handshake";
  start_tls(*call);
  co_await call->tls->async_handshake(ssl::stream_base::client, token);
  if (ec) co_return call->failure("TLS handshake with " + call->url.authority() + " failed: " + tls_failure_reason(*call, ec), {});
  co_return co_await exchange(*call, *call->tls);
}

// perform() answers through call->result: co_spawn's handler would want a default value.
asio::awaitable<void> run(std::shared_ptr<Call> call) { call->result = co_await perform(call); }

}  // namespace

void request(asio::io_context& io, ClientRequest request, ClientOptions options, ClientCallback callback) {
  auto call = std::make_shared<Call>(io, std::move(request), std::move(options));
  call->deadline.expires_after(call->options.timeout);
  call->deadline.async_wait([call](beast::error_code ec) {
    if (!ec) call->expire();
  });
  asio::co_spawn(io, run(call),
                 [call, callback = std::move(callback)](std::exception_ptr error) {
                   ClientResult result = call->result ? std::move(*call->result) : Error("no answer");
                   call->deadline.cancel();
                   beast::error_code ignored;
                   call->socket.close(ignored);
                   if (call->tls) call->tls->next_layer().close(ignored);
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       result = Error(std::string("request failed: ") + e.what());
                     }
                   }
                   callback(std::move(result));
                 });
}

void post(asio::io_context& io, const std::string& url, std::string body, std::string content_type,
          ClientOptions options, ClientCallback callback) {
  ClientRequest call{"POST", url, std::move(body), std::move(content_type), {}};
  request(io, std::move(call), std::move(options), std::move(callback));
}

void get(asio::io_context& io, const std::string& url, ClientOptions options, ClientCallback callback) {
  request(io, ClientRequest{"GET", url, {}, {}, {}}, std::move(options), std::move(callback));
}

ClientResult request_sync(ClientRequest call, ClientOptions options) {
  asio::io_context io;
  ClientResult result = Error("no answer");
  request(io, std::move(call), std::move(options), [&](ClientResult r) { result = std::move(r); });
  io.run();
  return result;
}

}  // namespace mmids::http
