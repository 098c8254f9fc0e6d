#include "steps/ffmpeg_pull/rtmp_pull_source.hpp"

namespace mmids::steps {

RtmpPullSource::RtmpPullSource(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PlayClientOptions options)
    : io_(io), url_(std::move(url)), options_(std::move(options)) {}

RtmpPullSource::~RtmpPullSource() { stop(); }

void RtmpPullSource::start(Handlers handlers) {
  stop();
  rtmp::RtmpPlayClient::Handlers client_handlers;
  client_handlers.on_playing = handlers.on_started;
  client_handlers.on_metadata = handlers.on_metadata;
  client_handlers.on_media = handlers.on_media;
  client_handlers.on_closed = handlers.on_ended;
  client_ = rtmp::RtmpPlayClient::create(io_, url_, options_, std::move(client_handlers));
  client_->start();
}

void RtmpPullSource::stop() {
  if (client_) client_->stop();
  client_.reset();
}

}  // namespace mmids::steps
