#include "mmids-core/rtmp/session/rtmp_channel.hpp"

#include "mmids-core/rtmp/protocol/messages.hpp"

namespace mmids::rtmp {

RtmpChannel::RtmpChannel(Side side, ChannelOptions options, uint32_t uptime_ms)
    : side_(side), options_(options), decoder_(options.limits) {
  if (side_ == Side::Server) {
    server_handshake_.emplace(uptime_ms);
  } else {
    client_handshake_.emplace(/*use_digest=*/true, uptime_ms);
  }
}

void RtmpChannel::begin() {
  if (client_handshake_) output_.append_raw(client_handshake_->start());
}

Status RtmpChannel::feed_handshake(std::span<const uint8_t> bytes, std::vector<uint8_t>& leftover) {
  auto reply = server_handshake_ ? server_handshake_->feed(bytes) : client_handshake_->feed(bytes);
  if (!reply.ok()) return Error("bad handshake: " + reply.error());
  if (!reply->empty()) output_.append_raw(*reply);
  const bool done = server_handshake_ ? server_handshake_->done() : client_handshake_->done();
  if (!done) return {};
  // Clients send `connect` right behind C2, servers their first messages right behind S2.
  leftover = server_handshake_ ? server_handshake_->take_leftover() : client_handshake_->take_leftover();
  // The handshake's buffers are done with: an idle connection should cost little.
  server_handshake_.reset();
  client_handshake_.reset();
  handshake_done_ = true;
  return {};
}

Status RtmpChannel::feed(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& messages) {
  std::vector<uint8_t> leftover;
  if (!handshake_done_) {
    if (auto status = feed_handshake(bytes, leftover); !status.ok()) return status;
    bytes = leftover;
  }
  if (bytes.empty()) return {};
  decoded_.clear();
  Status decoded = decoder_.feed(bytes, decoded_);
  // Messages completed before a bad byte are still handled (a refusal may be among them).
  for (auto& message : decoded_) {
    if (auto status = on_message(std::move(message), messages); !status.ok()) return status;
  }
  if (!decoded.ok()) return Error("bad chunk stream: " + decoded.error());
  acknowledge_if_due();
  return {};
}

Status RtmpChannel::on_message(RtmpMessage message, std::vector<RtmpMessage>& messages) {
  switch (message.type_id) {
    case message_type::set_chunk_size:
    case message_type::abort:
    case message_type::acknowledgement:
    case message_type::set_peer_bandwidth:
      return {};  // the decoder applied chunk size and abort; the rest needs nothing from us
    case message_type::window_ack_size: {
      auto window = parse_window_ack_size(message);
      if (!window.ok()) return std::move(window).take_error();
      peer_window_ = *window;
      return {};
    }
    case message_type::user_control: {
      auto event = parse_user_control(message);
      if (!event.ok()) return std::move(event).take_error();
      if (event->event == UserControlEvent::PingRequest) {
        send(make_ping_response(event->value));
        return {};
      }
      messages.push_back(std::move(message));  // stream begin/EOF/dry: the dialogue's to read
      return {};
    }
    case message_type::aggregate: {
      auto parts = split_aggregate(message);
      if (!parts.ok()) return Error("bad aggregate message: " + parts.error());
      for (auto& part : *parts) messages.push_back(std::move(part));
      return {};
    }
    default:
      messages.push_back(std::move(message));
      return {};
  }
}

void RtmpChannel::acknowledge_if_due() {
  if (peer_window_ == 0 || decoder_.bytes_received() - acknowledged_ < peer_window_) return;
  acknowledged_ = decoder_.bytes_received();
  send(make_acknowledgement(static_cast<uint32_t>(acknowledged_)));
}

void RtmpChannel::send(const RtmpMessage& message) { encoder_.encode(message, output_); }

void RtmpChannel::set_out_chunk_size(std::optional<uint32_t> size) {
  const uint32_t chunk_size = size.value_or(options_.out_chunk_size);
  // The peer reads Set Chunk Size with the old size; what follows uses the new one.
  send(make_set_chunk_size(chunk_size));
  encoder_.set_chunk_size(chunk_size);
}

void RtmpChannel::take_output(ChunkWriteBatch& into) { into.append(std::move(output_)); }

}  // namespace mmids::rtmp
