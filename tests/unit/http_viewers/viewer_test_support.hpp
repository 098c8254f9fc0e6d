#pragma once
// Helpers for the HTTP viewer server's tests: the server on its own io thread with one
// fake registrant (an approver the test answers, the viewers it was given), and a small
// blocking HTTP client that reads heads and bodies, whole or as far as a stream has come.
#include "mmids-core/http_viewers/http_viewer_server.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mmids::testing {

using namespace std::chrono_literals;

// What the fake registrant saw; read it through ViewerServerFixture::seen().
struct RegistrantLog {
  std::vector<endpoint::StreamRequest> asked;  // approvals asked, in order
  std::vector<std::shared_ptr<endpoint::ViewerSink>> joined;
  std::vector<uint64_t> left;
  int leases_held = 0;  // approval leases not given back yet
};

class ViewerServerFixture {
 public:
  // approve: the answer the approver gives at once; nullopt: the test answers (answer()).
  explicit ViewerServerFixture(http_viewers::HttpViewerServerOptions options = {},
                               std::optional<bool> approve = true, std::string stream_key = "*",
                               endpoint::IpRules ip_rules = {});
  ~ViewerServerFixture();

  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] RegistrantLog seen();
  // Answers the oldest approval still waiting (approve = nullopt).
  void answer(bool approved);
  // Feeds the notifications to every joined viewer, on the io thread.
  void feed(const std::vector<media::MediaNotification>& notifications);
  // Waits until predicate(seen()) holds (bounded); false if it never did.
  bool wait_for(const std::function<bool(const RegistrantLog&)>& predicate, std::chrono::milliseconds timeout = 5s);
  http_viewers::HttpViewerServer& server() { return *server_; }

 private:
  asio::io_context io_;
  std::unique_ptr<http_viewers::HttpViewerServer> server_;
  Subscription registration_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::mutex mutex_;
  RegistrantLog log_;
  std::vector<endpoint::Approval> pending_;
  std::optional<bool> approve_;
};

struct HttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One request on its own connection; nullopt when no whole answer came in time.
std::optional<HttpReply> http_get(uint16_t port, const std::string& target, std::chrono::milliseconds timeout = 5s,
                                  const std::string& method = "GET");

// A request whose body keeps coming (HTTP-FLV): the head, then the body as far as it came.
class StreamingGet {
 public:
  StreamingGet(uint16_t port, const std::string& target);
  // Reads the head; false if none came in time.
  bool read_head(std::chrono::milliseconds timeout = 5s);
  // Reads until the body holds at least `bytes` (or the time is up); the body so far.
  const std::string& read_body(size_t bytes, std::chrono::milliseconds timeout = 5s);
  [[nodiscard]] HttpReply head() const;
  void close();

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
};

// Bytes of a string, for the demuxer.
inline std::span<const uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace mmids::testing
