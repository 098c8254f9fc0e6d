#include "mmids-core/rtmp/protocol/command_messages.hpp"

#include <string>

namespace mmids::rtmp {

namespace {

RtmpMessage amf0_message(uint8_t type_id, uint32_t chunk_stream_id, uint32_t message_stream_id,
                         std::vector<uint8_t>&& payload) {
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream_id;
  message.type_id = type_id;
  message.message_stream_id = message_stream_id;
  message.timestamp = 0;
  message.payload = media::SharedBuffer::adopt(std::move(payload));
  return message;
}

}  // namespace

Result<Command> parse_command(const RtmpMessage& message, Amf0Limits limits) {
  if (message.type_id != message_type::command_amf0 && message.type_id != message_type::command_amf3)
    return Error("command: message type " + std::to_string(message.type_id) + " is not a command");
  std::span<const uint8_t> bytes = message.payload.span();
  // Type 17 starts with a 0x00 format byte. A string marker first means a client that
  // left it out; anything else after dropping it is read as AMF0 regardless.
  if (message.type_id == message_type::command_amf3 && !bytes.empty() && bytes[0] == 0x00) bytes = bytes.subspan(1);

  Amf0Reader reader(bytes, limits);
  if (reader.at_end()) return Error("command: empty payload");
  auto name = reader.read();
  if (!name) return Error("command name: " + name.error());
  if (!name->is_string()) return Error("command: the first value is not a string name");

  Command command;
  command.name = std::string(*name->as_string());
  if (!reader.at_end()) {
    auto transaction = reader.read();
    if (!transaction) return Error("command '" + command.name + "' transaction id: " + transaction.error());
    command.transaction_id = transaction->number_or(0);
  }
  if (!reader.at_end()) {
    auto object = reader.read();
    if (!object) return Error("command '" + command.name + "' object: " + object.error());
    command.command_object = std::move(*object);
  }
  while (!reader.at_end()) {
    auto argument = reader.read();
    if (!argument) return Error("command '" + command.name + "' argument: " + argument.error());
    command.arguments.push_back(std::move(*argument));
  }
  return command;
}

RtmpMessage make_command(uint32_t message_stream_id, std::string_view name, double transaction_id,
                         const Amf0Value& command_object, std::span<const Amf0Value> arguments,
                         uint32_t chunk_stream_id) {
  std::vector<uint8_t> payload;
  amf0_encode(Amf0Value::string(std::string(name)), payload);
  amf0_encode(Amf0Value::number(transaction_id), payload);
  amf0_encode(command_object, payload);
  for (const auto& argument : arguments) amf0_encode(argument, payload);
  return amf0_message(message_type::command_amf0, chunk_stream_id, message_stream_id, std::move(payload));
}

RtmpMessage make_result(uint32_t message_stream_id, double transaction_id, const Amf0Value& properties,
                        std::span<const Amf0Value> information) {
  return make_command(message_stream_id, command_name::result, transaction_id, properties, information);
}

RtmpMessage make_error(uint32_t message_stream_id, double transaction_id, const Amf0Value& properties,
                       std::span<const Amf0Value> information) {
  return make_command(message_stream_id, command_name::error, transaction_id, properties, information);
}

Amf0Value make_status_info(std::string_view level, std::string_view code, std::string_view description,
                           std::string_view details) {
  Amf0Value info = Amf0Value::object();
  info.set("level", Amf0Value::string(std::string(level)));
  info.set("code", Amf0Value::string(std::string(code)));
  info.set("description", Amf0Value::string(std::string(description)));
  if (!details.empty()) info.set("details", Amf0Value::string(std::string(details)));
  return info;
}

RtmpMessage make_on_status(uint32_t message_stream_id, const Amf0Value& info) {
  const Amf0Value arguments[] = {info};
  return make_command(message_stream_id, command_name::on_status, 0, Amf0Value::null(), arguments);
}

RtmpMessage make_on_status(uint32_t message_stream_id, std::string_view level, std::string_view code,
                           std::string_view description, std::string_view details) {
  return make_on_status(message_stream_id, make_status_info(level, code, description, details));
}

RtmpMessage make_on_bw_done() { return make_command(0, command_name::on_bw_done, 0, Amf0Value::null()); }

RtmpMessage make_sample_access(uint32_t message_stream_id, bool audio, bool video) {
  std::vector<uint8_t> payload = amf0_encode(
      {Amf0Value::string("|RtmpSampleAccess"), Amf0Value::boolean(audio), Amf0Value::boolean(video)});
  return amf0_message(message_type::data_amf0, chunk_stream::data, message_stream_id, std::move(payload));
}

}  // namespace mmids::rtmp
