#pragma once
// Helpers for the socket-level tests of mmids-core/http: a server running on its own io
// thread, a raw client for byte-exact exchanges, and a throwaway CA + certificate.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/http.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mmids::http::testing {

using namespace std::chrono_literals;

// A Server started on options.address (default 127.0.0.1) and a free port, whose io_context runs on a background thread.
class TestServer {
 public:
  explicit TestServer(Router router, ServerOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& path) const;

  // Runs f on the io thread and waits for it.
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  Server& server() { return *server_; }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  bool tls_ = false;
  std::string address_;
};

// A plain TCP client with bounded waits, for tests that need exact bytes on the wire.
class RawClient {
 public:
  explicit RawClient(uint16_t port, const std::string& address = "127.0.0.1");
  void send(const std::string& bytes);
  // One response, or nullopt when none came within timeout (or the connection closed).
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> read_response(
      std::chrono::milliseconds timeout = 5s);
  // The raw bytes that arrive within timeout (empty when none do).
  std::string read_available(std::chrono::milliseconds timeout);
  // Whether the server closed the connection (EOF or reset) within timeout.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// A CA and a server certificate it signed, for localhost and 127.0.0.1 (and ::1), as PEM
// files in a fresh temporary directory that is removed with the object.
struct TestPki {
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;
  std::string dir;
  std::string ca_file;    // the CA certificate
  std::string cert_file;  // server certificate (leaf then CA)
  std::string key_file;   // server key
  std::string self_signed_cert_file, self_signed_key_file;  // signed by nobody we trust
};

// Blocking helpers on a private io_context.
ClientResult get_sync(const std::string& url, ClientOptions options = {});
ClientResult post_sync(const std::string& url, std::string body, ClientOptions options = {});

// A TCP port nothing listens on (bound then released).
uint16_t unused_port();

}  // namespace mmids::http::testing
