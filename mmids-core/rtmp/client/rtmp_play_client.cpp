#include "mmids-core/rtmp/client/rtmp_play_client.hpp"

#include "mmids-core/net/connect.hpp"

namespace mmids::rtmp {
namespace {

constexpr size_t kPlayerReadBuffer = 64 * 1024;

ClientDialogueOptions dialogue_options(const RtmpUrl& url, const PlayClientOptions& options) {
  ClientDialogueOptions result;
  result.mode = ClientDialogueOptions::Mode::Play;
  result.app = url.app;
  result.tc_url = url.tc_url();
  result.stream_key = url.stream_key;
  result.channel.limits = options.limits;
  return result;
}

}  // namespace

std::shared_ptr<RtmpPlayClient> RtmpPlayClient::create(asio::io_context& io, RtmpUrl url, PlayClientOptions options,
                                                       Handlers handlers) {
  return std::make_shared<RtmpPlayClient>(io, std::move(url), std::move(options), std::move(handlers));
}

RtmpPlayClient::RtmpPlayClient(asio::io_context& io, RtmpUrl url, PlayClientOptions options, Handlers handlers)
    : io_(io),
      url_(std::move(url)),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      dialogue_(dialogue_options(url_, options_)) {}

RtmpPlayClient::~RtmpPlayClient() = default;

void RtmpPlayClient::start() {
  asio::co_spawn(io_, [self = std::static_pointer_cast<RtmpPlayClient>(shared_from_this())] { return self->connect(); },
                 asio::detached);
}

void RtmpPlayClient::stop() {
  stopped_ = true;  // before closing: the failing read must not report anything
  close("stopped");
}

std::shared_ptr<asio::ssl::context> RtmpPlayClient::tls_context() {
  if (options_.tls) return options_.tls;
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_default_verify_paths();
  return context;
}

asio::awaitable<void> RtmpPlayClient::connect() {
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  // Named arguments: gcc 12 miscompiles temporaries inside a co_await expression.
  net::ConnectOptions connect_options{options_.bind_address, deadline};
  std::string host = url_.host;
  auto socket = co_await net::connect(host, url_.port, connect_options);
  if (closed()) co_return;
  if (!socket.ok()) {
    close(socket.error());
    co_return;
  }
  std::shared_ptr<RtmpTransport> transport;
  if (url_.tls) {
    // The context must outlive the stream: keep it with the options.
    options_.tls = tls_context();
    transport = std::make_shared<RtmpTransport>(std::move(socket).value(), *options_.tls);
    transport->verify_server_as(url_.host);
  } else {
    transport = std::make_shared<RtmpTransport>(std::move(socket).value());
  }
  transport->set_deadline(deadline, "no NetStream.Play.Start within the connect timeout");
  transport->set_write_timeout(options_.write_timeout);
  dialogue_.begin();
  set_read_buffer_size(kPlayerReadBuffer);
  attach(std::move(transport), /*tls_server=*/false);
}

Status RtmpPlayClient::on_bytes(std::span<const uint8_t> bytes) {
  const auto now = std::chrono::steady_clock::now();
  Status fed = dialogue_.feed(bytes, [this, now](ClientEvent& event) {
    if (closed()) return;
    if (std::holds_alternative<client_event::Started>(event)) {
      last_media_ = now;
      transport()->set_deadline(RtmpTransport::Clock::time_point::max());
      transport()->set_read_timeout(options_.media_timeout);
      spdlog::info("{} playing {}", options_.fields, url_.stream_key);
      if (handlers_.on_playing) handlers_.on_playing();
    } else if (auto* media = std::get_if<client_event::MediaReceived>(&event)) {
      last_media_ = now;
      if (handlers_.on_media) handlers_.on_media(media->kind, media->timestamp, media->payload);
    } else if (auto* metadata = std::get_if<client_event::MetadataReceived>(&event)) {
      if (handlers_.on_metadata) handlers_.on_metadata(metadata->amf0);
    }
  });
  if (!fed.ok()) return fed;
  // Bytes that are not media (pings, say) do not keep a pull alive either.
  if (dialogue_.started() && now - last_media_ > options_.media_timeout) {
    return Error("no media for " + std::to_string(options_.media_timeout.count()) + " ms");
  }
  return {};
}

void RtmpPlayClient::collect_output(ChunkWriteBatch& batch) { dialogue_.take_output(batch); }

void RtmpPlayClient::on_closed(const std::string& reason) {
  if (stopped_) return;
  if (handlers_.on_closed) handlers_.on_closed(reason);
}

}  // namespace mmids::rtmp
