#include "mmids-core/containers/hls_segmenter.hpp"

#include <algorithm>
#include <limits>

namespace mmids::containers {

namespace {

uint32_t duration_of(int64_t milliseconds) {
  return static_cast<uint32_t>(std::clamp<int64_t>(milliseconds, 0, std::numeric_limits<uint32_t>::max()));
}

MuxResult skipped(std::string reason) { return MuxResult{MuxOutcome::Skipped, std::move(reason)}; }

}  // namespace

int64_t HlsSegmenter::StreamClock::unwrap(uint32_t timestamp_ms) {
  // The wrapping difference read as signed: interleaved tracks may step back a little.
  const int64_t value = last_ ? last_->second + static_cast<int32_t>(timestamp_ms - last_->first) : 0;
  last_ = {timestamp_ms, value};
  return value;
}

HlsSegmenter::HlsSegmenter(HlsSegmenterOptions options)
    : options_(std::move(options)), waiters_(options_.max_waiters) {
  options_.window_segments = std::max<size_t>(options_.window_segments, 1);
}

MuxResult HlsSegmenter::push(const media::MediaNotification& notification) {
  MuxResult result;
  if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) {
    result = push_payload(*payload);
  } else if (const auto* stream = std::get_if<media::NewStream>(&notification)) {
    start_stream(stream->id);
  } else if (const auto* gone = std::get_if<media::StreamDisconnected>(&notification)) {
    if (stream_ == gone->id) end_stream();
  }
  settle();
  return result;
}

void HlsSegmenter::finish() {
  end_stream();
  ended_ = true;
  changed();
  settle();
}

MuxResult HlsSegmenter::push_payload(const media::MediaPayload& payload) {
  if (!stream_) start_stream(payload.id);  // fed without a NewStream: the first id is the stream
  if (payload.id != *stream_) return skipped("a payload of another stream");
  if (payload.is_sequence_header) return muxer_.write(payload, buffer_);  // configures, writes nothing

  const int64_t at = clock_.unwrap(payload.timestamp_ms);
  // Where a segment (and a player) may start: a video keyframe, or any audio frame of an
  // audio-only stream.
  const bool video_mode = muxer_.has_video();
  const bool can_start = video_mode ? payload.is_video() && payload.is_keyframe : payload.is_audio() && muxer_.has_audio();
  if (!open_) {
    if (!can_start) return skipped(video_mode ? "waiting for a keyframe" : "waiting for a decodable frame");
    open_segment(at, true);
  } else if (can_start && at - open_->start_ms >= options_.target_duration.count()) {
    close_segment(at);
    open_segment(at, true);
  } else if (options_.low_latency && at - open_->part_start_ms >= options_.low_latency->part_target.count()) {
    close_part(at, can_start);
  }
  auto result = muxer_.write(payload, buffer_);
  if (result.written()) {
    note_frame(payload, at);
    // Too big to keep: closed now, and the next segment waits for a keyframe.
    if (open_->parts_bytes + buffer_.size() > options_.max_segment_bytes) close_segment(stream_end_ms());
  }
  return result;
}

void HlsSegmenter::start_stream(media::StreamId id) {
  if (stream_ == id) return;
  if (stream_) end_stream();
  stream_ = id;
  muxer_.reset_stream();
  clock_.reset();
  latest_ms_.reset();
  last_cutting_frame_ms_.reset();
  frame_gap_ms_ = 0;
  if (next_sequence_ > 0) next_discontinuity_ = true;  // a stream replaces one that made segments
  if (ended_) {
    ended_ = false;
    changed();
  }
}

void HlsSegmenter::end_stream() {
  if (open_) close_segment(stream_end_ms());
  stream_.reset();
  muxer_.reset_stream();
}

void HlsSegmenter::note_frame(const media::MediaPayload& payload, int64_t at_ms) {
  latest_ms_ = latest_ms_ ? std::max(*latest_ms_, at_ms) : at_ms;
  // The last segment of a stream lasts until its last frame ends: one frame interval of
  // the track that cuts segments (video, unless audio only) after that frame.
  const bool cutting_track = muxer_.has_video() ? payload.is_video() : payload.is_audio();
  if (!cutting_track) return;
  if (last_cutting_frame_ms_ && at_ms > *last_cutting_frame_ms_) frame_gap_ms_ = at_ms - *last_cutting_frame_ms_;
  last_cutting_frame_ms_ = at_ms;
}

int64_t HlsSegmenter::stream_end_ms() const {
  const int64_t latest = latest_ms_.value_or(open_ ? open_->start_ms : 0);
  return last_cutting_frame_ms_ ? std::max(latest, *last_cutting_frame_ms_ + frame_gap_ms_) : latest;
}

void HlsSegmenter::open_segment(int64_t at_ms, bool independent) {
  open_ = OpenSegment{};
  open_->sequence = next_sequence_;
  open_->start_ms = at_ms;
  open_->part_start_ms = at_ms;
  open_->part_independent = independent;
  open_->discontinuity = std::exchange(next_discontinuity_, false);
  any_discontinuity_ |= open_->discontinuity;
  muxer_.request_tables();  // every segment starts with PAT and PMT
  changed();
}

void HlsSegmenter::close_part(int64_t at_ms, bool next_independent) {
  if (buffer_.empty()) {
    // Nothing was written since the part started: it goes on (so durations still add up).
    open_->part_independent = next_independent;
    return;
  }
  HlsPart part;
  part.duration_ms = duration_of(at_ms - open_->part_start_ms);
  part.independent = open_->part_independent;
  const size_t size = buffer_.size();
  part.bytes = media::SharedBuffer::adopt(std::move(buffer_));
  buffer_ = {};
  buffer_.reserve(size + size / 4);  // the next part is about as big: one allocation each
  open_->parts_bytes += size;
  open_->parts.push_back(std::move(part));
  open_->part_start_ms = at_ms;
  open_->part_independent = next_independent;
  changed();
}

void HlsSegmenter::close_segment(int64_t end_ms) {
  close_part(end_ms, false);
  OpenSegment open = std::move(*open_);
  open_.reset();
  changed();
  if (open.parts.empty()) {
    next_discontinuity_ |= open.discontinuity;  // nothing came of it: the next one carries the mark
    return;
  }
  auto segment = std::make_shared<HlsSegment>();
  segment->sequence = open.sequence;
  segment->duration_ms = duration_of(end_ms - open.start_ms);
  segment->discontinuity = open.discontinuity;
  segment->parts = std::move(open.parts);
  next_sequence_ = open.sequence + 1;
  max_duration_ms_ = std::max(max_duration_ms_, segment->duration_ms);
  window_.push_back(std::move(segment));
  while (window_.size() > options_.window_segments) {
    if (window_.front()->discontinuity) ++discontinuity_sequence_;
    window_.erase(window_.begin());
  }
}

void HlsSegmenter::changed() {
  playlist_.reset();
  waiters_due_ = true;
}

void HlsSegmenter::settle() {
  if (!waiters_due_) return;
  waiters_due_ = false;
  waiters_.notify([this](uint64_t msn, std::optional<size_t> part) { return available(msn, part); });
}

uint32_t HlsSegmenter::target_duration_seconds() const {
  const auto longest = max_duration_ms_ > 0 ? int64_t{max_duration_ms_} : options_.target_duration.count();
  return static_cast<uint32_t>(std::max<int64_t>(1, (longest + 999) / 1000));
}

std::shared_ptr<const std::string> HlsSegmenter::playlist() const {
  if (playlist_) return playlist_;
  HlsPlaylistState state;
  state.segments = window_;
  state.next_sequence = next_sequence_;
  state.discontinuity_sequence = discontinuity_sequence_;
  state.any_discontinuity = any_discontinuity_;
  state.target_duration_s = target_duration_seconds();
  state.ended = ended_;
  if (options_.low_latency) {
    HlsPlaylistState::LowLatency low_latency;
    low_latency.part_target_ms = static_cast<uint32_t>(options_.low_latency->part_target.count());
    if (open_) {
      low_latency.open_parts = open_->parts;
      low_latency.open_discontinuity = open_->discontinuity;
    }
    state.low_latency = low_latency;
  }
  playlist_ = std::make_shared<const std::string>(render_media_playlist(state, options_.naming));
  return playlist_;
}

std::shared_ptr<const HlsSegment> HlsSegmenter::segment(uint64_t sequence) const {
  if (window_.empty() || sequence < window_.front()->sequence || sequence > window_.back()->sequence) return nullptr;
  return window_[sequence - window_.front()->sequence];
}

std::optional<HlsPart> HlsSegmenter::part(uint64_t sequence, size_t index) const {
  if (open_ && open_->sequence == sequence) {
    if (index < open_->parts.size()) return open_->parts[index];
    return std::nullopt;
  }
  auto whole = segment(sequence);
  if (!whole || index >= whole->parts.size()) return std::nullopt;
  return whole->parts[index];
}

bool HlsSegmenter::available(uint64_t msn, std::optional<size_t> part) const {
  if (ended_ || msn < next_sequence_) return true;  // complete (or already gone from the window)
  return msn == next_sequence_ && part && open_ && *part < open_->parts.size();
}

HlsSegmenter::Reload HlsSegmenter::reload_state(uint64_t msn, std::optional<size_t> part) const {
  if (available(msn, part)) return Reload::Ready;
  // The draft: more than two segments past the playlist's last one is a client error.
  if (msn > next_sequence_ + 1) return Reload::TooFarAhead;
  return Reload::Pending;
}

HlsReloadWaiters::Id HlsSegmenter::wait_for(uint64_t msn, std::optional<size_t> part, HlsReloadWaiters::Ready ready) {
  return waiters_.add(msn, part, std::move(ready),
                      [this](uint64_t m, std::optional<size_t> p) { return available(m, p); });
}

}  // namespace mmids::containers
