// Fuzz target: arbitrary bytes as a publisher's notifications through the HLS segmenter
// (and so the TS muxer): AVC/AAC sequence headers and frames whose codec bytes are
// garbage behind valid FLV headers, raw tag bodies of any codec, stream changes, ends,
// and the HTTP side's queries (playlist, lookups, blocking reload). The output must stay
// whole TS packets in a bounded window, and every refusal must carry a reason. The codec
// parsers also see the raw input.
//
// Input: records of [op][timestamp delta: 2 bytes][length: 2 bytes][body], the first byte
// choosing plain or low-latency HLS. Seeds hold real tag bodies (tests/fuzz/corpus/).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mmids-core/containers/hls_segmenter.hpp"
#include "mmids-core/media/codecs/aac.hpp"
#include "mmids-core/media/codecs/h264.hpp"
#include "mmids-core/media/tag_inspection.hpp"

using namespace mmids;
using namespace mmids::containers;

namespace {

enum Op : uint8_t {
  kNewStream,
  kDisconnect,
  kAvcHeader,   // [0x17, 0, cts] + body
  kAvcFrame,    // [0x17 or 0x27, 1, cts] + body
  kAacHeader,   // [0xAF, 0] + body
  kAacFrame,    // [0xAF, 1] + body
  kVideoBody,   // body as the whole video tag
  kAudioBody,   // body as the whole audio tag
  kFinish,
  kQuery,
  kOpCount,
};

constexpr size_t kWindow = 3;

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}
  [[nodiscard]] bool done() const { return at_ >= data_.size(); }
  uint8_t byte() { return done() ? 0 : data_[at_++]; }
  uint16_t u16() { return static_cast<uint16_t>((byte() << 8) | byte()); }
  std::span<const uint8_t> bytes(size_t n) {
    n = std::min(n, data_.size() - std::min(at_, data_.size()));
    auto out = data_.subspan(at_, n);
    at_ += n;
    return out;
  }

 private:
  std::span<const uint8_t> data_;
  size_t at_ = 0;
};

void check_ts(std::span<const uint8_t> bytes) {
  if (bytes.size() % 188 != 0) std::abort();
  for (size_t at = 0; at < bytes.size(); at += 188) {
    if (bytes[at] != 0x47) std::abort();
  }
}

void check_segmenter(const HlsSegmenter& segmenter) {
  if (segmenter.segments().size() > kWindow) std::abort();
  for (const auto& segment : segmenter.segments()) {
    if (segment->parts.empty()) std::abort();
    for (const auto& part : segment->parts) check_ts(part.bytes.span());
  }
}

media::MediaPayload payload(media::MediaKind kind, uint32_t timestamp, std::vector<uint8_t> body) {
  return media::make_payload(1, kind, timestamp, media::SharedBuffer::adopt(std::move(body)));
}

std::vector<uint8_t> tag(std::initializer_list<uint8_t> header, std::span<const uint8_t> body) {
  std::vector<uint8_t> out(header);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

void query(HlsSegmenter& segmenter, uint8_t what, uint16_t value) {
  const uint64_t sequence = segmenter.next_sequence() + (value & 0x7) - 4;
  (void)segmenter.playlist();
  (void)segmenter.segment(sequence);
  (void)segmenter.part(sequence, value >> 12);
  (void)segmenter.reload_state(sequence, (what & 1) ? std::optional<size_t>(value >> 12) : std::nullopt);
  const auto id = segmenter.wait_for(sequence, value >> 13, [] {});
  if (what & 2) segmenter.cancel_wait(id);
}

void exercise_codec_parsers(std::span<const uint8_t> data) {
  (void)media::h264::parse_avcc(data);
  (void)media::h264::split_annex_b(data);
  (void)media::h264::split_length_prefixed(data, 4);
  (void)media::aac::parse_audio_specific_config(data);
  (void)media::aac::split_adts(data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exercise_codec_parsers(std::span(data, size));
  Reader in(std::span(data, size));
  HlsSegmenterOptions options;
  options.window_segments = kWindow;
  options.max_segment_bytes = 256 * 1024;
  options.max_waiters = 64;
  if (in.byte() & 1) options.low_latency = HlsLowLatencyOptions{};
  HlsSegmenter segmenter(options);
  uint32_t timestamp = 0;
  media::StreamId stream = 1;
  while (!in.done()) {
    const uint8_t op_byte = in.byte();
    const uint16_t delta = in.u16();
    const auto body = in.bytes(in.u16());
    timestamp += (delta & 0x8000) ? static_cast<uint32_t>(delta) << 12 : delta;  // sometimes a big jump
    const auto cts = static_cast<uint8_t>(delta >> 4);
    const bool key = (op_byte & 0x80) != 0;
    std::optional<media::MediaPayload> media;
    switch (static_cast<Op>((op_byte & 0x7F) % kOpCount)) {
      case kNewStream: segmenter.push(media::NewStream{++stream % 3, "fuzz"}); break;
      case kDisconnect: segmenter.push(media::StreamDisconnected{stream % 3}); break;
      case kAvcHeader: media = payload(media::MediaKind::Video, timestamp, tag({0x17, 0, 0, 0, 0}, body)); break;
      case kAvcFrame:
        media = payload(media::MediaKind::Video, timestamp, tag({key ? uint8_t{0x17} : uint8_t{0x27}, 1, 0, 0, cts}, body));
        break;
      case kAacHeader: media = payload(media::MediaKind::Audio, timestamp, tag({0xAF, 0}, body)); break;
      case kAacFrame: media = payload(media::MediaKind::Audio, timestamp, tag({0xAF, 1}, body)); break;
      case kVideoBody: media = payload(media::MediaKind::Video, timestamp, tag({}, body)); break;
      case kAudioBody: media = payload(media::MediaKind::Audio, timestamp, tag({}, body)); break;
      case kFinish: segmenter.finish(); break;
      case kQuery: query(segmenter, op_byte, delta); break;
      case kOpCount: break;
    }
    if (media) {
      media->id = stream % 3;
      const auto result = segmenter.push(*media);
      if (result.is_problem() && result.reason.empty()) std::abort();
    }
    check_segmenter(segmenter);
  }
  segmenter.finish();
  check_segmenter(segmenter);
  if (!segmenter.playlist()->ends_with("#EXT-X-ENDLIST\n")) std::abort();
  return 0;
}
