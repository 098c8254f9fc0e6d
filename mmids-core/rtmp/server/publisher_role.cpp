#include "mmids-core/rtmp/server/publisher_role.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/approval.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {

PublisherRole::PublisherRole(std::weak_ptr<RtmpServer::State> server, std::weak_ptr<ServerConnection> connection,
                             ThreadPlacement threads, endpoint::StreamRequest request, log::Fields fields,
                             std::shared_ptr<activity::ClientEntry> client)
    : server_(std::move(server)),
      connection_(std::move(connection)),
      threads_(threads),
      request_(std::move(request)),
      fields_(std::move(fields)),
      client_(std::move(client)) {}

void PublisherRole::begin(const std::string& mode) {
  if (stopped_) return;
  auto server = server_.lock();
  if (!server) return answer({Refusal{status::publish_bad_name, "server shutting down"}});
  auto admission = server->admit_publisher(request_.port, request_.app, request_.stream_key, mode,
                                           request_.connection_id, weak_from_this(), request_.peer_address);
  if (auto* refusal = std::get_if<Refusal>(&admission)) return answer({*refusal});
  const auto& entry = std::get<0>(admission);
  entry_ = entry;
  entry->connections.insert(request_.connection_id);
  admitted_ = true;
  publish_timeout_ = entry->registration.publish_timeout.value_or(server->options.publish_timeout);
  if (client_) client_->take_role(activity::ClientRole::publisher, request_.app, request_.stream_key);
  // An approver that answers at once may stop this role (a refusal) before the lease is
  // stored: it lives until then.
  const auto self = shared_from_this();
  approval_ = ask_approval(*this, entry, request_, fields_, [this](bool approved) { decided(approved); });
}

void PublisherRole::decided(bool approved) {
  if (!approved) {
    stop();
    return answer({Refusal{status::publish_bad_name, "stream key not approved"}});
  }
  auto server = server_.lock();
  auto entry = entry_.lock();
  std::optional<Refusal> refusal;
  if (!server || !entry) refusal = Refusal{status::publish_bad_name, "the stream key is no longer registered"};
  else refusal = server->claim_key(*entry, request_.stream_key, request_.connection_id, weak_from_this());
  if (refusal) {
    stop();
    return answer({std::move(refusal)});
  }
  go_live();
  answer({std::nullopt, publish_timeout_});
}

void PublisherRole::answer(PublishAnswer answer) {
  threads_.to_home([connection = connection_, role = shared_from_this(), answer = std::move(answer)] {
    if (auto live = connection.lock()) live->publish_answered(role.get(), answer);
  });
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
  if (!live_ || stopped_) return;
  auto payload = media::make_payload(stream_id_, media.kind, media.timestamp, media.payload);
  stream_->probe.on_payload(payload);
  emit(payload);
}

void PublisherRole::on_metadata(const server_event::MetadataReceived& metadata) {
  if (live_ && !stopped_) emit(media::StreamMetadata{stream_id_, metadata.amf0});
}

void PublisherRole::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (auto server = server_.lock()) {
    server->release_key(request_.port, request_.app, request_.stream_key, request_.connection_id);
  }
  if (auto entry = entry_.lock(); entry && admitted_) entry->connections.erase(request_.connection_id);
  if (live_) {
    stream_->end();
    emit(media::StreamDisconnected{stream_id_});
    spdlog::info("{} stopped publishing", fields_);
  }
  approval_.reset();
}

}  // namespace mmids::rtmp
