// Fuzz target: a publisher's audio and video tag bodies through everything that looks
// inside them: media::inspect_video_tag / inspect_audio_tag / make_payload (the relay's
// keyframe and sequence-header flags), the FLV tag readers, the codec names and SPS
// picture size the node's activity book reads (tag_codecs, h264_sps), the media/codecs parsers
// the muxers and the libavformat pull run on the codec bytes (avcC, Annex-B and
// length-prefixed NAL units, AudioSpecificConfig, ADTS). Beyond "no over-read":
// - the relay's flags agree with the FLV readers, and make_payload with inspect_*;
// - what a reader returns lies inside its input;
// - builders and parsers are inverses: FLV tags, NAL unit framings, avcC from its own
//   parameter sets, an ADTS frame from an AudioSpecificConfig and back.
//
// Input: [selector][body]. The selector's low bit says video or audio; every parser sees
// the body (and the codec bytes behind the FLV header) whatever it says.
#include "mmids-core/media/codecs/aac.hpp"
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/codecs/h264.hpp"
#include "mmids-core/media/codecs/h264_sps.hpp"
#include "mmids-core/media/tag_codecs.hpp"
#include "mmids-core/media/tag_inspection.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>

using namespace mmids::media;

namespace {

using Span = std::span<const uint8_t>;

void check_inside(Span part, Span whole) {
  if (part.empty()) return;
  if (part.data() < whole.data() || part.data() + part.size() > whole.data() + whole.size()) std::abort();
}

bool same(Span a, Span b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// True when no start code can hide inside or between the units, so Annex-B keeps them apart.
bool annex_b_safe(const h264::Nalus& nalus) {
  for (const auto& nalu : nalus) {
    if (nalu.back() == 0) return false;
    for (size_t i = 0; i + 1 < nalu.size(); ++i)
      if (nalu[i] == 0 && nalu[i + 1] == 0) return false;
  }
  return true;
}

bool same_units(const h264::Nalus& a, const h264::Nalus& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

void check_video(Span body) {
  const TagFacts facts = inspect_video_tag(body);
  auto payload = make_payload(1, MediaKind::Video, 0, SharedBuffer::copy_of(body));
  if (payload.is_keyframe != facts.is_keyframe || payload.is_sequence_header != facts.is_sequence_header ||
      payload.composition_offset_ms != facts.composition_offset_ms)
    std::abort();
  auto tag = flv::read_video_tag(body);
  if (!tag) {
    if (tag.error().empty()) std::abort();
    return;
  }
  check_inside(tag->data, body);
  (void)flv::codec_name(*tag);
  if (tag->keyframe != facts.is_keyframe) std::abort();
  if (tag->is_avc()) {
    if (facts.is_sequence_header != (tag->packet_type == flv::kAvcSequenceHeader)) std::abort();
    if (tag->packet_type == flv::kAvcNalu && tag->composition_ms != facts.composition_offset_ms) std::abort();
    // The builders make what the reader reads (for the headers they write).
    if (tag->packet_type == flv::kAvcNalu && (body[0] == 0x17 || body[0] == 0x27) &&
        !same(flv::avc_frame_tag(tag->keyframe, tag->composition_ms, tag->data), body))
      std::abort();
    static constexpr uint8_t kSequenceHeader[] = {0x17, 0, 0, 0, 0};
    if (same(body.first(5), kSequenceHeader) && !same(flv::avc_sequence_header_tag(tag->data), body)) std::abort();
  }
}

void check_audio(Span body) {
  const TagFacts facts = inspect_audio_tag(body);
  auto payload = make_payload(1, MediaKind::Audio, 0, SharedBuffer::copy_of(body));
  if (payload.is_keyframe || payload.is_sequence_header != facts.is_sequence_header) std::abort();
  auto tag = flv::read_audio_tag(body);
  if (!tag) {
    if (tag.error().empty()) std::abort();
    return;
  }
  check_inside(tag->data, body);
  (void)flv::codec_name(*tag);
  if (tag->is_aac()) {
    if (facts.is_sequence_header != (tag->packet_type == flv::kAacSequenceHeader)) std::abort();
    const auto rebuilt = tag->packet_type == flv::kAacSequenceHeader ? flv::aac_sequence_header_tag(tag->data)
                                                                     : flv::aac_frame_tag(tag->data);
    if (body[0] == 0xAF && tag->packet_type <= flv::kAacRaw && !same(rebuilt, body)) std::abort();
  }
}

void check_h264(Span data) {
  const auto annex_b = h264::split_annex_b(data);
  for (const auto& nalu : annex_b) {
    if (nalu.empty()) std::abort();
    check_inside(nalu, data);
  }
  // Annex-B -> length-prefixed (what the pull does) -> Annex-B (what the TS muxer does).
  const auto prefixed = h264::to_length_prefixed(annex_b);
  auto units = h264::split_length_prefixed(prefixed, 4);
  if (!units) std::abort();
  h264::Bytes back;
  if (!h264::append_annex_b(prefixed, 4, back)) std::abort();
  h264::Nalus without_aud;
  for (const auto& nalu : annex_b)
    if (h264::nal_type(nalu) != h264::kNalAccessUnitDelimiter) without_aud.push_back(nalu);
  if (!same_units(*units, without_aud)) std::abort();
  if (annex_b_safe(without_aud) && !same_units(h264::split_annex_b(back), without_aud)) std::abort();

  for (int length_size = 1; length_size <= 4; ++length_size) {
    auto split = h264::split_length_prefixed(data, length_size);
    h264::Bytes converted{0xAA};
    const auto status = h264::append_annex_b(data, length_size, converted);
    if (split.ok() != status.ok()) std::abort();
    if (!status && converted.size() != 1) std::abort();  // all or nothing
    if (!split) continue;
    for (const auto& nalu : *split) check_inside(nalu, data);
  }

  auto config = h264::parse_avcc(data);
  if (!config) return;
  if (config->sps.empty() || config->pps.empty() || config->nalu_length_size < 1 || config->nalu_length_size > 4)
    std::abort();
  if (h264::avcc_length_size(data) != config->nalu_length_size && data.size() >= 7) std::abort();
  // The parameter sets as Annex-B, and an avcC rebuilt from them, hold the same units.
  const auto sets = h264::parameter_sets_annex_b(*config);
  h264::Nalus all;
  for (const auto* list : {&config->sps, &config->pps})
    for (const auto& unit : *list) all.emplace_back(unit);
  if (annex_b_safe(all) && !same_units(h264::split_annex_b(sets), all)) std::abort();
  if (auto rebuilt = h264::avcc_from_nalus(all)) {
    auto again = h264::parse_avcc(*rebuilt);
    if (!again) std::abort();
  }
}

void check_aac(Span data) {
  auto frames = aac::split_adts(data);
  if (frames) {
    for (const auto& frame : *frames) {
      check_inside(frame.payload, data);
      auto config = aac::parse_audio_specific_config(frame.audio_specific_config);
      if (!config || config->sample_rate != frame.sample_rate) std::abort();
    }
  } else if (frames.error().empty()) {
    std::abort();
  }
  auto config = aac::parse_audio_specific_config(data);
  if (!config) return;
  if (config->sample_rate <= 0) std::abort();
  auto adts = aac::adts_config_from(*config);
  if (!adts) return;
  // One ADTS frame of the rest of the input, read back: the same frame and configuration.
  const auto header = aac::adts_header(*adts, data.size());
  if (!header) return;
  h264::Bytes frame(header->begin(), header->end());
  frame.insert(frame.end(), data.begin(), data.end());
  auto back = aac::split_adts(frame);
  if (!back || back->size() != 1 || !same((*back)[0].payload, data) || (*back)[0].sample_rate != adts->sample_rate)
    std::abort();
  auto again = aac::parse_audio_specific_config((*back)[0].audio_specific_config);
  if (!again || again->object_type != config->core_object_type || again->sample_rate_index != config->sample_rate_index ||
      again->channel_config != config->channel_config)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Span body(data + 1, size - 1);
  if (data[0] & 1) {
    check_video(body);
  } else {
    check_audio(body);
  }
  // What the node's API and reports read from a stream's tags (codec names, picture size).
  (void)video_codec_name(body);
  (void)audio_codec_name(body);
  (void)video_picture_size(body);
  // The codec parsers see the bytes behind either FLV header, and the body itself.
  for (size_t header : {size_t{0}, size_t{2}, size_t{5}}) {
    if (body.size() < header) break;
    check_h264(body.subspan(header));
    check_aac(body.subspan(header));
    (void)h264::sps_picture_size(body.subspan(header));
  }
  return 0;
}
