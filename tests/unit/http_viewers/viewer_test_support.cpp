#include "tests/unit/http_viewers/viewer_test_support.hpp"

#include <limits>
#include <stdexcept>

namespace mmids::testing {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

ViewerServerFixture::ViewerServerFixture(http_viewers::HttpViewerServerOptions options, std::optional<bool> approve,
                                         std::string stream_key, endpoint::IpRules ip_rules)
    : approve_(approve) {
  options.bind_address = "127.0.0.1";
  endpoint::WatcherRegistration registration;
  registration.start_timeout = options.start_timeout;  // an FLV viewer's start follows its step's
  server_ = std::make_unique<http_viewers::HttpViewerServer>(io_, std::move(options));
  registration.port = 0;
  registration.app = "live";
  registration.stream_key = std::move(stream_key);
  registration.ip_rules = std::move(ip_rules);
  registration.approve = [this](const endpoint::StreamRequest& request, endpoint::Approval approval) {
    std::optional<bool> now;
    {
      std::lock_guard lock(mutex_);
      log_.asked.push_back(request);
      ++log_.leases_held;
      if (approve_) {
        now = approve_;
      } else {
        pending_.push_back(std::move(approval));
      }
    }
    if (now) approval(*now);
    return Subscription([this] {
      std::lock_guard lock(mutex_);
      --log_.leases_held;
    });
  };
  registration.on_viewer_joined = [this](std::shared_ptr<endpoint::ViewerSink> viewer, const std::string&) {
    std::lock_guard lock(mutex_);
    log_.joined.push_back(std::move(viewer));
  };
  registration.on_viewer_left = [this](uint64_t id, const std::string&) {
    std::lock_guard lock(mutex_);
    log_.left.push_back(id);
    std::erase_if(log_.joined, [id](const auto& viewer) { return viewer->connection_id() == id; });
  };
  auto result = server_->register_watcher(std::move(registration));
  if (!result.ok()) throw std::runtime_error(result.error());
  registration_ = std::move(result).value();
  port_ = server_->bound_port(0);
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
}

ViewerServerFixture::~ViewerServerFixture() {
  on_io([this] {
    registration_.reset();
    server_.reset();
    std::lock_guard lock(mutex_);
    log_.joined.clear();
    pending_.clear();
    return 0;
  });
  io_.stop();
  thread_.join();
}

RegistrantLog ViewerServerFixture::seen() {
  std::lock_guard lock(mutex_);
  return log_;
}

void ViewerServerFixture::answer(bool approved) {
  on_io([this, approved] {
    endpoint::Approval approval;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) throw std::logic_error("no approval is waiting");
      approval = std::move(pending_.front());
      pending_.erase(pending_.begin());
    }
    approval(approved);
    return 0;
  });
}

void ViewerServerFixture::feed(const std::vector<media::MediaNotification>& notifications) {
  on_io([this, &notifications] {
    std::vector<std::shared_ptr<endpoint::ViewerSink>> viewers;
    {
      std::lock_guard lock(mutex_);
      viewers = log_.joined;
    }
    for (const auto& notification : notifications)
      for (const auto& viewer : viewers) viewer->send(notification);
    return 0;
  });
}

bool ViewerServerFixture::wait_for(const std::function<bool(const RegistrantLog&)>& predicate,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate(seen())) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate(seen());
}

namespace {

HttpReply reply_of(const bhttp::response<bhttp::string_body>& message) {
  HttpReply reply;
  reply.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = message.body();
  return reply;
}

// Starts one read (`start(handler)`) and runs io until it completed or the time is up
// (then cancels it). True when it completed without an error.
template <class Start>
bool read_within(asio::io_context& io, tcp::socket& socket, std::chrono::milliseconds timeout, Start start) {
  bool done = false;
  boost::system::error_code result;
  start([&](boost::system::error_code ec, size_t) {
    result = ec;
    done = true;
  });
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_for(10ms);
  if (!done) {
    boost::system::error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();
  }
  return done && !result;
}

}  // namespace

std::optional<HttpReply> http_get(uint16_t port, const std::string& target, std::chrono::milliseconds timeout,
                                  const std::string& method) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  const bool read = read_within(io, socket, timeout, [&](auto handler) { bhttp::async_read(socket, buffer, parser, handler); });
  if (!read) return std::nullopt;
  return reply_of(parser.get());
}

StreamingGet::StreamingGet(uint16_t port, const std::string& target) : socket_(io_) {
  socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  asio::write(socket_, asio::buffer(request));
  parser_.body_limit(std::numeric_limits<std::uint64_t>::max());  // a live body never ends
}

bool StreamingGet::read_head(std::chrono::milliseconds timeout) {
  return read_within(io_, socket_, timeout,
                     [&](auto handler) { bhttp::async_read_header(socket_, buffer_, parser_, handler); });
}

const std::string& StreamingGet::read_body(size_t bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (parser_.get().body().size() < bytes && !parser_.is_done() && std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!read_within(io_, socket_, left,
                     [&](auto handler) { bhttp::async_read_some(socket_, buffer_, parser_, handler); })) {
      break;
    }
  }
  return parser_.get().body();
}

HttpReply StreamingGet::head() const { return reply_of(parser_.get()); }

void StreamingGet::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace mmids::testing
