#include "mmids-core/containers/ts_muxer.hpp"

#include "mmids-core/containers/pes_header.hpp"
#include "mmids-core/containers/ts_tables.hpp"
#include "mmids-core/media/codecs/flv_tags.hpp"

#include <algorithm>

namespace mmids::containers {

namespace {

namespace flv = media::flv;
namespace aac = media::aac;

MuxResult result(MuxOutcome outcome, std::string reason = {}) { return MuxResult{outcome, std::move(reason)}; }

// dts and pts on the 90 kHz clock, ahead of the PCR by the decode delay. A negative
// composition offset (pts before dts) cannot be expressed in MPEG-TS: it is taken as 0.
struct PesClock {
  uint64_t pcr;
  uint64_t dts;
  uint64_t pts;
};

PesClock pes_clock(const media::MediaPayload& payload) {
  const uint64_t pcr = to_90khz(payload.timestamp_ms);
  const uint64_t dts = (pcr + TsMuxer::kDecodeDelay90khz) & kMpegClockMask;
  const uint64_t pts = (dts + to_90khz(std::max(payload.composition_offset_ms, 0))) & kMpegClockMask;
  return {pcr, dts, pts};
}

}  // namespace

MuxResult TsMuxer::write(const media::MediaPayload& payload, std::vector<uint8_t>& out) {
  return payload.is_video() ? write_video(payload, out) : write_audio(payload, out);
}

void TsMuxer::reset_stream() {
  video_.reset();
  audio_.reset();
  tables_due_ = true;
}

MuxResult TsMuxer::write_video(const media::MediaPayload& payload, std::vector<uint8_t>& out) {
  auto tag = flv::read_video_tag(payload.data.span());
  if (!tag) return result(MuxOutcome::Malformed, tag.error());
  if (!tag->is_avc()) {
    return result(MuxOutcome::Unsupported, "video codec " + flv::codec_name(*tag) + " is not supported in MPEG-TS");
  }
  switch (tag->packet_type) {
    case flv::kAvcSequenceHeader:
      if (auto status = video_.configure(tag->data); !status) {
        return result(MuxOutcome::Malformed, "AVC sequence header: " + status.error());
      }
      return result(MuxOutcome::Configured);
    case flv::kAvcEndOfSequence:
      return result(MuxOutcome::Skipped);
    case flv::kAvcNalu:
      break;
    default:
      return result(MuxOutcome::Malformed, "unknown AVC packet type " + std::to_string(tag->packet_type));
  }
  if (!video_.configured()) return result(MuxOutcome::NeedsConfig, "an H.264 frame before its sequence header");
  if (auto status = video_.frame(tag->data, payload.is_keyframe, pieces_); !status) {
    return result(MuxOutcome::Malformed, "H.264 frame: " + status.error());
  }
  if (pieces_.empty()) return result(MuxOutcome::Skipped);
  if (payload.is_keyframe) tables_due_ = true;  // a player may start at any keyframe
  write_tables_if_due(out);
  const auto clock = pes_clock(payload);
  const PesHeader header(kStreamIdVideo, clock.pts,
                         clock.pts != clock.dts ? std::optional(clock.dts) : std::nullopt, std::nullopt);
  pieces_.insert(pieces_.begin(), header.bytes());
  TsUnitFlags flags;
  flags.pcr_90khz = clock.pcr;  // video, when there is video, carries the clock
  flags.random_access = payload.is_keyframe;
  packetizer_.write_pes(kVideoPid, pieces_, flags, out);
  return result(MuxOutcome::Written);
}

MuxResult TsMuxer::write_audio(const media::MediaPayload& payload, std::vector<uint8_t>& out) {
  auto tag = flv::read_audio_tag(payload.data.span());
  if (!tag) return result(MuxOutcome::Malformed, tag.error());
  if (!tag->is_aac()) {
    return result(MuxOutcome::Unsupported, "audio codec " + flv::codec_name(*tag) + " is not supported in MPEG-TS");
  }
  if (tag->packet_type == flv::kAacSequenceHeader) {
    auto config = aac::parse_audio_specific_config(tag->data);
    if (!config) return result(MuxOutcome::Malformed, "AAC sequence header: " + config.error());
    auto adts = aac::adts_config_from(*config);
    if (!adts) return result(MuxOutcome::Unsupported, adts.error());
    audio_ = *adts;
    return result(MuxOutcome::Configured);
  }
  if (tag->packet_type != flv::kAacRaw) {
    return result(MuxOutcome::Malformed, "unknown AAC packet type " + std::to_string(tag->packet_type));
  }
  if (!audio_) return result(MuxOutcome::NeedsConfig, "an AAC frame before its sequence header");
  if (tag->data.empty()) return result(MuxOutcome::Skipped);
  const auto adts = aac::adts_header(*audio_, tag->data.size());
  if (!adts) return result(MuxOutcome::Malformed, "an AAC frame too long for ADTS");
  write_tables_if_due(out);
  const auto clock = pes_clock(payload);
  const PesHeader header(kStreamIdAudio, clock.dts, std::nullopt, adts->size() + tag->data.size());
  pieces_.clear();
  pieces_.push_back(header.bytes());
  pieces_.emplace_back(*adts);
  pieces_.push_back(tag->data);
  TsUnitFlags flags;
  if (!has_video()) flags.pcr_90khz = clock.pcr;
  flags.random_access = true;  // every AAC frame decodes on its own
  packetizer_.write_pes(kAudioPid, pieces_, flags, out);
  return result(MuxOutcome::Written);
}

void TsMuxer::write_tables_if_due(std::vector<uint8_t>& out) {
  if (announced_video_ != has_video() || announced_audio_ != has_audio()) {
    announced_video_ = has_video();
    announced_audio_ = has_audio();
    pmt_version_ = static_cast<uint8_t>((pmt_version_ + 1) & 0x1F);
    tables_due_ = true;
  }
  if (!tables_due_) return;
  tables_due_ = false;
  TsElementaryStream streams[2];
  size_t count = 0;
  if (has_video()) streams[count++] = {kStreamTypeH264, kVideoPid};
  if (has_audio()) streams[count++] = {kStreamTypeAacAdts, kAudioPid};
  // Two small sections about once a second: not worth caching.
  packetizer_.write_section(kPatPid, pat_section(kPmtPid, 0), out);
  packetizer_.write_section(kPmtPid, pmt_section(pcr_pid(), std::span(streams, count), pmt_version_), out);
}

}  // namespace mmids::containers
