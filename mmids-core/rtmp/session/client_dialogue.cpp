#include "mmids-core/rtmp/session/client_dialogue.hpp"

#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"

namespace mmids::rtmp {
namespace {

constexpr double kConnectTransaction = 1;
constexpr double kCreateStreamTransaction = 2;
constexpr double kReleaseStreamTransaction = 3;
constexpr double kFcPublishTransaction = 4;

std::string describe_refusal(const Command& command) {
  if (command.arguments.empty()) return "refused";
  const auto& info = command.arguments[0];
  return std::string(info.get("description").string_or(info.get("code").string_or("refused")));
}

}  // namespace

ClientDialogue::ClientDialogue(ClientDialogueOptions options, uint32_t uptime_ms)
    : options_(std::move(options)), channel_(RtmpChannel::Side::Client, options_.channel, uptime_ms) {}

void ClientDialogue::begin() { channel_.begin(); }

Status ClientDialogue::feed(std::span<const uint8_t> bytes, const ClientEventSink& on_event) {
  messages_.clear();
  Status fed = channel_.feed(bytes, messages_);
  if (channel_.handshake_done() && !connect_sent_) send_connect();
  for (const auto& message : messages_) {
    if (auto status = on_message(message, on_event); !status.ok()) return status;
  }
  return fed;
}

void ClientDialogue::emit(const ClientEventSink& on_event, ClientEvent event) { on_event(event); }

void ClientDialogue::send_connect() {
  connect_sent_ = true;
  Amf0Value connect = Amf0Value::object();
  connect.set("app", Amf0Value::string(options_.app));
  if (options_.mode == ClientDialogueOptions::Mode::Publish) connect.set("type", Amf0Value::string("nonprivate"));
  connect.set("flashVer", Amf0Value::string(options_.mode == ClientDialogueOptions::Mode::Publish
                                                ? "FMLE/3.0 (compatible; mmids)" : "LNX 9,0,124,2"));
  connect.set("tcUrl", Amf0Value::string(options_.tc_url));
  if (options_.mode == ClientDialogueOptions::Mode::Play) {
    connect.set("fpad", Amf0Value::boolean(false));
    connect.set("capabilities", Amf0Value::number(15));
    connect.set("audioCodecs", Amf0Value::number(4071));
    connect.set("videoCodecs", Amf0Value::number(252));
    connect.set("videoFunction", Amf0Value::number(1));
  }
  channel_.send(make_command(0, command_name::connect, kConnectTransaction, connect));
}

void ClientDialogue::send_stream_request() {
  if (options_.mode == ClientDialogueOptions::Mode::Publish) {
    std::vector<Amf0Value> arguments{Amf0Value::string(options_.stream_key), Amf0Value::string("live")};
    channel_.send(make_command(stream_id_, command_name::publish, 0, Amf0Value::null(), arguments, 8));
    return;
  }
  std::vector<Amf0Value> arguments{Amf0Value::string(options_.stream_key), Amf0Value::number(-1000)};
  channel_.send(make_command(stream_id_, command_name::play, 0, Amf0Value::null(), arguments, 8));
  channel_.send(make_set_buffer_length(stream_id_, options_.buffer_length_ms));
}

Status ClientDialogue::on_message(const RtmpMessage& message, const ClientEventSink& on_event) {
  switch (message.type_id) {
    case message_type::audio:
    case message_type::video:
      if (started_ && options_.mode == ClientDialogueOptions::Mode::Play && !message.payload.empty()) {
        emit(on_event, client_event::MediaReceived{media_kind_of(message.type_id), message.timestamp, message.payload});
      }
      return {};
    case message_type::data_amf0:
    case message_type::data_amf3: {
      auto metadata = parse_metadata(message);
      if (metadata.ok() && metadata->has_value()) emit(on_event, client_event::MetadataReceived{(*metadata)->encoded});
      return {};
    }
    case message_type::user_control: {
      auto event = parse_user_control(message);
      if (event.ok() && event->event == UserControlEvent::StreamEof && started_ &&
          options_.mode == ClientDialogueOptions::Mode::Play) {
        return Error("the server ended the stream (StreamEOF)");
      }
      return {};
    }
    case message_type::command_amf0:
    case message_type::command_amf3:
      return on_command(message, on_event);
    default:
      return {};
  }
}

Status ClientDialogue::on_command(const RtmpMessage& message, const ClientEventSink& on_event) {
  auto command = parse_command(message);
  if (!command.ok()) return Error("bad command from server: " + command.error());
  const std::string& name = command->name;
  if (name == command_name::error) {
    // releaseStream/FCPublish are courtesy calls some servers do not know: not fatal.
    if (command->transaction_id == kReleaseStreamTransaction || command->transaction_id == kFcPublishTransaction) {
      return {};
    }
    return Error("server refused: " + describe_refusal(*command));
  }
  if (name == command_name::result && command->transaction_id == kConnectTransaction) {
    channel_.send(make_window_ack_size(options_.window_ack_size));
    if (options_.mode == ClientDialogueOptions::Mode::Publish && options_.announce_chunk_size) {
      channel_.set_out_chunk_size();
    }
    if (options_.mode == ClientDialogueOptions::Mode::Publish) {
      // What encoders send before createStream; servers that expect them answer, others ignore them.
      const std::vector key{Amf0Value::string(options_.stream_key)};
      channel_.send(make_command(0, command_name::release_stream, kReleaseStreamTransaction, Amf0Value::null(), key));
      channel_.send(make_command(0, command_name::fc_publish, kFcPublishTransaction, Amf0Value::null(), key));
    }
    channel_.send(make_command(0, command_name::create_stream, kCreateStreamTransaction, Amf0Value::null()));
  } else if (name == command_name::result && command->transaction_id == kCreateStreamTransaction) {
    stream_id_ = command->arguments.empty() ? 1 : static_cast<uint32_t>(command->arguments[0].number_or(1));
    send_stream_request();
  } else if (name == command_name::on_status && !command->arguments.empty()) {
    return on_status(*command, on_event);
  }
  return {};
}

Status ClientDialogue::on_status(const Command& command, const ClientEventSink& on_event) {
  const auto& info = command.arguments[0];
  const std::string code(info.get("code").string_or(""));
  const bool playing = options_.mode == ClientDialogueOptions::Mode::Play;
  if (code == (playing ? status::play_start : status::publish_start)) {
    if (!started_) {
      started_ = true;
      emit(on_event, client_event::Started{});
    }
  } else if (playing && (code == status::play_stop || code == status::play_unpublish_notify)) {
    if (started_) return Error("the server ended the stream (" + code + ")");
  } else if (info.get("level").string_or("") == status::level_error) {
    return Error("server refused: " + code + " " + std::string(info.get("description").string_or("")));
  }
  return {};
}

void ClientDialogue::send_metadata(const media::SharedBuffer& amf0) {
  if (!started_ || options_.mode != ClientDialogueOptions::Mode::Publish) return;
  // Publishers announce metadata as @setDataFrame("onMetaData", value), as ffmpeg and OBS do.
  RtmpMessage message = make_metadata_message(stream_id_, amf0);
  std::vector<uint8_t> payload = amf0_encode({Amf0Value::string("@setDataFrame")});
  payload.insert(payload.end(), message.payload.data(), message.payload.data() + message.payload.size());
  message.payload = media::SharedBuffer::adopt(std::move(payload));
  channel_.send(message);
}

void ClientDialogue::send_message(RtmpMessage message) {
  if (!started_ || options_.mode != ClientDialogueOptions::Mode::Publish) return;
  message.message_stream_id = stream_id_;
  channel_.send(message);
}

void ClientDialogue::send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload) {
  if (!started_ || options_.mode != ClientDialogueOptions::Mode::Publish) return;
  channel_.send(make_media_message(stream_id_, kind, timestamp, payload));
}

}  // namespace mmids::rtmp
