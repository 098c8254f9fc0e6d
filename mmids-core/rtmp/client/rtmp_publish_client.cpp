#include "mmids-core/rtmp/client/rtmp_publish_client.hpp"

namespace mmids::rtmp {
namespace {

// A publisher reads only acknowledgements, pings and status commands.
constexpr size_t kPublisherReadBuffer = 4096;

ClientDialogueOptions dialogue_options(const RtmpUrl& url, const PublishClientOptions& options) {
  ClientDialogueOptions result;
  result.mode = ClientDialogueOptions::Mode::Publish;
  result.app = url.app;
  result.tc_url = url.tc_url();
  result.stream_key = url.stream_key;
  result.channel.out_chunk_size = options.chunk_size;
  result.announce_chunk_size = true;
  return result;
}

ClientConnectPlan connect_plan(const PublishClientOptions& options) {
  return {options.bind_address, options.connect_timeout, options.write_timeout, options.tls,
          "NetStream.Publish.Start", kPublisherReadBuffer};
}

}  // namespace

std::shared_ptr<RtmpPublishClient> RtmpPublishClient::create(asio::io_context& io, RtmpUrl url,
                                                             PublishClientOptions options, Handlers handlers) {
  return std::make_shared<RtmpPublishClient>(io, std::move(url), std::move(options), std::move(handlers));
}

RtmpPublishClient::RtmpPublishClient(asio::io_context& io, RtmpUrl url, PublishClientOptions options,
                                     Handlers handlers)
    : RtmpClient(io, url, connect_plan(options)),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      dialogue_(dialogue_options(url, options_)) {}

RtmpPublishClient::~RtmpPublishClient() = default;

void RtmpPublishClient::on_connected() { dialogue_.begin(); }

Status RtmpPublishClient::on_bytes(std::span<const uint8_t> bytes) {
  const bool was_started = dialogue_.started();
  // A publisher receives no media: what the server sends is answered by the dialogue itself.
  Status fed = dialogue_.feed(bytes, [](ClientEvent&) {});
  if (!was_started && dialogue_.started()) {
    transport()->set_deadline(RtmpTransport::Clock::time_point::max());
    spdlog::debug("{} publishing {}", options_.fields, url().stream_key);
    if (handlers_.on_publishing) handlers_.on_publishing();
  }
  return fed;
}

void RtmpPublishClient::send_metadata(const media::SharedBuffer& amf0) {
  if (!publishing()) return;
  dialogue_.send_metadata(amf0);
  request_flush();
}

void RtmpPublishClient::send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload) {
  if (!publishing()) return;
  dialogue_.send_media(kind, timestamp, payload);
  request_flush();
}

void RtmpPublishClient::collect_output(ChunkWriteBatch& batch) { dialogue_.take_output(batch); }

void RtmpPublishClient::on_closed(const std::string& reason) {
  if (stopped()) return;
  if (handlers_.on_closed) handlers_.on_closed(reason);
}

}  // namespace mmids::rtmp
