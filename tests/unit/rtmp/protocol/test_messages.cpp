// Messages above the chunk layer: protocol/user control, commands (types 20 and 17),
// metadata from @setDataFrame, aggregate splitting.
#include <catch2/catch.hpp>

#include "mmids-core/rtmp/protocol/messages.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;
using mmids::media::SharedBuffer;

namespace {

// Sends a message through the chunk layer (128-byte chunks) and returns what the peer reads.
RtmpMessage over_the_wire(const RtmpMessage& sent) {
  ChunkEncoder encoder;
  ChunkDecoder decoder;
  const auto wire = encoder.encode(sent).to_bytes();
  auto received = decode_all(decoder, wire, 50);
  REQUIRE(received.size() == 1);
  return received[0];
}

std::vector<uint8_t> payload_bytes(const RtmpMessage& m) { return {m.payload.data(), m.payload.data() + m.payload.size()}; }

}  // namespace

TEST_CASE("control messages: builders write the spec's payloads and parsers read them back", "[rtmp]") {
  const auto chunk_size = make_set_chunk_size(4096);
  CHECK(chunk_size.chunk_stream_id == 2);
  CHECK(chunk_size.message_stream_id == 0);
  CHECK(chunk_size.type_id == message_type::set_chunk_size);
  CHECK(payload_bytes(chunk_size) == bytes({0x00, 0x00, 0x10, 0x00}));
  CHECK(*parse_set_chunk_size(chunk_size) == 4096);

  CHECK(*parse_abort(make_abort(6)) == 6);
  CHECK(*parse_acknowledgement(make_acknowledgement(0xDEADBEEF)) == 0xDEADBEEF);
  CHECK(*parse_window_ack_size(make_window_ack_size(2500000)) == 2500000);

  const auto bandwidth = make_set_peer_bandwidth(2500000, PeerBandwidthLimit::Dynamic);
  CHECK(payload_bytes(bandwidth) == bytes({0x00, 0x26, 0x25, 0xA0, 0x02}));
  const auto parsed_bandwidth = parse_set_peer_bandwidth(bandwidth);
  REQUIRE(parsed_bandwidth.ok());
  CHECK(parsed_bandwidth->window_size == 2500000);
  CHECK(parsed_bandwidth->limit == PeerBandwidthLimit::Dynamic);

  CHECK(payload_bytes(make_stream_begin(1)) == bytes({0, 0, 0, 0, 0, 1}));
  CHECK(payload_bytes(make_stream_eof(1)) == bytes({0, 1, 0, 0, 0, 1}));
  CHECK(payload_bytes(make_stream_dry(1)) == bytes({0, 2, 0, 0, 0, 1}));
  CHECK(payload_bytes(make_stream_is_recorded(1)) == bytes({0, 4, 0, 0, 0, 1}));
  CHECK(payload_bytes(make_ping_request(7)) == bytes({0, 6, 0, 0, 0, 7}));
  CHECK(payload_bytes(make_ping_response(7)) == bytes({0, 7, 0, 0, 0, 7}));

  const auto buffer_length = parse_user_control(make_set_buffer_length(1, 3000));
  REQUIRE(buffer_length.ok());
  CHECK(buffer_length->event == UserControlEvent::SetBufferLength);
  CHECK(buffer_length->value == 1);
  CHECK(buffer_length->buffer_length_ms == 3000);
  const auto ping = parse_user_control(make_ping_request(99));
  REQUIRE(ping.ok());
  CHECK(ping->event == UserControlEvent::PingRequest);
  CHECK(ping->value == 99);
}

TEST_CASE("control messages: malformed payloads are refused", "[rtmp]") {
  auto with_payload = [](uint8_t type, std::vector<uint8_t> payload) {
    return message(2, type, 0, 0, SharedBuffer::adopt(std::move(payload)));
  };
  CHECK_FALSE(parse_set_chunk_size(with_payload(1, bytes({0, 0}))).ok());
  CHECK_FALSE(parse_set_chunk_size(with_payload(1, bytes({0, 0, 0, 0}))).ok());
  CHECK_FALSE(parse_set_chunk_size(with_payload(1, bytes({0x80, 0, 0, 1}))).ok());
  CHECK_FALSE(parse_set_chunk_size(make_abort(3)).ok());  // wrong type
  CHECK_FALSE(parse_set_peer_bandwidth(with_payload(6, bytes({0, 0, 0, 1}))).ok());
  CHECK_FALSE(parse_set_peer_bandwidth(with_payload(6, bytes({0, 0, 0, 1, 9}))).ok());
  CHECK_FALSE(parse_user_control(with_payload(4, bytes({0, 0, 0}))).ok());
  CHECK_FALSE(parse_user_control(with_payload(4, bytes({0, 3, 0, 0, 0, 1}))).ok());  // no buffer length
}

TEST_CASE("commands: an ffmpeg-style connect survives the chunk layer and parses", "[rtmp]") {
  const Amf0Value connect_object = Amf0Value::object({
      {"app", Amf0Value::string("live")},
      {"type", Amf0Value::string("nonprivate")},
      {"flashVer", Amf0Value::string("FMLE/3.0 (compatible; Lavf59.27.100)")},
      {"tcUrl", Amf0Value::string("rtmp://127.0.0.1:1935/live")},
  });
  const auto sent = make_command(0, command_name::connect, 1, connect_object);
  CHECK(sent.payload.size() > 128);  // spans several chunks
  const auto command = parse_command(over_the_wire(sent));
  REQUIRE(command.ok());
  CHECK(command->name == "connect");
  CHECK(command->transaction_id == 1);
  CHECK(command->command_object.get("app").string_or("") == "live");
  CHECK(command->command_object.get("tcUrl").string_or("") == "rtmp://127.0.0.1:1935/live");
  CHECK(command->command_object == connect_object);
  CHECK(command->arguments.empty());
}

TEST_CASE("commands: publish and play carry their arguments", "[rtmp]") {
  const Amf0Value arguments[] = {Amf0Value::string("stream-key"), Amf0Value::string("live")};
  const auto command = parse_command(make_command(1, command_name::publish, 5, Amf0Value::null(), arguments));
  REQUIRE(command.ok());
  CHECK(command->name == "publish");
  CHECK(command->transaction_id == 5);
  CHECK(command->command_object.is_null());
  REQUIRE(command->arguments.size() == 2);
  CHECK(command->arguments[0].string_or("") == "stream-key");
  CHECK(command->arguments[1].string_or("") == "live");
}

TEST_CASE("commands: an AMF3 (type 17) connect with an AMF3 custom parameter parses", "[rtmp]") {
  std::vector<uint8_t> payload = {0x00};  // the AMF3 format selector
  append(payload, amf0_encode({Amf0Value::string("connect"), Amf0Value::number(1)}));
  append(payload, bytes({0x03,                                                             // object
                         0x00, 0x03, 'a', 'p', 'p', 0x02, 0x00, 0x04, 'l', 'i', 'v', 'e',  // app: "live"
                         0x00, 0x0E, 'o', 'b', 'j', 'e', 'c', 't', 'E', 'n', 'c', 'o', 'd', 'i', 'n', 'g',
                         0x11, 0x04, 0x03,                                 // objectEncoding: AMF3 integer 3
                         0x00, 0x04, 'u', 's', 'e', 'r', 0x11, 0x0A, 0x0B,  // user: an AMF3 object...
                         0x01, 0x03, 'x', 0x04, 0x01, 0x01}));              // ...we cannot measure
  const auto sent = message(3, message_type::command_amf3, 0, 0, SharedBuffer::adopt(std::move(payload)));
  const auto command = parse_command(over_the_wire(sent));
  REQUIRE(command.ok());
  CHECK(command->name == "connect");
  CHECK(command->transaction_id == 1);
  CHECK(command->command_object.get("app").string_or("") == "live");
  CHECK(command->command_object.get("objectEncoding").number_or(0) == 3);
  CHECK(command->command_object.get("user").is_unsupported());
}

TEST_CASE("commands: replies parse back to what was built", "[rtmp]") {
  const Amf0Value stream_id[] = {Amf0Value::number(1)};
  const auto result = parse_command(make_result(0, 4, Amf0Value::null(), stream_id));
  REQUIRE(result.ok());
  CHECK(result->name == "_result");
  CHECK(result->transaction_id == 4);
  CHECK(result->arguments.at(0).number_or(0) == 1);

  const auto status = parse_command(
      make_on_status(1, status::level_status, status::publish_start, "Publishing key.", "key"));
  REQUIRE(status.ok());
  CHECK(status->name == "onStatus");
  CHECK(status->transaction_id == 0);
  CHECK(status->command_object.is_null());
  const auto& info = status->arguments.at(0);
  CHECK(info.get("level").string_or("") == "status");
  CHECK(info.get("code").string_or("") == "NetStream.Publish.Start");
  CHECK(info.get("description").string_or("") == "Publishing key.");
  CHECK(info.get("details").string_or("") == "key");

  const auto error = parse_command(make_error(0, 1, Amf0Value::null(),
                                              std::vector<Amf0Value>{make_status_info(
                                                  status::level_error, status::connect_rejected, "no")}));
  REQUIRE(error.ok());
  CHECK(error->name == "_error");
  CHECK(error->arguments.at(0).get("code").string_or("") == "NetConnection.Connect.Rejected");

  const auto bw_done = parse_command(make_on_bw_done());
  REQUIRE(bw_done.ok());
  CHECK(bw_done->name == "onBWDone");

  const auto access = parse_data_message(make_sample_access(1));
  REQUIRE(access.ok());
  CHECK(access->name == "|RtmpSampleAccess");
  CHECK(access->values.size() == 2);
}

TEST_CASE("commands: malformed commands are refused with a reason", "[rtmp]") {
  const auto not_a_string = message(3, 20, 0, 0, SharedBuffer::adopt(amf0_encode({Amf0Value::number(1)})));
  CHECK_THAT(parse_command(not_a_string).error(), Catch::Contains("not a string"));
  const auto empty = message(3, 20, 0, 0, SharedBuffer());
  CHECK_FALSE(parse_command(empty).ok());
  auto truncated_bytes = amf0_encode({Amf0Value::string("play"), Amf0Value::number(0)});
  truncated_bytes.push_back(0x02);
  const auto truncated = message(3, 20, 0, 0, SharedBuffer::adopt(std::move(truncated_bytes)));
  CHECK_THAT(parse_command(truncated).error(), Catch::Contains("play"));
  CHECK_FALSE(parse_command(make_set_chunk_size(1)).ok());  // not a command at all
}

TEST_CASE("data messages: metadata from @setDataFrame is a slice of the payload", "[rtmp]") {
  const Amf0Value metadata = Amf0Value::ecma_array({
      {"width", Amf0Value::number(1280)},
      {"height", Amf0Value::number(720)},
      {"videocodecid", Amf0Value::number(7)},
      {"encoder", Amf0Value::string("Lavf59.27.100")},
  });
  const Amf0Value values[] = {Amf0Value::string("onMetaData"), metadata};
  const auto sent = over_the_wire(make_data_message(1, "@setDataFrame", values));

  const auto parsed = parse_metadata(sent);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  const Metadata& found = **parsed;
  CHECK(found.value == metadata);
  CHECK(found.encoded.shares_storage_with(sent.payload));
  CHECK(amf0_encode({metadata}) == std::vector<uint8_t>(found.encoded.data(), found.encoded.data() + found.encoded.size()));

  // What a server sends to players: onMetaData + the same bytes.
  const auto to_players = make_metadata_message(1, found.encoded, 0);
  CHECK(to_players.type_id == message_type::data_amf0);
  const auto data = parse_data_message(to_players);
  REQUIRE(data.ok());
  CHECK(data->name == "onMetaData");
  REQUIRE(data->values.size() == 1);
  CHECK(data->values[0] == metadata);
  // The direct onMetaData form (older publishers) is metadata too.
  const auto direct = parse_metadata(to_players);
  REQUIRE(direct.ok());
  REQUIRE(direct->has_value());
  CHECK((*direct)->value == metadata);
}

TEST_CASE("data messages: other data is not metadata; malformed data is an error", "[rtmp]") {
  const Amf0Value text[] = {Amf0Value::string("onTextData"), Amf0Value::object()};
  const auto not_metadata = parse_metadata(make_data_message(1, "@setDataFrame", text));
  REQUIRE(not_metadata.ok());
  CHECK_FALSE(not_metadata->has_value());
  const auto cue = parse_metadata(make_data_message(1, "onCuePoint", {}));
  REQUIRE(cue.ok());
  CHECK_FALSE(cue->has_value());

  const Amf0Value only_name[] = {Amf0Value::string("onMetaData")};
  CHECK_FALSE(parse_metadata(make_data_message(1, "@setDataFrame", only_name)).ok());
  const auto garbage = message(5, 18, 1, 0, SharedBuffer::adopt(bytes({0x02, 0x00, 0x0A, 'o', 'n'})));
  CHECK_FALSE(parse_metadata(garbage).ok());

  // Type 15 (AMF3 data) with its format byte.
  std::vector<uint8_t> amf3 = {0x00};
  append(amf3, amf0_encode({Amf0Value::string("onMetaData"), Amf0Value::ecma_array({{"w", Amf0Value::number(1)}})}));
  const auto amf3_metadata = parse_metadata(message(5, 15, 1, 0, SharedBuffer::adopt(std::move(amf3))));
  REQUIRE(amf3_metadata.ok());
  REQUIRE(amf3_metadata->has_value());
  CHECK((*amf3_metadata)->value.get("w").number_or(0) == 1);
}

namespace {

void add_sub_message(std::vector<uint8_t>& out, uint8_t type, uint32_t timestamp, const std::vector<uint8_t>& body,
                     bool back_pointer = true) {
  out.push_back(type);
  out.push_back(static_cast<uint8_t>(body.size() >> 16));
  out.push_back(static_cast<uint8_t>(body.size() >> 8));
  out.push_back(static_cast<uint8_t>(body.size()));
  out.push_back(static_cast<uint8_t>(timestamp >> 16));
  out.push_back(static_cast<uint8_t>(timestamp >> 8));
  out.push_back(static_cast<uint8_t>(timestamp));
  out.push_back(static_cast<uint8_t>(timestamp >> 24));
  out.insert(out.end(), {0, 0, 0});  // stream id: ignored, the aggregate's applies
  append(out, body);
  if (back_pointer) {
    const uint32_t size = static_cast<uint32_t>(body.size() + 11);
    out.insert(out.end(), {static_cast<uint8_t>(size >> 24), static_cast<uint8_t>(size >> 16),
                           static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)});
  }
}

}  // namespace

TEST_CASE("aggregate messages split into slices with re-based timestamps", "[rtmp]") {
  std::vector<uint8_t> payload;
  add_sub_message(payload, 9, 0x01000000 + 1000, bytes({0x17, 0x01, 0xAA}));
  add_sub_message(payload, 8, 0x01000000 + 1010, bytes({0xAF, 0x01}));
  add_sub_message(payload, 9, 0x01000000 + 1033, bytes({0x27, 0x01, 0xBB, 0xCC}), false);  // no last back pointer
  const auto aggregate = message(6, message_type::aggregate, 1, 5000, SharedBuffer::adopt(std::move(payload)));
  const auto parts = split_aggregate(over_the_wire(aggregate));
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 3);
  const uint32_t timestamps[] = {5000, 5010, 5033};
  const uint8_t types[] = {9, 8, 9};
  for (size_t i = 0; i < 3; ++i) {
    CHECK((*parts)[i].timestamp == timestamps[i]);
    CHECK((*parts)[i].type_id == types[i]);
    CHECK((*parts)[i].message_stream_id == 1);
    CHECK((*parts)[i].chunk_stream_id == 6);
  }
  CHECK(payload_bytes((*parts)[2]) == bytes({0x27, 0x01, 0xBB, 0xCC}));
  CHECK((*parts)[0].payload.shares_storage_with((*parts)[2].payload));
}

TEST_CASE("aggregate messages: malformed aggregates are errors", "[rtmp]") {
  auto aggregate_of = [](std::vector<uint8_t> payload) {
    return message(6, message_type::aggregate, 1, 0, SharedBuffer::adopt(std::move(payload)));
  };
  std::vector<uint8_t> good;
  add_sub_message(good, 9, 0, bytes({1, 2, 3}));

  auto truncated_header = good;
  truncated_header.insert(truncated_header.end(), {9, 0, 0});
  CHECK_THAT(split_aggregate(aggregate_of(truncated_header)).error(), Catch::Contains("truncated sub-message header"));

  std::vector<uint8_t> too_long;
  add_sub_message(too_long, 9, 0, bytes({1, 2, 3}), false);
  too_long[3] = 50;  // declares 50 body bytes
  CHECK_THAT(split_aggregate(aggregate_of(too_long)).error(), Catch::Contains("past the end"));

  std::vector<uint8_t> wrong_type;
  add_sub_message(wrong_type, 20, 0, bytes({1}));
  CHECK_THAT(split_aggregate(aggregate_of(wrong_type)).error(), Catch::Contains("type 20"));

  auto short_back_pointer = good;
  short_back_pointer.resize(short_back_pointer.size() - 2);
  CHECK_THAT(split_aggregate(aggregate_of(short_back_pointer)).error(), Catch::Contains("back pointer"));

  CHECK_FALSE(split_aggregate(make_set_chunk_size(1)).ok());
  CHECK(split_aggregate(aggregate_of({})).value().empty());
}
