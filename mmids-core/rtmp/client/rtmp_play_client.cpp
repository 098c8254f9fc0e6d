#include "mmids-core/rtmp/client/rtmp_play_client.hpp"

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

ClientConnectPlan connect_plan(const PlayClientOptions& options) {
  return {options.bind_address, options.connect_timeout, options.write_timeout, options.tls, "NetStream.Play.Start",
          kPlayerReadBuffer};
}

}  // namespace

std::shared_ptr<RtmpPlayClient> RtmpPlayClient::create(asio::io_context& io, RtmpUrl url, PlayClientOptions options,
                                                       Handlers handlers) {
  return std::make_shared<RtmpPlayClient>(io, std::move(url), std::move(options), std::move(handlers));
}

RtmpPlayClient::RtmpPlayClient(asio::io_context& io, RtmpUrl url, PlayClientOptions options, Handlers handlers)
    : RtmpClient(io, url, connect_plan(options)),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      dialogue_(dialogue_options(url, options_)) {}

RtmpPlayClient::~RtmpPlayClient() = default;

void RtmpPlayClient::on_connected() { dialogue_.begin(); }

Status RtmpPlayClient::on_bytes(std::span<const uint8_t> bytes) {
  const auto now = std::chrono::steady_clock::now();
  Status fed = dialogue_.feed(bytes, [this, now](ClientEvent& event) {
    if (closed()) return;
    if (std::holds_alternative<client_event::Started>(event)) {
      last_media_ = now;
      transport()->set_deadline(RtmpTransport::Clock::time_point::max());
      transport()->set_read_timeout(options_.media_timeout);
      spdlog::info("{} playing {}", options_.fields, url().stream_key);
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
  if (stopped()) return;
  if (handlers_.on_closed) handlers_.on_closed(reason);
}

}  // namespace mmids::rtmp
