#include "mmids-core/net/connect.hpp"

#include "mmids-core/net/address.hpp"
#include "mmids-core/net/socket_options.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <optional>

namespace mmids::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// What the deadline must be able to stop: the resolve and the attempt in progress.
struct Attempt {
  explicit Attempt(const asio::any_io_executor& executor) : resolver(executor), socket(executor), timer(executor) {}
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer timer;
  bool timed_out = false;
};

}  // namespace

asio::awaitable<Result<tcp::socket>> connect(std::string host, uint16_t port, ConnectOptions options) {
  auto executor = co_await asio::this_coro::executor;
  const std::string where = host_port_text(host, port);
  std::optional<ip::address> bind;
  if (!options.bind_address.empty()) {
    auto parsed = parse_address(options.bind_address);
    if (!parsed.ok()) co_return Error("bad bind address: " + parsed.error());
    bind = *parsed;
  }
  auto attempt = std::make_shared<Attempt>(executor);
  if (options.deadline != std::chrono::steady_clock::time_point::max()) {
    attempt->timer.expires_at(options.deadline);
    attempt->timer.async_wait([weak = std::weak_ptr<Attempt>(attempt)](const boost::system::error_code& error) {
      auto running = weak.lock();
      if (error || !running) return;
      running->timed_out = true;
      running->resolver.cancel();
      boost::system::error_code ignored;
      running->socket.close(ignored);
    });
  }
  auto timed_out = [&] { return Error("timed out connecting to " + where); };

  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const std::string service = std::to_string(port);  // named: gcc 12 miscompiles temporaries in co_await
  auto endpoints = co_await attempt->resolver.async_resolve(host, service, token);
  if (attempt->timed_out) co_return timed_out();
  if (ec) co_return Error("cannot resolve " + host + ": " + ec.message());

  boost::system::error_code last_error = asio::error::host_not_found;
  bool tried = false;
  for (const auto& entry : endpoints) {
    const auto endpoint = entry.endpoint();
    if (bind && bind->is_v4() != endpoint.address().is_v4()) continue;
    tried = true;
    attempt->socket.close(ec);
    attempt->socket.open(endpoint.protocol(), ec);
    if (ec) co_return Error("cannot open a socket: " + ec.message());
    if (bind) {
      attempt->socket.bind(tcp::endpoint(*bind, 0), ec);
      if (ec) co_return Error("cannot bind to " + options.bind_address + ": " + ec.message());
    }
    co_await attempt->socket.async_connect(endpoint, token);
    if (attempt->timed_out) co_return timed_out();
    last_error = ec;
    if (!ec) break;
  }
  attempt->timer.cancel();
  if (!tried) co_return Error("no address of " + host + " matches bind address " + options.bind_address);
  if (last_error) co_return Error("cannot connect to " + where + ": " + last_error.message());
  tune_socket(attempt->socket);
  co_return std::move(attempt->socket);
}

}  // namespace mmids::net
