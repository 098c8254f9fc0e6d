#include "mmids-core/rtmp/client/rtmp_client.hpp"

#include "mmids-core/net/connect.hpp"

namespace mmids::rtmp {

RtmpClient::RtmpClient(asio::io_context& io, RtmpUrl url, ClientConnectPlan plan)
    : io_(io), url_(std::move(url)), plan_(std::move(plan)) {}

RtmpClient::~RtmpClient() = default;

void RtmpClient::start() {
  asio::co_spawn(io_, [self = std::static_pointer_cast<RtmpClient>(shared_from_this())] { return self->connect(); },
                 asio::detached);
}

void RtmpClient::stop() {
  stopped_ = true;  // before closing: the failing read must not report anything
  close("stopped");
}

asio::awaitable<void> RtmpClient::connect() {
  const auto deadline = std::chrono::steady_clock::now() + plan_.connect_timeout;
  // Named arguments: gcc 12 miscompiles temporaries inside a co_await expression.
  net::ConnectOptions connect_options{plan_.bind_address, deadline};
  std::string host = url_.host;
  auto socket = co_await net::connect(host, url_.port, connect_options);
  if (closed()) co_return;
  if (!socket.ok()) {
    close(socket.error());
    co_return;
  }
  std::shared_ptr<RtmpTransport> transport;
  if (url_.tls) {
    if (!plan_.tls) {
      plan_.tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
      plan_.tls->set_default_verify_paths();
    }
    // The context outlives the stream: the plan keeps it.
    transport = std::make_shared<RtmpTransport>(std::move(socket).value(), *plan_.tls);
    transport->verify_server_as(url_.host);
  } else {
    transport = std::make_shared<RtmpTransport>(std::move(socket).value());
  }
  transport->set_deadline(deadline, "no " + plan_.start_event + " within the connect timeout");
  transport->set_write_timeout(plan_.write_timeout);
  on_connected();
  set_read_buffer_size(plan_.read_buffer);
  attach(std::move(transport), /*tls_server=*/false);
}

}  // namespace mmids::rtmp
