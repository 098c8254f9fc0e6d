#include "mmids-core/http/server.hpp"

#include "mmids-core/http/beast_message.hpp"
#include "mmids-core/http/body_pump.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/net/address.hpp"
#include "mmids-core/net/socket_options.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

namespace mmids::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

// How long a closing connection waits for the peer (TLS close_notify, unread request bytes)
// before the socket is closed anyway.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 64 << 10;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void close(std::string_view reason) = 0;
};

}  // namespace

struct Server::State {
  State(boost::asio::io_context& io, Router r, ServerOptions o)
      : router(std::move(r)), options(std::move(o)), acceptor(io), retry_timer(io) {}
  Router router;
  ServerOptions options;
  tcp::acceptor acceptor;
  boost::asio::steady_timer retry_timer;  // paces accept after errors such as EMFILE
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections;
  bool stopped = false;
  uint16_t port = 0;
};

namespace {

template <class Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Connection(std::shared_ptr<Server::State> state, Stream stream, tcp::endpoint peer)
      : state_(std::move(state)), stream_(std::move(stream)), peer_(std::move(peer)),
        fields_(log::Fields().with("peer", net::endpoint_text(peer_))) {}

  ~Connection() override { state_->connections.erase(this); }

  void run() {
    state_->connections.emplace(this, this->weak_from_this());
    if constexpr (kTls) {
      lowest().expires_after(state_->options.idle_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->drop(ec, "TLS handshake failed");
                                self->read_request();
                              });
    } else {
      read_request();
    }
  }

  void close(std::string_view reason) override {
    closed_ = true;
    if (auto pump = std::move(pump_)) pump->closed(reason);
    beast::error_code ignored;
    lowest().socket().close(ignored);
  }
  void close() { close("connection closed"); }

  // Sends the handler's answer (or the server's own) and continues with the connection.
  void send(Response response) {
    if (closed_) return;
    if (response.stream) return send_streaming(std::move(response));
    unsigned status = response.status;
    spdlog::debug("{} {} {} -> {}", fields_, method_, path_, status);
    bool keep_alive = keep_alive_ && !state_->stopped;
    if (response.shared_body.owner) return send_shared(std::move(response), keep_alive);
    response_ = response_to_beast(std::move(response), version_, keep_alive,
                                  state_->options.server_header);
    lowest().expires_after(state_->options.idle_timeout);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->drop(ec, "write failed");
                         if (self->response_.need_eof()) return self->finish();
                         self->read_request();
                       });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // The head, then the shared body's spans as one gathered write (nothing copied).
  void send_shared(Response response, bool keep_alive) {
    shared_head_ = head_to_beast(response, version_, keep_alive, state_->options.server_header);
    shared_body_ = std::move(response.shared_body);
    shared_serializer_.emplace(shared_head_);
    lowest().expires_after(state_->options.idle_timeout);
    bhttp::async_write_header(stream_, *shared_serializer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->drop(ec, "write failed");
      self->shared_buffers_.clear();
      for (const auto& span : self->shared_body_.spans) self->shared_buffers_.emplace_back(span.data(), span.size());
      boost::asio::async_write(self->stream_, self->shared_buffers_, [self](beast::error_code write_error, size_t) {
        self->shared_body_ = {};
        if (write_error) return self->drop(write_error, "write failed");
        if (self->shared_head_.need_eof()) return self->finish();
        self->read_request();
      });
    });
  }

  // The head now, the body as the handler's stream makes it; the connection ends with it.
  void send_streaming(Response response) {
    spdlog::debug("{} {} {} -> {} (streaming)", fields_, method_, path_, response.status);
    auto head = head_to_beast(response, version_, false, state_->options.server_header);
    lowest().expires_never();  // the pump bounds each write itself
    pump_ = std::make_shared<BodyPump<Stream>>(
        stream_, std::move(response.stream), std::move(head), state_->options.idle_timeout, this->weak_from_this(),
        [weak = this->weak_from_this()](std::string_view reason) {
          if (auto self = weak.lock()) self->close(reason);
        });
    pump_->start();
  }

  void read_request() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_body_bytes);
    lowest().expires_after(state_->options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  // Headers are in (and Content-Length is within the limit): clients that wait for
  // "100 Continue" before sending a body (curl does, for bodies over 1 KiB) get it now.
  void on_header(beast::error_code ec) {
    if (ec || parser_->is_done()) return on_read(ec);
    auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && parser_->get().version() >= 11) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                               [self = this->shared_from_this()](beast::error_code write_error, std::size_t) {
                                 if (write_error) return self->drop(write_error, "write failed");
                                 self->read_body();
                               });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return refuse(413, "request body too large");
    if (ec == bhttp::error::header_limit) return refuse(431, "request header too large");
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return refuse(400, "malformed request: " + ec.message());
    }
    if (ec) return drop(ec, "read failed");

    auto message = parser_->release();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    Request request = request_from_beast(std::move(message), peer_);
    method_ = request.method;
    path_ = request.path;
    lowest().expires_never();  // the handler may take its time; the write is bounded again
    state_->router.dispatch(request, make_responder());
  }

  // The responder given to handlers: answers once; if dropped unanswered, answers 500.
  Responder make_responder() {
    struct Reply {
      std::shared_ptr<Connection> connection;
      bool done = false;
      Reply() = default;
      Reply(const Reply&) = delete;
      Reply& operator=(const Reply&) = delete;
      ~Reply() {
        if (done || !connection || connection->state_->stopped || connection->closed_) return;
        spdlog::error("{} handler for {} {} dropped its responder", connection->fields_,
                      connection->method_, connection->path_);
        boost::asio::post(connection->lowest().get_executor(), [c = connection] {
          c->send(Response::error(500, "the handler did not answer"));
        });
      }
    };
    auto reply = std::make_shared<Reply>();
    reply->connection = this->shared_from_this();
    return [reply](Response response) {
      if (reply->done) return;
      reply->done = true;
      auto connection = reply->connection;
      boost::asio::dispatch(connection->lowest().get_executor(),
                            [connection, response = std::move(response)]() mutable {
                              connection->send(std::move(response));
                            });
    };
  }

  // Answers a request the server will not hand to a handler, then closes.
  void refuse(unsigned status, const std::string& reason) {
    spdlog::info("{} refused request: {}", fields_, reason);
    keep_alive_ = false;
    if (parser_ && parser_->is_header_done()) version_ = parser_->get().version();
    send(Response::error(status, reason));
  }

  void drop(beast::error_code ec, const char* what) {
    if (ec != boost::asio::error::operation_aborted && ec != bhttp::error::end_of_stream &&
        ec != beast::error::timeout && !closed_) {
      spdlog::debug("{} {}: {}", fields_, what, ec.message());
    }
    close();
  }

  // Graceful close: lets the peer read the last response before the socket goes away
  // (closing with unread input would send a reset that can destroy the response).
  void finish() {
    lowest().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(boost::asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kLingerMaxBytes) return self->close();
                               self->drain();
                             });
  }

  std::shared_ptr<Server::State> state_;
  Stream stream_;
  tcp::endpoint peer_;
  log::Fields fields_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  BeastResponse response_;
  std::shared_ptr<BodyPump<Stream>> pump_;  // while a streaming response is written
  BeastResponseHead shared_head_;           // while a shared body is written
  SharedBody shared_body_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> shared_serializer_;
  std::vector<boost::asio::const_buffer> shared_buffers_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool closed_ = false;
  std::string method_, path_;
  std::array<char, 4096> scratch_{};
  std::size_t drained_ = 0;
};

void accept_next(const std::shared_ptr<Server::State>& state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped) return;
    if (ec) {
      // Transient (EMFILE, ECONNABORTED, ...): keep accepting, a little later.
      spdlog::warn("http: accept failed: {}", ec.message());
      state->retry_timer.expires_after(std::chrono::milliseconds(100));
      state->retry_timer.async_wait([state](beast::error_code) {
        if (!state->stopped) accept_next(state);
      });
      return;
    }
    beast::error_code peer_error;
    auto peer = socket.remote_endpoint(peer_error);
    if (peer_error || state->connections.size() >= state->options.max_connections) {
      if (!peer_error) spdlog::warn("http: too many connections, closing one from {}", net::endpoint_text(peer));
      socket.close(peer_error);
      return accept_next(state);
    }
    net::tune_socket(socket);
    if (state->options.tls) {
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<Connection<TlsStream>>(state, TlsStream(beast::tcp_stream(std::move(socket)), *state->options.tls), peer)
          ->run();
    } else {
      std::make_shared<Connection<beast::tcp_stream>>(state, beast::tcp_stream(std::move(socket)), peer)->run();
    }
    accept_next(state);
  });
}

}  // namespace

Server::Server(boost::asio::io_context& io, Router router, ServerOptions options)
    : state_(std::make_shared<State>(io, std::move(router), std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
  const auto& options = state_->options;
  std::string where = options.address + ":" + std::to_string(options.port);
  auto fail = [&](const std::string& reason) {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    throw std::runtime_error("cannot listen on " + where + ": " + reason);
  };
  beast::error_code ec;
  auto address = boost::asio::ip::make_address(options.address, ec);
  if (ec) fail("not an IP address");
  tcp::endpoint endpoint(address, options.port);
  if (address.is_v6()) where = "[" + options.address + "]:" + std::to_string(options.port);
  state_->acceptor.open(endpoint.protocol(), ec);
  if (ec) fail(ec.message());
  state_->acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  state_->acceptor.bind(endpoint, ec);
  if (ec) fail(ec.message());
  state_->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) fail(ec.message());
  state_->port = state_->acceptor.local_endpoint().port();
  state_->stopped = false;
  accept_next(state_);
}

uint16_t Server::port() const { return state_->port; }

void Server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  state_->retry_timer.cancel();
  auto connections = state_->connections;  // close() may erase entries
  for (auto& [raw, weak] : connections) {
    if (auto connection = weak.lock()) connection->close("server stopped");
  }
}

std::size_t Server::connection_count() const { return state_->connections.size(); }

}  // namespace mmids::http
