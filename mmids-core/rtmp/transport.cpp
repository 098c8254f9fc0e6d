#include "mmids-core/rtmp/transport.hpp"

namespace mmids::rtmp {

RtmpTransport::RtmpTransport(asio::ip::tcp::socket socket) : plain_(std::move(socket)) {}

RtmpTransport::RtmpTransport(asio::ip::tcp::socket socket, asio::ssl::context& tls)
    : plain_(socket.get_executor()),
      tls_(std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket), tls)) {}

void RtmpTransport::verify_server_as(const std::string& host, bool verify) {
  if (!tls_) return;
  SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
  if (verify) {
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(host));
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none);
  }
}

asio::ip::tcp::socket& RtmpTransport::socket() { return tls_ ? tls_->next_layer() : plain_; }

asio::awaitable<void> RtmpTransport::handshake(bool server) {
  if (!tls_) co_return;
  co_await tls_->async_handshake(server ? asio::ssl::stream_base::server : asio::ssl::stream_base::client,
                                 asio::use_awaitable);
}

asio::awaitable<size_t> RtmpTransport::read_some(asio::mutable_buffer buffer) {
  if (tls_) co_return co_await tls_->async_read_some(buffer, asio::use_awaitable);
  co_return co_await plain_.async_read_some(buffer, asio::use_awaitable);
}

asio::awaitable<void> RtmpTransport::write(const std::vector<asio::const_buffer>& buffers) {
  if (tls_) {
    co_await asio::async_write(*tls_, buffers, asio::use_awaitable);
  } else {
    co_await asio::async_write(plain_, buffers, asio::use_awaitable);
  }
}

asio::awaitable<void> RtmpTransport::write(asio::const_buffer buffer) {
  // A named vector: gcc 12 miscompiles a braced temporary inside co_await.
  std::vector<asio::const_buffer> buffers(1, buffer);
  co_await write(buffers);
}

void RtmpTransport::close() {
  boost::system::error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace mmids::rtmp
