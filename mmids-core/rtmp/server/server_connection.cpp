#include "mmids-core/rtmp/server/server_connection.hpp"

#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"

#include <chrono>

namespace mmids::rtmp {
namespace {

// A TLS connection's own read buffer (plain ones read into their thread's).
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

ServerConnection::ServerConnection(std::shared_ptr<RtmpServer::State> server, ThreadPlacement threads,
                                   std::shared_ptr<WriteBatcher> batcher, uint16_t port, uint64_t id,
                                   asio::ip::tcp::endpoint peer)
    : server_(server),
      threads_(threads),
      apps_(server->apps),
      options_(server->options),
      port_(port),
      id_(id),
      peer_(std::move(peer)),
      fields_(log::Fields()
                  .with("port", std::to_string(port))
                  .with("conn", std::to_string(id))
                  .with("peer", net::endpoint_text(peer_))),
      dialogue_(dialogue_options(server->options), uptime_ms()) {
  set_write_batcher(std::move(batcher));
}

ServerConnection::~ServerConnection() = default;

std::shared_ptr<ServerConnection> ServerConnection::self() {
  return std::static_pointer_cast<ServerConnection>(shared_from_this());
}

void ServerConnection::track(bool tls) {
  client_ = activity::track_client(options_.activity,
                                   activity::ClientInfo{id_, activity::ClientRole::connecting,
                                                        tls ? "rtmps" : "rtmp",
                                                        net::endpoint_text(peer_)});
  client_->on_kick([weak = weak_from_this()](std::string_view reason) {
    if (auto connection = std::static_pointer_cast<ServerConnection>(weak.lock())) connection->request_close(reason);
  });
}

void ServerConnection::request_close(std::string_view reason) {
  threads_.to_home([self = self(), reason = std::string(reason)] { self->close(reason); });
}

void ServerConnection::start(std::shared_ptr<RtmpTransport> transport, bool tls) {
  // The whole way to an answered connect is bounded: a peer that sends nothing, or
  // dribbles the handshake, is gone after connect_timeout.
  transport->set_deadline(RtmpTransport::Clock::now() + options_.connect_timeout,
                          "no RTMP connect before the deadline");
  transport->set_write_timeout(options_.write_timeout);
  // Until its first bytes arrive (C0C1 or a TLS hello), a connection gets a shorter leash.
  transport->set_read_timeout(options_.first_byte_timeout);
  attach(std::move(transport), tls);
}

void ServerConnection::on_started() {}

Status ServerConnection::on_bytes(std::span<const uint8_t> bytes) {
  if (!received_any_) {
    received_any_ = true;
    // It spoke: the connect deadline alone bounds the rest of the handshake.
    if (!dialogue_.handshake_done()) transport()->set_read_timeout(RtmpTransport::kNoTimeout);
  }
  last_received_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  if (client_) client_->counters.add_in(bytes.size());
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
  if (client_) client_->counters.add_out(batch.size() - before);
}

void ServerConnection::on_event(server_event::ConnectRequested& event) {
  fields_ = fields_.with("app", event.app);
  // Answered here, not on the main thread: a client may send its next commands with the
  // connect, and they must find it answered.
  if (!apps_->contains(port_, event.app)) {
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
  // A decision pending: the client waits silently, so no read deadline until it is made.
  transport()->set_read_timeout(RtmpTransport::kNoTimeout);
  publisher_ = std::make_shared<PublisherRole>(server_, self(), threads_, request_for(event.stream_key, event.query),
                                               fields_, client_);
  threads_.to_main([role = publisher_, mode = event.mode] { role->begin(mode); });
}

void ServerConnection::publish_answered(const PublisherRole* role, const PublishAnswer& answer) {
  if (closed() || !publisher_ || publisher_.get() != role || publishing_) return;
  if (answer.refusal) {
    publisher_.reset();  // stopped on the main thread already
    return refuse(answer.refusal->code, answer.refusal->description, true);
  }
  publishing_ = true;
  dialogue_.accept_publish();
  set_read_buffer_size(kPublisherReadBuffer);
  transport()->pace_reads(options_.read_batch);
  transport()->set_read_timeout(answer.publish_timeout);
  request_flush();
}

void ServerConnection::on_event(server_event::PlayRequested& event) {
  fields_ = fields_.with("stream", event.stream_key);
  transport()->set_read_timeout(RtmpTransport::kNoTimeout);  // viewers may say nothing for hours
  viewer_ = std::make_shared<ViewerRole>(threads_, self(), id_, options_.viewer_limits, client_);
  admission_ = std::make_shared<ViewerAdmission>(server_, self(), threads_, viewer_,
                                                 request_for(event.stream_key, event.query), fields_, client_);
  threads_.to_main([admission = admission_] { admission->begin(); });
}

void ServerConnection::play_answered(const ViewerAdmission* admission, const PlayAnswer& answer) {
  if (closed() || !admission_ || admission_.get() != admission) return;
  if (answer.refusal) {
    viewer_->stop();
    viewer_.reset();
    admission_.reset();  // stopped on the main thread already
    return refuse(answer.refusal->code, answer.refusal->description, false);
  }
  dialogue_.accept_play();
  viewer_->start_playing(answer.start_timeout);
  threads_.to_main([admission = admission_] { admission->join(); });
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
  threads_.to_main([client = client_, app = dialogue_.app()] {
    if (client) client->take_role(activity::ClientRole::connecting, app, "");
  });
  if (auto* transport = this->transport()) transport->set_read_timeout(options_.command_timeout);
}

void ServerConnection::on_event(server_event::MediaReceived& event) {
  // One hand-off per packet to the main thread, where the registrant is (a reference to
  // the payload's one buffer travels, not the bytes).
  if (publishing_) threads_.to_main([role = publisher_, media = event] { role->on_media(media); });
}

void ServerConnection::on_event(server_event::MetadataReceived& event) {
  if (publishing_) threads_.to_main([role = publisher_, metadata = event] { role->on_metadata(metadata); });
}

void ServerConnection::on_event(server_event::Notice& event) { spdlog::warn("{} {}", fields_, event.text); }

void ServerConnection::end_roles() {
  if (viewer_) viewer_->stop();
  // The main-thread sides stop there, after whatever was handed to them before.
  if (publisher_ || admission_) {
    threads_.to_main([publisher = std::move(publisher_), admission = std::move(admission_)] {
      if (publisher) publisher->stop();
      if (admission) admission->stop();
    });
  }
  publishing_ = false;
  viewer_.reset();
}

void ServerConnection::on_closed(const std::string& reason) {
  spdlog::info("{} closed: {}", fields_, reason);
  end_roles();
  threads_.to_main([server = server_, client = client_, id = id_, address = net::normalize(peer_.address())] {
    if (client) client->end();
    if (auto state = server.lock()) {
      state->connections.erase(id);
      state->count_out(address);
    }
  });
}

}  // namespace mmids::rtmp
