#include "tools/bench/load/lookup_connection.hpp"

#include "mmids-core/net/connect.hpp"
#include "tools/bench/measure/failure_cause.hpp"

namespace mmids::bench {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
constexpr auto kRetryPause = std::chrono::milliseconds(100);

}  // namespace

LookupConnection::LookupConnection(asio::io_context& io, const LookupTarget& target, size_t first_body,
                                   LookupShard& shard)
    : io_(io), target_(target), next_body_(first_body), shard_(shard) {}

void LookupConnection::start() { asio::co_spawn(io_, [self = shared_from_this()] { return self->run(); }, asio::detached); }

void LookupConnection::stop() {
  stopped_ = true;
  if (stream_) stream_->close();
}

void LookupConnection::fail(const std::string& cause) {
  if (!stopped_) shard_.tally.on_error(cause);
  stream_.reset();
}

asio::awaitable<bool> LookupConnection::connect() {
  // Named arguments: gcc 12 miscompiles temporaries inside a co_await expression.
  net::ConnectOptions options{"", Clock::now() + target_.timeout};
  std::string host = target_.host;
  auto socket = co_await net::connect(host, target_.port, options);
  if (stopped_) co_return false;
  if (!socket.ok()) {
    fail(failure_cause(socket.error(), false));
    co_return false;
  }
  stream_.emplace(std::move(socket).value());
  co_return true;
}

asio::awaitable<void> LookupConnection::run() {
  auto self = shared_from_this();
  http::request<http::string_body> request{http::verb::post, target_.path, 11};
  request.set(http::field::host, target_.authority);
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  asio::steady_timer pause(io_);
  beast::error_code error;
  auto token = asio::redirect_error(asio::use_awaitable, error);
  while (!stopped_) {
    bool connected = stream_.has_value();
    if (!connected) connected = co_await connect();
    if (!connected) {
      if (stopped_) break;
      pause.expires_after(kRetryPause);
      co_await pause.async_wait(token);
      continue;
    }
    request.body() = target_.bodies[next_body_++ % target_.bodies.size()];
    request.prepare_payload();
    const auto sent = Clock::now();
    stream_->expires_after(target_.timeout);
    co_await http::async_write(*stream_, request, token);
    if (stopped_) break;
    if (error) {
      fail("write: " + error.message());
      continue;
    }
    http::response<http::string_body> response;
    co_await http::async_read(*stream_, buffer_, response, token);
    if (stopped_) break;
    if (error) {
      fail(error == http::error::end_of_stream ? "closed by server" : "read: " + error.message());
      continue;
    }
    const auto now = Clock::now();
    if (shard_.window->contains(now)) shard_.tally.on_answer(response.result_int(), now - sent);
    shard_.answers.add(1);
    if (!response.keep_alive()) stream_.reset();
  }
}

}  // namespace mmids::bench
