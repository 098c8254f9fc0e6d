#pragma once
// Command messages (AMF0 type 20, AMF3 type 17): parsing what clients invoke and
// building the replies servers send.
//
// A command is: name (string), transaction id (number), command object (object or
// null), then zero or more arguments. Type 17 carries one leading 0x00 byte (the AMF3
// format selector) and then AMF0, with individual values possibly switched to AMF3
// through the avmplus marker (see amf0.hpp for what is tolerated).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmids-core/rtmp/protocol/amf0.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp {

struct Command {
  std::string name;
  double transaction_id = 0;
  Amf0Value command_object;  // Null when the peer sent none
  std::vector<Amf0Value> arguments;
};

// Command names publishers and players send, and the ones servers answer with.
namespace command_name {
inline constexpr std::string_view connect = "connect";
inline constexpr std::string_view call = "call";
inline constexpr std::string_view close = "close";
inline constexpr std::string_view create_stream = "createStream";
inline constexpr std::string_view delete_stream = "deleteStream";
inline constexpr std::string_view close_stream = "closeStream";
inline constexpr std::string_view release_stream = "releaseStream";
inline constexpr std::string_view fc_publish = "FCPublish";
inline constexpr std::string_view fc_unpublish = "FCUnpublish";
inline constexpr std::string_view fc_subscribe = "FCSubscribe";
inline constexpr std::string_view publish = "publish";
inline constexpr std::string_view play = "play";
inline constexpr std::string_view play2 = "play2";
inline constexpr std::string_view pause = "pause";
inline constexpr std::string_view seek = "seek";
inline constexpr std::string_view receive_audio = "receiveAudio";
inline constexpr std::string_view receive_video = "receiveVideo";
inline constexpr std::string_view get_stream_length = "getStreamLength";
inline constexpr std::string_view check_bandwidth = "_checkbw";
inline constexpr std::string_view result = "_result";
inline constexpr std::string_view error = "_error";
inline constexpr std::string_view on_status = "onStatus";
inline constexpr std::string_view on_bw_done = "onBWDone";
inline constexpr std::string_view on_fc_publish = "onFCPublish";
inline constexpr std::string_view on_fc_unpublish = "onFCUnpublish";
}  // namespace command_name

// Types 20 and 17. Lenient where clients are: a missing transaction id reads as 0 and
// a missing command object as Null. The name must be a string.
Result<Command> parse_command(const RtmpMessage& message, Amf0Limits limits = {});

// A type 20 command on `chunk_stream_id` (default: the command chunk stream).
RtmpMessage make_command(uint32_t message_stream_id, std::string_view name, double transaction_id,
                         const Amf0Value& command_object, std::span<const Amf0Value> arguments = {},
                         uint32_t chunk_stream_id = chunk_stream::command);

// `_result` / `_error` answering `transaction_id`: properties (the command object
// position) then the information values (e.g. the new stream id for createStream).
RtmpMessage make_result(uint32_t message_stream_id, double transaction_id, const Amf0Value& properties,
                        std::span<const Amf0Value> information = {});
RtmpMessage make_error(uint32_t message_stream_id, double transaction_id, const Amf0Value& properties,
                       std::span<const Amf0Value> information = {});

// The information object of onStatus/_result/_error: {level, code, description[, details]}.
// level is "status", "error" or "warning" (see status_codes.hpp).
Amf0Value make_status_info(std::string_view level, std::string_view code, std::string_view description,
                           std::string_view details = {});
// onStatus (transaction 0, null command object) with the given information object.
RtmpMessage make_on_status(uint32_t message_stream_id, const Amf0Value& info);
RtmpMessage make_on_status(uint32_t message_stream_id, std::string_view level, std::string_view code,
                           std::string_view description, std::string_view details = {});

// onBWDone: some clients (Flash, old librtmp) wait for it after connect.
RtmpMessage make_on_bw_done();

// `|RtmpSampleAccess` data message (type 18): allows Flash players to read raw samples.
RtmpMessage make_sample_access(uint32_t message_stream_id, bool audio = true, bool video = true);

}  // namespace mmids::rtmp
