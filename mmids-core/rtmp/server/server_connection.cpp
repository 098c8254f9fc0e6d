#include "mmids-core/rtmp/server/server_connection.hpp"

#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"

#include <chrono>

namespace mmids::rtmp {
namespace {

constexpr size_t kCommandReadBuffer = 4096;     // connect, createStream, play: small messages
constexpr size_t kPublisherReadBuffer = 64 * 1024;
constexpr size_t kMaxWriteBatchBytes = 256 * 1024;

uint32_t uptime_ms() {
  using namespace std::chrono;
  return static_cast<uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

ServerDialogueOptions dialogue_options(const RtmpServerOptions& options) {
  ServerDialogueOptions result;
  result.channel.limits = options.decoder_limits;
  result.channel.out_chunk_size = options.out_chunk_size;
  result.window_ack_size = options.window_ack_size;
  return result;
}

}  // namespace

ServerConnection::ServerConnection(std::shared_ptr<RtmpServer::State> server, uint16_t port, uint64_t id,
                                   asio::ip::tcp::endpoint peer)
    : server_(server),
      io_(server->io),
      options_(server->options),
      port_(port),
      id_(id),
      peer_(std::move(peer)),
      fields_(log::Fields()
                  .with("port", std::to_string(port))
                  .with("conn", std::to_string(id))
                  .with("peer", net::endpoint_text(peer_))),
      dialogue_(dialogue_options(server->options), uptime_ms()),
      publish_timeout_(server->options.publish_timeout) {}

ServerConnection::~ServerConnection() = default;

std::shared_ptr<ServerConnection> ServerConnection::self() {
  return std::static_pointer_cast<ServerConnection>(shared_from_this());
}

void ServerConnection::start(std::shared_ptr<RtmpTransport> transport, bool tls) {
  // The whole way to an answered connect is bounded: a peer that sends nothing, or
  // dribbles the handshake, is gone after connect_timeout.
  transport->set_deadline(RtmpTransport::Clock::now() + options_.connect_timeout,
                          "no RTMP connect before the deadline");
  transport->set_write_timeout(options_.write_timeout);
  // Until its first bytes arrive (C0C1 or a TLS hello), a connection gets a shorter leash.
  transport->set_read_timeout(options_.first_byte_timeout);
  if (auto server = server_.lock()) set_write_batcher(server->write_batcher);
  client_ = activity::track_client(options_.activity,
                                   activity::ClientInfo{id_, activity::ClientRole::connecting, tls ? "rtmps" : "rtmp",
                                                        net::endpoint_text(peer_)});
  client_->on_kick([weak = weak_from_this()](std::string_view reason) {
    if (auto connection = weak.lock()) connection->close(reason);
  });
  attach(std::move(transport), tls);
}

void ServerConnection::on_started() {}

Status ServerConnection::on_bytes(std::span<const uint8_t> bytes) {
  if (!received_any_) {
    received_any_ = true;
    // It spoke: the connect deadline alone bounds the rest of the handshake.
    if (!dialogue_.handshake_done()) transport()->set_read_timeout(RtmpTransport::kNoTimeout);
  }
  last_received_ = std::chrono::steady_clock::now();
  if (client_) client_->counters.bytes_in += bytes.size();
  const bool handshaking = !dialogue_.handshake_done();
  Status fed = dialogue_.feed(bytes, [this](ServerEvent& event) {
    if (!closed()) std::visit([this](auto& e) { on_event(e); }, event);
  });
  if (handshaking && dialogue_.handshake_done() && !publisher_) set_read_buffer_size(kCommandReadBuffer);
  return fed;
}

void ServerConnection::collect_output(ChunkWriteBatch& batch) {
  if (viewer_) viewer_->write_queued(dialogue_, kMaxWriteBatchBytes);
  const size_t before = batch.size();
  dialogue_.take_output(batch);
  if (client_) client_->counters.bytes_out += batch.size() - before;
}

void ServerConnection::on_event(server_event::ConnectRequested& event) {
  fields_ = fields_.with("app", event.app);
  auto server = server_.lock();
  if (!server || !server->app_registered(port_, event.app)) {
    spdlog::info("{} connect refused: no publisher or watcher registered for app '{}'", fields_, event.app);
    dialogue_.reject_connect("no application named '" + event.app + "' on this port");
    close_when_flushed("connect refused");
    return;
  }
  dialogue_.accept_connect();
  spdlog::debug("{} connected", fields_);
  if (auto* transport = this->transport()) {
    transport->set_deadline(RtmpTransport::Clock::time_point::max());
    transport->set_read_timeout(options_.command_timeout);
  }
}

endpoint::StreamRequest ServerConnection::request_for(const std::string& key, const std::string& query) const {
  return endpoint::StreamRequest{id_, port_, dialogue_.app(), key, query, net::normalize(peer_.address()), peer_.port()};
}

void ServerConnection::refuse(std::string_view code, const std::string& description, bool publish) {
  spdlog::info("{} refused: {} ({})", fields_, description, code);
  if (publish) {
    dialogue_.reject_publish(code, description);
  } else {
    dialogue_.reject_play(code, description);
  }
  close_when_flushed(description);
}

void ServerConnection::on_event(server_event::PublishRequested& event) {
  fields_ = fields_.with("stream", event.stream_key);
  auto server = server_.lock();
  if (!server) return close("server gone");
  auto admission = server->admit_publisher(port_, dialogue_.app(), event.stream_key, event.mode, id_, peer_.address());
  if (auto* refusal = std::get_if<Refusal>(&admission)) return refuse(refusal->code, refusal->description, true);
  // A decision pending: the client waits silently, so no read deadline until it is made.
  transport()->set_read_timeout(RtmpTransport::kNoTimeout);
  const auto& entry = std::get<0>(admission);
  publish_timeout_ = entry->registration.publish_timeout.value_or(options_.publish_timeout);
  client_->take_role(activity::ClientRole::publisher, dialogue_.app(), event.stream_key);
  publisher_ = std::make_shared<PublisherRole>(server, entry, request_for(event.stream_key, event.query), fields_);
  publisher_->request_approval([weak = weak_from_this()](bool approved) {
    if (auto connection = weak.lock()) std::static_pointer_cast<ServerConnection>(connection)->publish_decided(approved);
  });
}

void ServerConnection::publish_decided(bool approved) {
  if (closed() || !publisher_) return;
  if (!approved) {
    publisher_->stop();
    publisher_.reset();
    return refuse(status::publish_bad_name, "stream key not approved", true);
  }
  if (auto refusal = publisher_->claim_key()) {
    publisher_->stop();
    publisher_.reset();
    return refuse(refusal->code, refusal->description, true);
  }
  dialogue_.accept_publish();
  set_read_buffer_size(kPublisherReadBuffer);
  transport()->set_read_timeout(publish_timeout_);
  publisher_->go_live();
  request_flush();
}

void ServerConnection::on_event(server_event::PlayRequested& event) {
  fields_ = fields_.with("stream", event.stream_key);
  auto server = server_.lock();
  if (!server) return close("server gone");
  auto admission = server->admit_viewer(port_, dialogue_.app(), event.stream_key, peer_.address());
  if (auto* refusal = std::get_if<Refusal>(&admission)) return refuse(refusal->code, refusal->description, false);
  transport()->set_read_timeout(RtmpTransport::kNoTimeout);  // viewers may say nothing for hours
  client_->take_role(activity::ClientRole::viewer, dialogue_.app(), event.stream_key);
  viewer_ = std::make_shared<ViewerRole>(io_, self(), std::get<0>(admission),
                                         request_for(event.stream_key, event.query), options_.viewer_limits, fields_,
                                         client_);
  viewer_->request_approval([weak = weak_from_this()](bool approved) {
    if (auto connection = weak.lock()) std::static_pointer_cast<ServerConnection>(connection)->play_decided(approved);
  });
}

void ServerConnection::play_decided(bool approved) {
  if (closed() || !viewer_) return;
  if (!approved) {
    viewer_->stop();
    viewer_.reset();
    return refuse(status::play_stream_not_found, "stream not found", false);
  }
  dialogue_.accept_play();
  viewer_->start_playing();
  request_flush();
}

void ServerConnection::fail_play(std::string_view code, const std::string& description) {
  if (closed() || !viewer_) return;
  spdlog::info("{} refused: {} ({})", fields_, description, code);
  dialogue_.fail_play(code, description);
  close_when_flushed(description);
}

void ServerConnection::end_play(const std::string& description) {
  if (closed() || !viewer_) return;
  spdlog::info("{} told the stream ended: {}", fields_, description);
  dialogue_.end_play(description);
  close_when_flushed("the stream ended: " + description);
}

void ServerConnection::on_event(server_event::StreamClosed&) {
  end_roles();
  client_->take_role(activity::ClientRole::connecting, dialogue_.app(), "");
  if (auto* transport = this->transport()) transport->set_read_timeout(options_.command_timeout);
}

void ServerConnection::on_event(server_event::MediaReceived& event) {
  if (publisher_) publisher_->on_media(event);
}

void ServerConnection::on_event(server_event::MetadataReceived& event) {
  if (publisher_) publisher_->on_metadata(event);
}

void ServerConnection::on_event(server_event::Notice& event) { spdlog::warn("{} {}", fields_, event.text); }

void ServerConnection::end_roles() {
  if (publisher_) publisher_->stop();
  if (viewer_) viewer_->stop();
  publisher_.reset();
  viewer_.reset();
}

void ServerConnection::on_closed(const std::string& reason) {
  spdlog::info("{} closed: {}", fields_, reason);
  end_roles();
  if (client_) client_->end();
  if (auto server = server_.lock()) {
    server->connections.erase(id_);
    server->count_out(net::normalize(peer_.address()));
  }
}

}  // namespace mmids::rtmp
