#pragma once
// mmids-core/http: the HTTP/1.1 server (plain or TLS) in front of a Router. One connection
// serves requests one after another (keep-alive); sizes and times are bounded so a client
// can neither make it allocate without limit nor hold a connection forever.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/router.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mmids::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal ("::" = every address)
  uint16_t port = 0;                   // 0 = pick a free port (see Server::port())
  std::size_t max_body_bytes = 1 << 20;     // bigger (by Content-Length or as read) -> 413
  std::size_t max_header_bytes = 16 << 10;  // request line + headers; bigger -> 431
  std::shared_ptr<boost::asio::ssl::context> tls;  // set -> HTTPS only
  // Bounds the TLS handshake, the wait for the next request plus reading all of it, and
  // writing a response. A connection that does not keep up is closed.
  std::chrono::seconds idle_timeout{30};
  std::size_t max_connections = 1024;  // connections beyond this are closed at once
  std::string server_header = "mmids";
};

class Server {
 public:
  // Use from the io_context's thread (one thread runs that io_context).
  Server(boost::asio::io_context& io, Router router, ServerOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Throws std::runtime_error("cannot listen on ADDR:PORT: reason").
  void start();
  // The bound port (valid after start()).
  [[nodiscard]] uint16_t port() const;
  // Closes the listener and every open connection; pending handlers' answers are dropped.
  // Call on the io thread, or when the io_context is not running.
  void stop();
  // Open connections (for tests and metrics).
  [[nodiscard]] std::size_t connection_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// Loads a PEM certificate chain and private key into a TLS 1.2+ server context. Throws
// std::runtime_error naming the file and the reason.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                                   const std::string& key_file);

}  // namespace mmids::http
