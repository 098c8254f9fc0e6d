#include "mmids-core/rtmp/server/server_session.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"

#include <chrono>

namespace mmids::rtmp {
namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr size_t kMaxWriteBatchBytes = 256 * 1024;

// "key?token=x" publishes and plays as "key": query strings carry credentials, not names.
std::string strip_query(std::string_view text) { return std::string(text.substr(0, text.find('?'))); }

std::string app_from_connect(const Command& command) {
  std::string app = std::string(command.command_object.get("app").string_or(""));
  app = strip_query(app);
  while (!app.empty() && app.back() == '/') app.pop_back();
  return app;
}

uint32_t now_ms() {
  using namespace std::chrono;
  return static_cast<uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace

ServerSession::ServerSession(std::shared_ptr<RtmpServer::State> server, RtmpTransport transport, uint16_t port,
                             uint64_t connection_id)
    : server_(server),
      transport_(std::move(transport)),
      port_(port),
      connection_id_(connection_id),
      decoder_(server->options.decoder_limits),
      queue_(server->options.viewer_limits),
      wake_writer_(server->io),
      connect_deadline_(server->io) {
  boost::system::error_code error;
  peer_ = transport_.socket().remote_endpoint(error);
  fields_ = log::Fields()
                .with("port", std::to_string(port_))
                .with("conn", std::to_string(connection_id_))
                .with("peer", peer_.address().to_string() + ":" + std::to_string(peer_.port()));
}

ServerSession::~ServerSession() = default;

void ServerSession::start() {
  auto self = shared_from_this();
  if (auto server = server_.lock()) {
    connect_deadline_.expires_after(server->options.connect_timeout);
    connect_deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      auto session = weak.lock();
      if (!error && session && !session->connected_) session->close("no RTMP connect before the deadline");
    });
  }
  asio::co_spawn(transport_.socket().get_executor(), [self]() { return self->read_loop(); }, asio::detached);
  asio::co_spawn(transport_.socket().get_executor(), [self]() { return self->write_loop(); }, asio::detached);
}

asio::awaitable<bool> ServerSession::run_handshake(std::vector<uint8_t>& buffer) {
  co_await transport_.handshake(/*server=*/true);
  ServerHandshake handshake(now_ms());
  while (!handshake.done()) {
    const size_t read = co_await transport_.read_some(asio::buffer(buffer));
    auto reply = handshake.feed(std::span<const uint8_t>(buffer.data(), read));
    if (!reply.ok()) {
      close("bad handshake: " + reply.error());
      co_return false;
    }
    if (!reply->empty()) co_await transport_.write(asio::buffer(*reply));
  }
  auto leftover = handshake.take_leftover();
  std::vector<RtmpMessage> messages;
  if (!leftover.empty()) {
    if (auto status = decoder_.feed(leftover, messages); !status.ok()) {
      close("bad chunk stream: " + status.error());
      co_return false;
    }
    for (const auto& message : messages) {
      if (auto status = handle_message(message); !status.ok()) {
        close(status.error());
        co_return false;
      }
    }
  }
  co_return true;
}

asio::awaitable<void> ServerSession::read_loop() {
  std::vector<uint8_t> buffer(kReadBufferSize);
  try {
    if (!co_await run_handshake(buffer)) co_return;
    std::vector<RtmpMessage> messages;
    while (!closed_) {
      const size_t read = co_await transport_.read_some(asio::buffer(buffer));
      messages.clear();
      if (auto status = decoder_.feed(std::span<const uint8_t>(buffer.data(), read), messages); !status.ok()) {
        close("bad chunk stream: " + status.error());
        co_return;
      }
      for (const auto& message : messages) {
        if (closed_) co_return;
        if (auto status = handle_message(message); !status.ok()) {
          close(status.error());
          co_return;
        }
      }
      send_acknowledgement_if_due();
    }
  } catch (const boost::system::system_error& error) {
    const auto code = error.code();
    const bool ordinary = code == asio::error::eof || code == asio::error::connection_reset ||
                          code == asio::error::operation_aborted || code == asio::ssl::error::stream_truncated;
    close(ordinary ? "connection closed by peer" : "read failed: " + code.message());
  }
}

asio::awaitable<void> ServerSession::write_loop() {
  try {
    while (!closed_) {
      if (queue_.empty()) {
        if (close_when_flushed_) {
          close(close_reason_);
          co_return;
        }
        wake_writer_.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        co_await wake_writer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        continue;
      }
      ChunkWriteBatch batch;
      while (!queue_.empty() && batch.size() < kMaxWriteBatchBytes) {
        QueuedMessage entry = queue_.pop();
        encoder_.encode(entry.message, batch);
        // The peer reads Set Chunk Size with the old size; what follows uses the new one.
        if (entry.message.type_id == message_type::set_chunk_size) {
          if (auto size = parse_set_chunk_size(entry.message); size.ok()) encoder_.set_chunk_size(*size);
        }
      }
      co_await transport_.write(batch.buffers());
    }
  } catch (const boost::system::system_error& error) {
    close("write failed: " + error.code().message());
  }
}

void ServerSession::enqueue(RtmpMessage message, QueuedKind kind) {
  if (closed_) return;
  if (queue_.push(QueuedMessage{std::move(message), kind}, ViewerQueue::Clock::now()) ==
      ViewerQueue::Verdict::Disconnect) {
    // Posted: we are inside the stream's fan-out loop, which closing would disturb.
    const std::string reason = "viewer too slow: stayed behind its " + std::to_string(queue_.bytes()) +
                               " byte queue, " + std::to_string(queue_.dropped()) + " packets dropped";
    asio::post(wake_writer_.get_executor(), [weak = weak_from_this(), reason] {
      if (auto session = weak.lock()) session->close(reason);
    });
    return;
  }
  wake_writer_.cancel();
}

void ServerSession::send_acknowledgement_if_due() {
  if (peer_ack_window_ == 0) return;
  if (decoder_.bytes_received() - acknowledged_bytes_ < peer_ack_window_) return;
  acknowledged_bytes_ = decoder_.bytes_received();
  enqueue(make_acknowledgement(static_cast<uint32_t>(acknowledged_bytes_)));
}

Status ServerSession::handle_message(const RtmpMessage& message) {
  switch (message.type_id) {
    case message_type::set_chunk_size:
    case message_type::abort:
    case message_type::acknowledgement:
    case message_type::set_peer_bandwidth:
      return {};  // the decoder applied chunk size and abort; the rest needs nothing from us
    case message_type::window_ack_size: {
      auto window = parse_window_ack_size(message);
      if (!window.ok()) return protocol_error(window.error());
      peer_ack_window_ = *window;
      return {};
    }
    case message_type::user_control: {
      auto event = parse_user_control(message);
      if (!event.ok()) return protocol_error(event.error());
      if (event->event == UserControlEvent::PingRequest) enqueue(make_ping_response(event->value));
      return {};
    }
    case message_type::command_amf0:
    case message_type::command_amf3:
      return handle_command(message);
    case message_type::audio:
    case message_type::video:
      return on_media_message(message);
    case message_type::data_amf0:
    case message_type::data_amf3:
      return on_data_message(message);
    case message_type::aggregate: {
      auto parts = split_aggregate(message);
      if (!parts.ok()) return protocol_error("bad aggregate message: " + parts.error());
      for (const auto& part : *parts) {
        if (auto status = handle_message(part); !status.ok()) return status;
      }
      return {};
    }
    default:
      return {};  // shared objects and unknown types: ignored, as other servers do
  }
}

Status ServerSession::handle_command(const RtmpMessage& message) {
  auto parsed = parse_command(message);
  if (!parsed.ok()) return protocol_error("bad command: " + parsed.error());
  const Command& command = *parsed;
  const std::string_view name = command.name;
  if (name == command_name::connect) {
    on_connect(command);
  } else if (!connected_) {
    return protocol_error("command '" + command.name + "' before connect");
  } else if (name == command_name::create_stream) {
    on_create_stream(command);
  } else if (name == command_name::publish) {
    on_publish(command, message.message_stream_id);
  } else if (name == command_name::play) {
    on_play(command, message.message_stream_id);
  } else if (name == command_name::delete_stream || name == command_name::close_stream ||
             name == command_name::fc_unpublish) {
    on_stream_closed();
  } else if (name == command_name::get_stream_length) {
    // ffmpeg reads a number here (0: a live stream has no length) and fails on anything else.
    if (command.transaction_id != 0) {
      enqueue(make_result(0, command.transaction_id, Amf0Value::null(), std::vector{Amf0Value::number(0)}));
    }
  } else if (name == command_name::release_stream || name == command_name::fc_publish) {
    if (command.transaction_id != 0) {
      enqueue(make_result(0, command.transaction_id, Amf0Value::null(), std::vector{Amf0Value::undefined()}));
    }
  }
  // Anything else (receiveAudio, _checkbw, custom calls) needs no answer to play or publish.
  return {};
}

void ServerSession::on_connect(const Command& command) {
  if (connected_) return;
  app_ = app_from_connect(command);
  fields_ = fields_.with("app", app_);
  auto server = server_.lock();
  if (!server || !server->app_registered(port_, app_)) {
    spdlog::info("{} connect refused: no publisher or watcher registered for app '{}'", fields_, app_);
    enqueue(make_error(0, command.transaction_id, Amf0Value::null(),
                       std::vector{make_status_info(status::level_error, status::connect_rejected,
                                                    "no application named '" + app_ + "' on this port")}));
    close_when_flushed_ = true;
    close_reason_ = "connect refused";
    wake_writer_.cancel();
    return;
  }
  connected_ = true;
  connect_deadline_.cancel();
  spdlog::debug("{} connected", fields_);
  enqueue(make_window_ack_size(server->options.window_ack_size));
  enqueue(make_set_peer_bandwidth(server->options.window_ack_size, PeerBandwidthLimit::Dynamic));
  enqueue(make_set_chunk_size(server->options.out_chunk_size));
  Amf0Value properties = Amf0Value::object();
  properties.set("fmsVer", Amf0Value::string("FMS/3,0,1,123"));
  properties.set("capabilities", Amf0Value::number(31));
  Amf0Value info = make_status_info(status::level_status, status::connect_success, "Connection succeeded.");
  info.set("objectEncoding", Amf0Value::number(command.command_object.get("objectEncoding").number_or(0)));
  enqueue(make_result(0, command.transaction_id, properties, std::vector{info}));
  enqueue(make_on_bw_done());
}

void ServerSession::on_create_stream(const Command& command) {
  const uint32_t stream_id = next_stream_id_++;
  enqueue(make_result(0, command.transaction_id, Amf0Value::null(),
                      std::vector{Amf0Value::number(static_cast<double>(stream_id))}));
}

void ServerSession::reject(std::string_view code, std::string_view description) {
  spdlog::info("{} refused: {} ({})", fields_, description, code);
  enqueue(make_on_status(message_stream_id_, status::level_error, code, description));
  close_when_flushed_ = true;
  close_reason_ = std::string(description);
  wake_writer_.cancel();
}

void ServerSession::on_publish(const Command& command, uint32_t message_stream_id) {
  if (role_ != Role::None) return;  // one stream per connection
  message_stream_id_ = message_stream_id;
  stream_key_ = command.arguments.empty() ? "" : strip_query(command.arguments[0].string_or(""));
  const std::string mode = command.arguments.size() > 1 ? std::string(command.arguments[1].string_or("live")) : "live";
  fields_ = fields_.with("stream", stream_key_);
  auto server = server_.lock();
  if (!server) return close("server gone");
  if (stream_key_.empty()) return reject(status::publish_bad_name, "empty stream key");
  if (mode != "live") return reject(status::publish_bad_name, "only live publishing is supported, not '" + mode + "'");
  auto entry = server->find_publisher(port_, app_, stream_key_);
  if (!entry) return reject(status::publish_bad_name, "no publisher registration for this stream key");
  if (!server->claim_key(port_, app_, stream_key_, connection_id_)) {
    return reject(status::publish_bad_name, "stream key is already being published");
  }
  if (!entry->registration.ip_rules.permits(peer_.address())) {
    server->release_key(port_, app_, stream_key_, connection_id_);
    return reject(status::publish_denied, "publisher address not allowed");
  }
  request_approval(entry, Role::PublishPending, &ServerSession::decide_publish);
}

void ServerSession::decide_publish(const std::shared_ptr<PublisherEntry>& entry, bool approved) {
  if (approved) return start_publishing(entry);
  if (auto server = server_.lock()) server->release_key(port_, app_, stream_key_, connection_id_);
  role_ = Role::None;
  reject(status::publish_bad_name, "stream key not approved");
}

template <typename Entry>
void ServerSession::request_approval(const std::shared_ptr<Entry>& entry, Role pending,
                                     void (ServerSession::*decide)(const std::shared_ptr<Entry>&, bool)) {
  role_ = pending;
  entry->sessions.insert(connection_id_);
  if (!entry->registration.approve) return (this->*decide)(entry, true);
  const uint64_t generation = ++request_generation_;
  StreamRequest request{connection_id_, port_, app_, stream_key_, peer_.address(), peer_.port()};
  spdlog::debug("{} waiting for approval", fields_);
  auto on_answer = [weak = weak_from_this(), weak_entry = std::weak_ptr(entry), generation, pending, decide](bool ok) {
    auto session = weak.lock();
    auto entry = weak_entry.lock();
    // Answers for a request the session no longer waits for (closed, stopped, asked anew) are dropped.
    if (!session || session->closed_ || session->request_generation_ != generation || session->role_ != pending) return;
    if (!entry) return session->close("registration removed");
    ((*session).*decide)(entry, ok);
  };
  approval_lease_ = entry->registration.approve(request, std::move(on_answer));
}

void ServerSession::start_publishing(const std::shared_ptr<PublisherEntry>& entry) {
  role_ = Role::Publishing;
  publisher_entry_ = entry;
  media_stream_id_ = media::next_stream_id();
  enqueue(make_stream_begin(message_stream_id_));
  enqueue(make_on_status(message_stream_id_, status::level_status, status::publish_start,
                         stream_key_ + " is now published."));
  spdlog::info("{} publishing", fields_);
  if (entry->registration.on_media) entry->registration.on_media(media::NewStream{media_stream_id_, stream_key_});
}

void ServerSession::on_play(const Command& command, uint32_t message_stream_id) {
  if (role_ != Role::None) return;
  message_stream_id_ = message_stream_id;
  stream_key_ = command.arguments.empty() ? "" : strip_query(command.arguments[0].string_or(""));
  fields_ = fields_.with("stream", stream_key_);
  auto server = server_.lock();
  if (!server) return close("server gone");
  auto entry = server->find_watcher(port_, app_, stream_key_);
  if (!entry || stream_key_.empty()) return reject(status::play_stream_not_found, "no such stream to watch");
  if (!entry->registration.ip_rules.permits(peer_.address())) {
    return reject(status::play_failed, "viewer address not allowed");
  }
  request_approval(entry, Role::PlayPending, &ServerSession::decide_play);
}

void ServerSession::decide_play(const std::shared_ptr<WatcherEntry>& entry, bool approved) {
  if (approved) return start_playing(entry);
  role_ = Role::None;
  reject(status::play_stream_not_found, "stream not found");
}

void ServerSession::start_playing(const std::shared_ptr<WatcherEntry>& entry) {
  role_ = Role::Playing;
  watcher_entry_ = entry;
  enqueue(make_stream_is_recorded(message_stream_id_));
  enqueue(make_stream_begin(message_stream_id_));
  enqueue(make_on_status(message_stream_id_, status::level_status, status::play_reset, "Playing and resetting."));
  enqueue(make_on_status(message_stream_id_, status::level_status, status::play_start, "Started playing."));
  enqueue(make_sample_access(message_stream_id_));
  enqueue(make_on_status(message_stream_id_, status::level_status, status::data_start, "Started playing."));
  spdlog::info("{} playing", fields_);
  if (entry->registration.on_viewer_joined) entry->registration.on_viewer_joined(shared_from_this(), stream_key_);
}

void ServerSession::on_stream_closed() {
  if (role_ == Role::Publishing) {
    enqueue(make_on_status(message_stream_id_, status::level_status, status::unpublish_success,
                           stream_key_ + " is now unpublished."));
  }
  stop_role();
}

void ServerSession::stop_role() {
  auto server = server_.lock();
  if (role_ == Role::Publishing || role_ == Role::PublishPending) {
    if (server) server->release_key(port_, app_, stream_key_, connection_id_);
    if (auto entry = publisher_entry_.lock()) {
      entry->sessions.erase(connection_id_);
      if (role_ == Role::Publishing && entry->registration.on_media) {
        entry->registration.on_media(media::StreamDisconnected{media_stream_id_});
      }
    }
    if (role_ == Role::Publishing) spdlog::info("{} stopped publishing", fields_);
  } else if (role_ == Role::Playing || role_ == Role::PlayPending) {
    if (auto entry = watcher_entry_.lock()) {
      entry->sessions.erase(connection_id_);
      if (role_ == Role::Playing && entry->registration.on_viewer_left) {
        entry->registration.on_viewer_left(connection_id_, stream_key_);
      }
    }
    if (role_ == Role::Playing) spdlog::info("{} stopped playing", fields_);
  }
  role_ = Role::None;
  ++request_generation_;
  publisher_entry_.reset();
  watcher_entry_.reset();
  approval_lease_.reset();
}

Status ServerSession::on_media_message(const RtmpMessage& message) {
  if (role_ != Role::Publishing) return {};  // before approval, media is dropped
  auto entry = publisher_entry_.lock();
  if (!entry || !entry->registration.on_media || message.payload.empty()) return {};
  const auto kind = message.type_id == message_type::video ? media::MediaKind::Video : media::MediaKind::Audio;
  entry->registration.on_media(media::make_payload(media_stream_id_, kind, message.timestamp, message.payload));
  return {};
}

Status ServerSession::on_data_message(const RtmpMessage& message) {
  if (role_ != Role::Publishing) return {};
  auto metadata = parse_metadata(message);
  if (!metadata.ok()) {
    spdlog::warn("{} ignoring a malformed data message: {}", fields_, metadata.error());
    return {};
  }
  if (!metadata->has_value()) return {};
  auto entry = publisher_entry_.lock();
  if (entry && entry->registration.on_media) {
    entry->registration.on_media(media::StreamMetadata{media_stream_id_, (*metadata)->encoded});
  }
  return {};
}

void ServerSession::send(const media::MediaNotification& notification) {
  if (closed_ || role_ != Role::Playing) return;
  if (std::holds_alternative<media::NewStream>(notification)) {
    timestamps_.new_stream();
    queue_.wait_for_keyframe();
    return;
  }
  if (const auto* metadata = std::get_if<media::StreamMetadata>(&notification)) {
    enqueue(make_metadata_message(message_stream_id_, metadata->amf0), QueuedKind::Metadata);
    return;
  }
  const auto* payload = std::get_if<media::MediaPayload>(&notification);
  if (!payload) return;  // StreamDisconnected: the viewer stays, waiting for the stream to return
  RtmpMessage message;
  message.chunk_stream_id = payload->is_video() ? chunk_stream::video : chunk_stream::audio;
  message.type_id = payload->is_video() ? message_type::video : message_type::audio;
  message.message_stream_id = message_stream_id_;
  message.timestamp = timestamps_.apply(payload->timestamp_ms);
  message.payload = payload->data;
  QueuedKind kind = payload->is_sequence_header ? QueuedKind::SequenceHeader
                    : !payload->is_video()      ? QueuedKind::Audio
                    : payload->is_keyframe      ? QueuedKind::VideoKeyframe
                                                : QueuedKind::VideoFrame;
  enqueue(std::move(message), kind);
}

void ServerSession::close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  spdlog::info("{} closed: {}", fields_, reason);
  cleanup();
  transport_.close();
  wake_writer_.cancel();
  connect_deadline_.cancel();
}

void ServerSession::cleanup() {
  stop_role();
  if (auto server = server_.lock()) server->sessions.erase(connection_id_);
}

}  // namespace mmids::rtmp
