#include "tools/bench/load/player.hpp"

namespace mmids::bench {

Player::Player(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PlayClientOptions options, PlayerRecord& record,
               PlayShard& shard)
    : record_(record), shard_(shard) {
  rtmp::RtmpPlayClient::Handlers handlers;
  handlers.on_playing = [this] { on_playing(); };
  handlers.on_media = [this](media::MediaKind kind, uint32_t, const media::SharedBuffer& body) { on_media(kind, body); };
  handlers.on_closed = [this](const std::string& reason) { on_closed(reason); };
  client_ = rtmp::RtmpPlayClient::create(io, std::move(url), std::move(options), std::move(handlers));
}

void Player::start() {
  record_.on_connect(Clock::now());
  shard_.started.add(1);
  client_->start();
}

void Player::stop() {
  if (ended_) return;
  ended_ = true;
  record_.on_finish(Clock::now());
  client_->stop();
}

void Player::on_playing() {
  record_.on_play_start(Clock::now());
  shard_.playing.add(1);
}

void Player::on_media(media::MediaKind kind, const media::SharedBuffer& body) {
  const bool had_keyframe = record_.to_first_keyframe.has_value();
  record_.on_media(kind, body.span(), Clock::now(), *shard_.window, &shard_.latency_ns);
  shard_.media_bytes.add(body.size());
  if (!had_keyframe && record_.to_first_keyframe) shard_.keyframes.add(1);
}

void Player::on_closed(const std::string& reason) {
  ended_ = true;
  record_.on_failure(reason, Clock::now());
  shard_.failed.add(1);
}

}  // namespace mmids::bench
