#include "tools/bench/load/publisher.hpp"

namespace mmids::bench {
namespace {

uint64_t nanoseconds_of(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace

Publisher::Publisher(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PublishClientOptions options,
                     std::unique_ptr<TagSource> source, PublisherRecord& record, PublishShard& shard)
    : timer_(io), source_(std::move(source)), record_(record), shard_(shard) {
  rtmp::RtmpPublishClient::Handlers handlers;
  handlers.on_publishing = [this] { on_publishing(); };
  handlers.on_closed = [this](const std::string& reason) { on_closed(reason); };
  client_ = rtmp::RtmpPublishClient::create(io, std::move(url), std::move(options), std::move(handlers));
}

void Publisher::start() {
  record_.on_connect(Clock::now());
  shard_.started.add(1);
  client_->start();
}

void Publisher::stop() {
  ended_ = true;
  timer_.cancel();
  client_->stop();
}

void Publisher::on_publishing() {
  const auto now = Clock::now();
  record_.on_publish_start(now);
  shard_.publishing.add(1);
  origin_ = now;
  if (!source_->metadata().empty()) client_->send_metadata(source_->metadata());
  for (const auto& header : source_->sequence_headers()) send(header, now);
  send_due();
}

void Publisher::on_closed(const std::string& reason) {
  ended_ = true;
  timer_.cancel();
  record_.failure = reason;
  shard_.failed.add(1);
}

void Publisher::send(const OutgoingTag& tag, Clock::time_point now) {
  client_->send_media(tag.kind, tag.timestamp_ms, tag.body);
  record_.on_sent(tag.kind, tag.body.size(), client_->backlog_bytes(), now, *shard_.window);
  shard_.bytes.add(tag.body.size());
}

void Publisher::send_due() {
  if (ended_) return;
  const auto now = Clock::now();
  const auto due_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - origin_).count();
  while (static_cast<int64_t>(source_->next_timestamp()) <= due_ms) send(source_->take(nanoseconds_of(now)), now);
  if (client_->backlog_bytes() > kMaxBacklogBytes) {
    client_->close("the server does not take the stream (" + std::to_string(kMaxBacklogBytes >> 20) +
                   " MiB queued)");
    return;
  }
  timer_.expires_at(origin_ + std::chrono::milliseconds(source_->next_timestamp()));
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (!error && self) self->send_due();
  });
}

}  // namespace mmids::bench
