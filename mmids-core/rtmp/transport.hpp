#pragma once
// RtmpTransport: a TCP connection, plain or TLS (RTMPS), behind one small interface so
// the server session and the pull client run the same code either way.
#include "mmids-core/asio.hpp"

#include <boost/asio/ssl.hpp>

#include <memory>
#include <vector>

namespace mmids::rtmp {

class RtmpTransport {
 public:
  explicit RtmpTransport(asio::ip::tcp::socket socket);
  RtmpTransport(asio::ip::tcp::socket socket, asio::ssl::context& tls);

  [[nodiscard]] bool is_tls() const { return tls_ != nullptr; }
  // Client side of TLS: sends `host` as SNI and, when `verify`, checks the server's
  // certificate chain and that it names `host`. Call before handshake(false).
  void verify_server_as(const std::string& host, bool verify);
  // The TLS handshake (no-op when plain). `server` picks the side.
  asio::awaitable<void> handshake(bool server);
  asio::awaitable<size_t> read_some(asio::mutable_buffer buffer);
  asio::awaitable<void> write(const std::vector<asio::const_buffer>& buffers);
  asio::awaitable<void> write(asio::const_buffer buffer);
  // Closes the socket; pending reads and writes complete with an error.
  void close();
  [[nodiscard]] asio::ip::tcp::socket& socket();

 private:
  asio::ip::tcp::socket plain_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
};

}  // namespace mmids::rtmp
