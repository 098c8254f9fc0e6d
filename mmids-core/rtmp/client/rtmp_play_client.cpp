#include "mmids-core/rtmp/client/rtmp_play_client.hpp"

#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/transport.hpp"

namespace mmids::rtmp {
namespace {

constexpr double kConnectTransaction = 1;
constexpr double kCreateStreamTransaction = 2;
constexpr uint32_t kWindowAckSize = 2'500'000;
constexpr uint32_t kBufferLengthMs = 100;  // live: play what arrives

class ClientFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

// The socket side of one attempt; kept apart so stop() can close it from outside.
class RtmpPlayClient::Connection {
 public:
  std::unique_ptr<RtmpTransport> transport;
  ChunkEncoder encoder;
  std::shared_ptr<asio::ssl::context> default_tls;

  asio::awaitable<void> send(const RtmpMessage& message) {
    ChunkWriteBatch batch = encoder.encode(message);
    co_await transport->write(batch.buffers());
  }
  void close() {
    if (transport) transport->close();
  }
};

std::shared_ptr<RtmpPlayClient> RtmpPlayClient::create(asio::io_context& io, RtmpUrl url, PlayClientOptions options,
                                                       Handlers handlers) {
  return std::make_shared<RtmpPlayClient>(io, std::move(url), std::move(options), std::move(handlers));
}

RtmpPlayClient::RtmpPlayClient(asio::io_context& io, RtmpUrl url, PlayClientOptions options, Handlers handlers)
    : io_(io),
      url_(std::move(url)),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      connection_(std::make_shared<Connection>()),
      deadline_(io) {}

RtmpPlayClient::~RtmpPlayClient() { connection_->close(); }

void RtmpPlayClient::start() {
  auto self = shared_from_this();
  deadline_.expires_after(options_.connect_timeout);
  deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto client = weak.lock();
    if (!error && client && !client->playing_) client->finish("no NetStream.Play.Start within the connect timeout");
  });
  asio::co_spawn(io_, [self]() { return self->run(); }, asio::detached);
}

void RtmpPlayClient::stop() {
  finished_ = true;  // before closing: the failing read must not report anything
  deadline_.cancel();
  connection_->close();
}

void RtmpPlayClient::finish(const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  deadline_.cancel();
  connection_->close();
  if (handlers_.on_closed) handlers_.on_closed(reason);
}

asio::awaitable<void> RtmpPlayClient::run() {
  auto self = shared_from_this();
  auto connection = connection_;
  try {
    asio::ip::tcp::resolver resolver(io_);
    auto endpoints = co_await resolver.async_resolve(url_.host, std::to_string(url_.port), asio::use_awaitable);
    asio::ip::tcp::socket socket(io_);
    boost::system::error_code error = asio::error::host_not_found;
    for (const auto& entry : endpoints) {
      if (finished_) co_return;
      socket = asio::ip::tcp::socket(io_);
      socket.open(entry.endpoint().protocol());
      if (!options_.bind_address.empty()) {
        socket.bind(asio::ip::tcp::endpoint(asio::ip::make_address(options_.bind_address), 0));
      }
      co_await socket.async_connect(entry.endpoint(), asio::redirect_error(asio::use_awaitable, error));
      if (!error) break;
    }
    if (error) throw ClientFailure("cannot connect to " + url_.host + ":" + std::to_string(url_.port) + ": " + error.message());
    if (finished_) co_return;
    socket.set_option(asio::ip::tcp::no_delay(true));

    if (url_.tls) {
      auto context = options_.tls;
      if (!context) {
        context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        context->set_default_verify_paths();
      }
      connection->default_tls = context;
      connection->transport = std::make_unique<RtmpTransport>(std::move(socket), *context);
      connection->transport->verify_server_as(url_.host, true);
    } else {
      connection->transport = std::make_unique<RtmpTransport>(std::move(socket));
    }
    RtmpTransport& transport = *connection->transport;
    co_await transport.handshake(/*server=*/false);

    ClientHandshake handshake(/*use_digest=*/true);
    auto hello = handshake.start();
    co_await transport.write(asio::buffer(hello));
    std::vector<uint8_t> buffer(64 * 1024);
    while (!handshake.done()) {
      const size_t read = co_await transport.read_some(asio::buffer(buffer));
      auto reply = handshake.feed(std::span<const uint8_t>(buffer.data(), read));
      if (!reply.ok()) throw ClientFailure("bad handshake: " + reply.error());
      if (!reply->empty()) co_await transport.write(asio::buffer(*reply));
    }

    Amf0Value connect = Amf0Value::object();
    connect.set("app", Amf0Value::string(url_.app));
    connect.set("flashVer", Amf0Value::string("LNX 9,0,124,2"));
    connect.set("tcUrl", Amf0Value::string(url_.tc_url()));
    connect.set("fpad", Amf0Value::boolean(false));
    connect.set("capabilities", Amf0Value::number(15));
    connect.set("audioCodecs", Amf0Value::number(4071));
    connect.set("videoCodecs", Amf0Value::number(252));
    connect.set("videoFunction", Amf0Value::number(1));
    co_await connection->send(make_command(0, command_name::connect, kConnectTransaction, connect));

    ChunkDecoder decoder(options_.limits);
    uint32_t server_window = 0;
    uint64_t acknowledged = 0;
    uint32_t stream_id = 0;
    std::vector<RtmpMessage> messages;
    std::vector<RtmpMessage> expanded;
    auto leftover = handshake.take_leftover();
    std::span<const uint8_t> pending(leftover);

    while (!finished_) {
      if (pending.empty()) {
        const size_t read = co_await transport.read_some(asio::buffer(buffer));
        pending = std::span<const uint8_t>(buffer.data(), read);
      }
      messages.clear();
      if (auto status = decoder.feed(pending, messages); !status.ok()) throw ClientFailure("bad chunk stream: " + status.error());
      pending = {};
      for (const auto& message : messages) {
        expanded.clear();
        if (message.type_id == message_type::aggregate) {
          auto parts = split_aggregate(message);
          if (!parts.ok()) throw ClientFailure("bad aggregate message: " + parts.error());
          expanded = std::move(*parts);
        } else {
          expanded.push_back(message);
        }
        for (const auto& part : expanded) {
          if (finished_) co_return;
          switch (part.type_id) {
            case message_type::audio:
            case message_type::video:
              if (playing_ && !part.payload.empty() && handlers_.on_media) {
                last_media_ = std::chrono::steady_clock::now();
                handlers_.on_media(part.type_id == message_type::video ? media::MediaKind::Video : media::MediaKind::Audio,
                                   part.timestamp, part.payload);
              }
              break;
            case message_type::data_amf0:
            case message_type::data_amf3: {
              auto metadata = parse_metadata(part);
              if (metadata.ok() && metadata->has_value() && handlers_.on_metadata) handlers_.on_metadata((*metadata)->encoded);
              break;
            }
            case message_type::window_ack_size:
              if (auto window = parse_window_ack_size(part); window.ok()) server_window = *window;
              break;
            case message_type::user_control: {
              auto event = parse_user_control(part);
              if (!event.ok()) break;
              if (event->event == UserControlEvent::PingRequest) co_await connection->send(make_ping_response(event->value));
              if (event->event == UserControlEvent::StreamEof && playing_) throw ClientFailure("the server ended the stream");
              break;
            }
            case message_type::command_amf0:
            case message_type::command_amf3: {
              auto command = parse_command(part);
              if (!command.ok()) throw ClientFailure("bad command from server: " + command.error());
              const std::string& name = command->name;
              if (name == command_name::error) {
                std::string description = "refused";
                if (!command->arguments.empty()) description = std::string(command->arguments[0].get("description").string_or(command->arguments[0].get("code").string_or("refused")));
                throw ClientFailure("server refused: " + description);
              }
              if (name == command_name::result && command->transaction_id == kConnectTransaction) {
                co_await connection->send(make_window_ack_size(kWindowAckSize));
                co_await connection->send(make_command(0, command_name::create_stream, kCreateStreamTransaction, Amf0Value::null()));
              } else if (name == command_name::result && command->transaction_id == kCreateStreamTransaction) {
                stream_id = command->arguments.empty() ? 1 : static_cast<uint32_t>(command->arguments[0].number_or(1));
                std::vector<Amf0Value> play_args{Amf0Value::string(url_.stream_key), Amf0Value::number(-1000)};
                co_await connection->send(make_command(stream_id, command_name::play, 0, Amf0Value::null(), play_args, 8));
                co_await connection->send(make_set_buffer_length(stream_id, kBufferLengthMs));
              } else if (name == command_name::on_status && !command->arguments.empty()) {
                const auto& info = command->arguments[0];
                const std::string code(info.get("code").string_or(""));
                if (code == status::play_start) {
                  if (!playing_) {
                    playing_ = true;
                    last_media_ = std::chrono::steady_clock::now();
                    spdlog::info("{} playing {}", options_.fields, url_.stream_key);
                    if (handlers_.on_playing) handlers_.on_playing();
                    deadline_.cancel();
                  }
                } else if (code == status::play_stop || code == status::play_unpublish_notify) {
                  if (playing_) throw ClientFailure("the server ended the stream (" + code + ")");
                } else if (info.get("level").string_or("") == status::level_error) {
                  throw ClientFailure("server refused: " + code + " " + std::string(info.get("description").string_or("")));
                }
              }
              break;
            }
            default:
              break;  // set chunk size and abort were applied by the decoder
          }
        }
      }
      if (server_window > 0 && decoder.bytes_received() - acknowledged >= server_window) {
        acknowledged = decoder.bytes_received();
        co_await connection->send(make_acknowledgement(static_cast<uint32_t>(acknowledged)));
      }
      if (playing_ && std::chrono::steady_clock::now() - last_media_ > options_.media_timeout) {
        throw ClientFailure("no media for " + std::to_string(options_.media_timeout.count()) + " ms");
      }
    }
  } catch (const ClientFailure& failure) {
    finish(failure.what());
  } catch (const boost::system::system_error& error) {
    const auto code = error.code();
    finish(code == asio::error::eof ? "connection closed by the server" : code.message());
  } catch (const std::exception& error) {
    finish(error.what());
  }
}

}  // namespace mmids::rtmp
