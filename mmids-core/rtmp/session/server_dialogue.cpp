#include "mmids-core/rtmp/session/server_dialogue.hpp"

#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"

namespace mmids::rtmp {
namespace {

// "key?token=x" -> "key" and "token=x": query strings carry credentials, not names.
std::pair<std::string, std::string> split_query(std::string_view text) {
  const size_t mark = text.find('?');
  if (mark == std::string_view::npos) return {std::string(text), {}};
  return {std::string(text.substr(0, mark)), std::string(text.substr(mark + 1))};
}

std::string app_from_connect(const Command& command) {
  std::string app = split_query(command.command_object.get("app").string_or("")).first;
  while (!app.empty() && app.back() == '/') app.pop_back();
  return app;
}

}  // namespace

ServerDialogue::ServerDialogue(ServerDialogueOptions options, uint32_t uptime_ms)
    : options_(options), channel_(RtmpChannel::Side::Server, options.channel, uptime_ms) {}

Status ServerDialogue::feed(std::span<const uint8_t> bytes, const ServerEventSink& on_event) {
  messages_.clear();
  Status fed = channel_.feed(bytes, messages_);
  for (const auto& message : messages_) {
    if (state_ == State::Refused) break;  // nothing said after a refusal matters
    if (auto status = on_message(message, on_event); !status.ok()) return status;
  }
  return fed;
}

void ServerDialogue::emit(const ServerEventSink& on_event, ServerEvent event) { on_event(event); }

Status ServerDialogue::on_message(const RtmpMessage& message, const ServerEventSink& on_event) {
  switch (message.type_id) {
    case message_type::command_amf0:
    case message_type::command_amf3:
      return on_command(message, on_event);
    case message_type::audio:
    case message_type::video:
      // Before the publish is accepted (and from players) media goes nowhere.
      if (state_ == State::Publishing && !message.payload.empty()) {
        emit(on_event, server_event::MediaReceived{media_kind_of(message.type_id), message.timestamp, message.payload});
      }
      return {};
    case message_type::data_amf0:
    case message_type::data_amf3:
      on_data(message, on_event);
      return {};
    default:
      return {};  // user control from clients, shared objects, unknown types: ignored, as other servers do
  }
}

Status ServerDialogue::on_command(const RtmpMessage& message, const ServerEventSink& on_event) {
  auto parsed = parse_command(message);
  if (!parsed.ok()) return Error("bad command: " + parsed.error());
  const Command& command = *parsed;
  const std::string_view name = command.name;
  if (name == command_name::connect) {
    on_connect(command, on_event);
    return {};
  }
  if (state_ == State::AwaitingConnect) return Error("command '" + command.name + "' before connect");
  if (name == command_name::create_stream) {
    channel_.send(make_result(0, command.transaction_id, Amf0Value::null(),
                              std::vector{Amf0Value::number(static_cast<double>(next_stream_id_++))}));
  } else if (name == command_name::publish || name == command_name::play) {
    on_stream_request(command, message.message_stream_id, name == command_name::publish, on_event);
  } else if (name == command_name::delete_stream || name == command_name::close_stream ||
             name == command_name::fc_unpublish) {
    on_stream_closed(on_event);
  } else if (name == command_name::get_stream_length) {
    // ffmpeg reads a number here (0: a live stream has no length) and fails on anything else.
    if (command.transaction_id != 0) {
      channel_.send(make_result(0, command.transaction_id, Amf0Value::null(), std::vector{Amf0Value::number(0)}));
    }
  } else if (name == command_name::release_stream || name == command_name::fc_publish) {
    if (command.transaction_id != 0) {
      channel_.send(make_result(0, command.transaction_id, Amf0Value::null(), std::vector{Amf0Value::undefined()}));
    }
  }
  // Anything else (receiveAudio, _checkbw, custom calls) needs no answer to play or publish.
  return {};
}

void ServerDialogue::on_connect(const Command& command, const ServerEventSink& on_event) {
  if (state_ != State::AwaitingConnect) return;
  app_ = app_from_connect(command);
  connect_transaction_ = command.transaction_id;
  object_encoding_ = command.command_object.get("objectEncoding").number_or(0);
  state_ = State::ConnectPending;
  emit(on_event, server_event::ConnectRequested{app_, std::string(command.command_object.get("tcUrl").string_or(""))});
}

void ServerDialogue::accept_connect() {
  if (state_ != State::ConnectPending) return;
  state_ = State::Connected;
  channel_.send(make_window_ack_size(options_.window_ack_size));
  channel_.send(make_set_peer_bandwidth(options_.window_ack_size, PeerBandwidthLimit::Dynamic));
  channel_.set_out_chunk_size();
  Amf0Value properties = Amf0Value::object();
  properties.set("fmsVer", Amf0Value::string("FMS/3,0,1,123"));
  properties.set("capabilities", Amf0Value::number(31));
  Amf0Value info = make_status_info(status::level_status, status::connect_success, "Connection succeeded.");
  info.set("objectEncoding", Amf0Value::number(object_encoding_));
  channel_.send(make_result(0, connect_transaction_, properties, std::vector{info}));
  channel_.send(make_on_bw_done());
}

void ServerDialogue::reject_connect(std::string_view description) {
  if (state_ != State::ConnectPending) return;
  state_ = State::Refused;
  channel_.send(make_error(0, connect_transaction_, Amf0Value::null(),
                           std::vector{make_status_info(status::level_error, status::connect_rejected, description)}));
}

void ServerDialogue::on_stream_request(const Command& command, uint32_t message_stream_id, bool publish,
                                       const ServerEventSink& on_event) {
  if (state_ != State::Connected) return;  // one stream per connection
  message_stream_id_ = message_stream_id;
  auto [key, query] = split_query(command.arguments.empty() ? "" : command.arguments[0].string_or(""));
  stream_key_ = key;
  if (publish) {
    state_ = State::PublishPending;
    std::string mode = command.arguments.size() > 1 ? std::string(command.arguments[1].string_or("live")) : "live";
    emit(on_event, server_event::PublishRequested{std::move(key), std::move(query), std::move(mode)});
  } else {
    state_ = State::PlayPending;
    emit(on_event, server_event::PlayRequested{std::move(key), std::move(query)});
  }
}

void ServerDialogue::reply_status(std::string_view level, std::string_view code, std::string_view description) {
  channel_.send(make_on_status(message_stream_id_, level, code, description));
}

void ServerDialogue::refuse(std::string_view code, std::string_view description) {
  state_ = State::Refused;
  reply_status(status::level_error, code, description);
}

void ServerDialogue::accept_publish() {
  if (state_ != State::PublishPending) return;
  state_ = State::Publishing;
  channel_.send(make_stream_begin(message_stream_id_));
  reply_status(status::level_status, status::publish_start, stream_key_ + " is now published.");
}

void ServerDialogue::reject_publish(std::string_view code, std::string_view description) {
  if (state_ == State::PublishPending) refuse(code, description);
}

void ServerDialogue::accept_play() {
  if (state_ != State::PlayPending) return;
  state_ = State::Playing;
  channel_.send(make_stream_is_recorded(message_stream_id_));
  channel_.send(make_stream_begin(message_stream_id_));
  reply_status(status::level_status, status::play_reset, "Playing and resetting.");
  reply_status(status::level_status, status::play_start, "Started playing.");
  channel_.send(make_sample_access(message_stream_id_));
  reply_status(status::level_status, status::data_start, "Started playing.");
}

void ServerDialogue::reject_play(std::string_view code, std::string_view description) {
  if (state_ == State::PlayPending) refuse(code, description);
}

void ServerDialogue::end_play(std::string_view description) {
  if (state_ != State::Playing) return;
  channel_.send(make_stream_eof(message_stream_id_));
  reply_status(status::level_status, status::play_unpublish_notify, description);
  state_ = State::Connected;
}

void ServerDialogue::fail_play(std::string_view code, std::string_view description) {
  if (state_ == State::Playing) refuse(code, description);
}

void ServerDialogue::on_stream_closed(const ServerEventSink& on_event) {
  switch (state_) {
    case State::Publishing:
      reply_status(status::level_status, status::unpublish_success, stream_key_ + " is now unpublished.");
      [[fallthrough]];
    case State::PublishPending:
    case State::PlayPending:
    case State::Playing:
      state_ = State::Connected;
      emit(on_event, server_event::StreamClosed{});
      return;
    default:
      return;  // FCUnpublish then deleteStream: the second one finds nothing open
  }
}

void ServerDialogue::on_data(const RtmpMessage& message, const ServerEventSink& on_event) {
  if (state_ != State::Publishing) return;
  auto metadata = parse_metadata(message);
  if (!metadata.ok()) {
    emit(on_event, server_event::Notice{"ignoring a malformed data message: " + metadata.error()});
    return;
  }
  if (metadata->has_value()) emit(on_event, server_event::MetadataReceived{(*metadata)->encoded});
}

void ServerDialogue::send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload) {
  channel_.send(make_media_message(message_stream_id_, kind, timestamp, payload));
}

void ServerDialogue::send_metadata(const media::SharedBuffer& amf0) {
  channel_.send(make_metadata_message(message_stream_id_, amf0));
}

}  // namespace mmids::rtmp
