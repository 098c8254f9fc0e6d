#include "mmids-core/rtmp/server/publisher_role.hpp"

#include "mmids-core/rtmp/protocol/status_codes.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/server/approval.hpp"

namespace mmids::rtmp {

PublisherRole::PublisherRole(std::weak_ptr<RtmpServer::State> server, std::shared_ptr<PublisherEntry> entry,
                             endpoint::StreamRequest request, log::Fields fields)
    : server_(std::move(server)), entry_(entry), request_(std::move(request)), fields_(std::move(fields)) {
  entry->connections.insert(request_.connection_id);
}

void PublisherRole::request_approval(std::function<void(bool)> decided) {
  // An approver that answers at once may have the connection drop this role (a refusal)
  // before the lease is stored: it lives until then.
  const auto self = shared_from_this();
  approval_ = ask_approval(*this, entry_.lock(), request_, fields_, std::move(decided));
}

void PublisherRole::go_live() {
  if (live_ || stopped_) return;
  live_ = true;
  stream_id_ = media::next_stream_id();
  auto server = server_.lock();
  stream_ = activity::track_stream(server ? server->options.activity : nullptr,
                                   activity::StreamInfo{request_.stream_key, "rtmp",
                                                        net::endpoint_text(request_.peer_address, request_.peer_port)});
  spdlog::info("{} publishing", fields_);
  emit(media::NewStream{stream_id_, request_.stream_key});
}

void PublisherRole::emit(const media::MediaNotification& notification) {
  auto entry = entry_.lock();
  if (entry && entry->registration.on_media) entry->registration.on_media(notification);
}

void PublisherRole::on_media(const server_event::MediaReceived& media) {
  if (!live_) return;
  auto payload = media::make_payload(stream_id_, media.kind, media.timestamp, media.payload);
  stream_->probe.on_payload(payload);
  emit(payload);
}

void PublisherRole::on_metadata(const server_event::MetadataReceived& metadata) {
  if (live_) emit(media::StreamMetadata{stream_id_, metadata.amf0});
}

std::optional<Refusal> PublisherRole::claim_key() {
  auto server = server_.lock();
  auto entry = entry_.lock();
  if (!server || !entry) return Refusal{status::publish_bad_name, "the stream key is no longer registered"};
  return server->claim_key(*entry, request_.stream_key, request_.connection_id);
}

void PublisherRole::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (auto server = server_.lock()) {
    server->release_key(request_.port, request_.app, request_.stream_key, request_.connection_id);
  }
  if (auto entry = entry_.lock()) entry->connections.erase(request_.connection_id);
  if (live_) {
    stream_->end();
    emit(media::StreamDisconnected{stream_id_});
    spdlog::info("{} stopped publishing", fields_);
  }
  approval_.reset();
}

}  // namespace mmids::rtmp
