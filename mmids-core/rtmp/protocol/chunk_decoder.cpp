#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "mmids-core/common/byte_io.hpp"

namespace mmids::rtmp {

namespace {

// Message header length by chunk format (fmt 0..3).
constexpr size_t kMessageHeaderLength[4] = {11, 7, 3, 0};

size_t basic_header_length(uint8_t first) {
  const uint8_t low = first & 0x3F;
  return low == 0 ? 2 : low == 1 ? 3 : 1;
}

uint32_t basic_header_csid(const uint8_t* header) {
  const uint8_t low = header[0] & 0x3F;
  if (low == 0) return 64 + uint32_t{header[1]};
  if (low == 1) return 64 + uint32_t{header[1]} + (uint32_t{header[2]} << 8);
  return low;
}

std::string csid_text(uint32_t csid) { return "chunk stream " + std::to_string(csid); }

}  // namespace

ChunkDecoder::ChunkDecoder(ChunkDecoderLimits limits) : limits_(limits) {}

Status ChunkDecoder::fail(std::string reason) {
  failed_ = true;
  error_ = "RTMP chunk stream: " + std::move(reason);
  current_ = nullptr;
  return Error(error_);
}

Status ChunkDecoder::feed(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& out) {
  if (failed_) return Error(error_);
  bytes_received_ += bytes.size();
  return consume(bytes, out);
}

Status ChunkDecoder::consume(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (current_ == nullptr) {
      // Assemble the header; how long it is becomes known as its bytes arrive.
      for (size_t needed = header_length_needed(); header_length_ < needed; needed = header_length_needed()) {
        if (pos == bytes.size()) return {};
        const size_t take = std::min(needed - header_length_, bytes.size() - pos);
        std::memcpy(&header_[header_length_], &bytes[pos], take);
        header_length_ += take;
        pos += take;
      }
      if (failed_) return Error(error_);
      auto status = on_header(out);
      header_length_ = 0;
      if (!status) return status;
      if (replay_length_ > 0) {
        // At most 4 bytes, and header_ is empty: this cannot complete a header that
        // carries an extended timestamp (5+ bytes), so it cannot replay again.
        const std::array<uint8_t, 4> replay = replay_;
        const size_t length = std::exchange(replay_length_, 0);
        if (auto replayed = consume(std::span(replay.data(), length), out); !replayed) return replayed;
      }
      continue;
    }
    const size_t take = std::min<size_t>(chunk_remaining_, bytes.size() - pos);
    current_->partial.insert(current_->partial.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                             bytes.begin() + static_cast<std::ptrdiff_t>(pos + take));
    pos += take;
    chunk_remaining_ -= static_cast<uint32_t>(take);
    if (chunk_remaining_ == 0) {
      if (auto status = finish_chunk(out); !status) return status;
    }
  }
  return {};
}

size_t ChunkDecoder::header_length_needed() {
  if (header_length_ == 0) return 1;
  const size_t basic = basic_header_length(header_[0]);
  if (header_length_ < basic) return basic;
  const uint8_t fmt = header_[0] >> 6;
  const size_t base = basic + kMessageHeaderLength[fmt];
  if (header_length_ < base) return base;
  bool extended;
  if (fmt < 3) {
    extended = byte_io::read_u24be(&header_[basic]) == kExtendedTimestampMarker;
  } else {
    // Whether a fmt 3 chunk carries an extended timestamp depends on the stream's past.
    const uint32_t csid = basic_header_csid(header_.data());
    const auto it = streams_.find(csid);
    if (it == streams_.end()) {
      (void)fail(csid_text(csid) + ": fmt 3 chunk with no previous header to repeat");
      return 0;
    }
    extended = it->second.extended;
  }
  return base + (extended ? 4 : 0);
}

Status ChunkDecoder::on_header(std::vector<RtmpMessage>& out) {
  const uint8_t fmt = header_[0] >> 6;
  const size_t basic = basic_header_length(header_[0]);
  const uint32_t csid = basic_header_csid(header_.data());
  const uint8_t* fields = &header_[basic];

  auto it = streams_.find(csid);
  if (it == streams_.end()) {
    // fmt 1 carries everything but the stream id (0 is assumed, as ffmpeg and
    // nginx-rtmp do); fmt 2/3 would have to invent a length.
    if (fmt >= 2)
      return fail(csid_text(csid) + ": first chunk uses fmt " + std::to_string(fmt) + ", which needs a previous header");
    if (streams_.size() >= limits_.max_chunk_streams)
      return fail("more than " + std::to_string(limits_.max_chunk_streams) + " chunk streams in use");
    it = streams_.emplace(csid, ChunkStream{}).first;
    it->second.id = csid;
  }
  ChunkStream& stream = it->second;

  if (fmt == 3) {
    if (stream.extended) {
      const uint32_t value = byte_io::read_u32be(fields);
      const bool expected = value == stream.ts_field || (stream.in_progress && value == stream.timestamp);
      if (!expected) {  // a writer that does not repeat the field: these are other bytes
        std::memcpy(replay_.data(), fields, 4);
        replay_length_ = 4;
      }
    }
    if (stream.in_progress) {
      current_ = &stream;
      chunk_remaining_ = std::min<uint32_t>(chunk_size_, stream.length - static_cast<uint32_t>(stream.partial.size()));
      return {};
    }
    stream.timestamp += stream.ts_field;  // a new message repeating the previous delta
    return begin_message(stream, out);
  }

  // A full header in the middle of a message abandons that message (peers only do this
  // after an Abort they forgot to send); its reservation is released first.
  drop_partial(stream);
  uint32_t field = byte_io::read_u24be(fields);
  stream.extended = field == kExtendedTimestampMarker;
  if (stream.extended) field = byte_io::read_u32be(fields + kMessageHeaderLength[fmt]);
  stream.ts_field = field;
  stream.timestamp = fmt == 0 ? field : stream.timestamp + field;
  if (fmt <= 1) {
    stream.length = byte_io::read_u24be(fields + 3);
    stream.type_id = fields[6];
  }
  if (fmt == 0) stream.message_stream_id = byte_io::read_u32le(fields + 7);
  return begin_message(stream, out);
}

Status ChunkDecoder::begin_message(ChunkStream& stream, std::vector<RtmpMessage>& out) {
  if (stream.length > limits_.max_message_length)
    return fail(csid_text(stream.id) + ": message of " + std::to_string(stream.length) + " bytes exceeds the " +
                std::to_string(limits_.max_message_length) + "-byte limit");
  if (stream.length == 0) {
    stream.partial.clear();
    stream.in_progress = true;
    ++partial_count_;
    return complete_message(stream, out);
  }
  if (partial_count_ >= limits_.max_partial_messages)
    return fail("more than " + std::to_string(limits_.max_partial_messages) + " messages in progress at once");
  if (buffered_bytes_ + stream.length > limits_.max_buffered_bytes)
    return fail(csid_text(stream.id) + ": message of " + std::to_string(stream.length) + " bytes would take " +
                "the bytes buffered for partial messages over the " + std::to_string(limits_.max_buffered_bytes) +
                "-byte limit");
  stream.partial = std::vector<uint8_t>();
  stream.partial.reserve(stream.length);  // the message's one allocation
  stream.in_progress = true;
  ++partial_count_;
  buffered_bytes_ += stream.length;
  current_ = &stream;
  chunk_remaining_ = std::min(chunk_size_, stream.length);
  return {};
}

Status ChunkDecoder::finish_chunk(std::vector<RtmpMessage>& out) {
  ChunkStream& stream = *current_;
  current_ = nullptr;
  if (stream.partial.size() == stream.length) return complete_message(stream, out);
  return {};
}

Status ChunkDecoder::complete_message(ChunkStream& stream, std::vector<RtmpMessage>& out) {
  RtmpMessage message;
  message.chunk_stream_id = stream.id;
  message.type_id = stream.type_id;
  message.message_stream_id = stream.message_stream_id;
  message.timestamp = stream.timestamp;
  message.payload = media::SharedBuffer::adopt(std::move(stream.partial));
  stream.partial = std::vector<uint8_t>();
  stream.in_progress = false;
  --partial_count_;
  buffered_bytes_ -= stream.length;

  // Protocol control that changes how the following bytes are read takes effect here.
  if (message.type_id == message_type::set_chunk_size) {
    if (message.payload.size() < 4)
      return fail("Set Chunk Size message of " + std::to_string(message.payload.size()) + " bytes (needs 4)");
    const uint32_t size = byte_io::read_u32be(message.payload.data());
    if (size == 0 || size > kMaxChunkSize)
      return fail("peer set chunk size " + std::to_string(size) + " (valid: 1..2147483647)");
    chunk_size_ = size;
  } else if (message.type_id == message_type::abort) {
    if (message.payload.size() < 4)
      return fail("Abort message of " + std::to_string(message.payload.size()) + " bytes (needs 4)");
    const auto target = streams_.find(byte_io::read_u32be(message.payload.data()));
    if (target != streams_.end()) drop_partial(target->second);
  }
  out.push_back(std::move(message));
  return {};
}

void ChunkDecoder::drop_partial(ChunkStream& stream) {
  if (!stream.in_progress) return;
  stream.partial = std::vector<uint8_t>();
  stream.in_progress = false;
  --partial_count_;
  buffered_bytes_ -= stream.length;
}

}  // namespace mmids::rtmp
