#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>


namespace mmids::rtmp {

namespace {

constexpr uint32_t kMaxMessageLength = 0xFFFFFF;

// Appends a basic header (1, 2 or 3 bytes by chunk stream id) to a small buffer.
size_t write_basic_header(uint8_t* out, uint8_t fmt, uint32_t csid) {
  const auto top = static_cast<uint8_t>(fmt << 6);
  if (csid < 64) {
    out[0] = static_cast<uint8_t>(top | csid);
    return 1;
  }
  if (csid < 64 + 256) {
    out[0] = top;
    out[1] = static_cast<uint8_t>(csid - 64);
    return 2;
  }
  out[0] = static_cast<uint8_t>(top | 1);
  out[1] = static_cast<uint8_t>((csid - 64) & 0xFF);
  out[2] = static_cast<uint8_t>((csid - 64) >> 8);
  return 3;
}

void write_u24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}

void write_u32be(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  write_u24(p + 1, v);
}

}  // namespace

// ---------------------------------------------------------------------------- batch

void ChunkWriteBatch::add_header(const uint8_t* bytes, size_t length) {
  // Consecutive header bytes (a zero-length message, or headers back to back) merge.
  if (!segments_.empty() && segments_.back().source == kHeaderSource &&
      segments_.back().offset + segments_.back().length == headers_.size()) {
    segments_.back().length += length;
  } else {
    segments_.push_back(Segment{kHeaderSource, headers_.size(), length});
  }
  headers_.insert(headers_.end(), bytes, bytes + length);
  total_bytes_ += length;
}

void ChunkWriteBatch::add_payload(uint32_t payload_index, size_t offset, size_t length) {
  segments_.push_back(Segment{payload_index, offset, length});
  total_bytes_ += length;
}

std::vector<uint8_t> ChunkWriteBatch::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(total_bytes_);
  for_each_segment([&out](std::span<const uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); });
  return out;
}

void ChunkWriteBatch::append(ChunkWriteBatch&& other) {
  if (other.empty()) return;
  if (empty()) {
    std::swap(*this, other);  // other keeps this batch's (empty) storage for reuse
    return;
  }
  const size_t header_base = headers_.size();
  const auto payload_base = static_cast<uint32_t>(payloads_.size());
  headers_.insert(headers_.end(), other.headers_.begin(), other.headers_.end());
  for (auto& payload : other.payloads_) payloads_.push_back(std::move(payload));
  for (const auto& segment : other.segments_) {
    if (segment.source == kHeaderSource) {
      segments_.push_back(Segment{kHeaderSource, header_base + segment.offset, segment.length});
    } else {
      segments_.push_back(Segment{payload_base + segment.source, segment.offset, segment.length});
    }
  }
  total_bytes_ += other.total_bytes_;
  other.clear();
}

void ChunkWriteBatch::clear() {
  // A usual batch (one interval of a stream) keeps its storage for the next one; an unusual
  // one (the handshake, a viewer's GOP replay at join) gives it back, or every connection
  // would keep its join's high-water mark for its whole life.
  if (segments_.capacity() > kKeptSegments || headers_.capacity() > kKeptHeaderBytes) {
    *this = ChunkWriteBatch{};
    return;
  }
  headers_.clear();
  payloads_.clear();
  segments_.clear();
  total_bytes_ = 0;
}

// ---------------------------------------------------------------------------- encoder

ChunkEncoder::ChunkEncoder(uint32_t chunk_size) : chunk_size_(1) { set_chunk_size(chunk_size); }

void ChunkEncoder::set_chunk_size(uint32_t size) { chunk_size_ = std::clamp<uint32_t>(size, 1, kMaxChunkSize); }

ChunkWriteBatch ChunkEncoder::encode(const RtmpMessage& message) {
  ChunkWriteBatch batch;
  encode(message, batch);
  return batch;
}

void ChunkEncoder::encode(const RtmpMessage& message, ChunkWriteBatch& batch) {
  const uint32_t csid = message.chunk_stream_id;
  if (csid < chunk_stream::min_id || csid > chunk_stream::max_id)
    throw std::invalid_argument("RTMP chunk stream id " + std::to_string(csid) + " outside 2..65599");
  if (message.payload.size() > kMaxMessageLength)
    throw std::invalid_argument("RTMP message of " + std::to_string(message.payload.size()) +
                                " bytes does not fit the 24-bit length field");
  const auto length = static_cast<uint32_t>(message.payload.size());

  // Pick the smallest header that lets the peer reconstruct every field.
  uint8_t fmt = 0;
  uint32_t field = message.timestamp;  // fmt 0: absolute; fmt 1/2/3: delta
  auto found = streams_.find(csid);
  if (found != streams_.end() && found->second.message_stream_id == message.message_stream_id &&
      message.timestamp >= found->second.timestamp) {
    const StreamState& previous = found->second;
    field = message.timestamp - previous.timestamp;
    if (length != previous.length || message.type_id != previous.type_id)
      fmt = 1;
    else if (!previous.delta_valid || field != previous.delta)
      fmt = 2;
    else
      fmt = 3;
  }
  StreamState& state = streams_[csid];
  state.message_stream_id = message.message_stream_id;
  state.type_id = message.type_id;
  state.length = length;
  state.timestamp = message.timestamp;
  state.delta = field;
  state.delta_valid = fmt != 0;

  const bool extended = field >= kExtendedTimestampMarker;
  uint8_t header[18];
  size_t size = write_basic_header(header, fmt, csid);
  if (fmt <= 2) {
    write_u24(header + size, extended ? kExtendedTimestampMarker : field);
    size += 3;
  }
  if (fmt <= 1) {
    write_u24(header + size, length);
    header[size + 3] = message.type_id;
    size += 4;
  }
  if (fmt == 0) {
    const uint32_t id = message.message_stream_id;  // little-endian on the wire
    header[size] = static_cast<uint8_t>(id);
    header[size + 1] = static_cast<uint8_t>(id >> 8);
    header[size + 2] = static_cast<uint8_t>(id >> 16);
    header[size + 3] = static_cast<uint8_t>(id >> 24);
    size += 4;
  }
  if (extended) {
    write_u32be(header + size, field);
    size += 4;
  }
  batch.add_header(header, size);
  if (length == 0) return;

  const auto payload_index = static_cast<uint32_t>(batch.payloads_.size());
  batch.payloads_.push_back(message.payload);
  // Continuation chunks: fmt 3 basic header, plus the extended timestamp again when the
  // message header used it (what the spec, ffmpeg and nginx-rtmp expect).
  uint8_t continuation[7];
  size_t continuation_size = write_basic_header(continuation, 3, csid);
  if (extended) {
    write_u32be(continuation + continuation_size, field);
    continuation_size += 4;
  }
  for (size_t offset = 0; offset < length;) {
    if (offset > 0) batch.add_header(continuation, continuation_size);
    const size_t take = std::min<size_t>(chunk_size_, length - offset);
    batch.add_payload(payload_index, offset, take);
    offset += take;
  }
}

}  // namespace mmids::rtmp
