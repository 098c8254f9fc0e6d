#include "steps/ffmpeg_pull/libav_pull_source.hpp"

#include "mmids-core/media/codecs/aac.hpp"
#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/codecs/h264.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
}

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace mmids::steps {

struct LibavPullSource::Attempt {
  std::atomic<bool> stopping{false};  // set by stop(); read by the worker and libav's interrupt callback
  // The blocking call in progress must be done by then (steady clock, ns; 0: no bound).
  // Set by the worker before each blocking call; libav's interrupt callback checks it.
  std::atomic<int64_t> deadline_ns{0};
  std::atomic<bool> timed_out{false};
  std::mutex mutex;                   // with `wake`: lets stop() cut a pacing sleep short
  std::condition_variable wake;
  Handlers handlers;  // io thread only
  bool ended = false;  // io thread only
};

namespace flv = media::flv;
namespace h264 = media::h264;
namespace aac = media::aac;

namespace {

using Attempt = LibavPullSource::Attempt;
using Clock = std::chrono::steady_clock;

// A packet bigger than this is no sane audio or video frame: skipped, not copied.
constexpr int kMaxPacketSize = 32 * 1024 * 1024;
// When the source falls this far behind real time (a stall) or its timestamps jump this
// far ahead, pacing starts over from the current packet instead of bursting or sleeping.
constexpr auto kPacingSlack = std::chrono::seconds(3);

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

// libavformat polls this during every blocking call: non-zero aborts it, so stop() is prompt
// and a source that went silent (no FIN: a frozen host) ends at its deadline.
int interrupt_requested(void* opaque) {
  auto* attempt = static_cast<Attempt*>(opaque);
  if (attempt->stopping.load()) return 1;
  const int64_t deadline = attempt->deadline_ns.load();
  if (deadline != 0 && now_ns() > deadline) {
    attempt->timed_out = true;
    return 1;
  }
  return 0;
}

struct FormatCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;

struct PacketFree {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

constexpr AVRational kMilliseconds{1, 1000};

// One pull attempt, run on the worker thread from open to end.
class Demuxer {
 public:
  Demuxer(asio::io_context& io, std::shared_ptr<Attempt> attempt, std::string location, log::Fields fields,
          std::chrono::milliseconds media_timeout, std::chrono::milliseconds open_timeout)
      : io_(io),
        attempt_(std::move(attempt)),
        location_(std::move(location)),
        fields_(std::move(fields)),
        loops_(LibavPullSource::is_local_file(location_)),
        media_timeout_(media_timeout),
        open_timeout_(open_timeout) {}

  void run() {
    std::string error;
    if (!open(&error)) return end(error);
    post([](PullSource::Handlers& handlers) {
      if (handlers.on_started) handlers.on_started();
    });
    send_initial_headers();
    PacketPtr packet(av_packet_alloc());
    if (!packet) return end("out of memory");
    bool pass_had_media = false;
    while (!stopping()) {
      bound_next_call(media_timeout_);
      const int result = av_read_frame(format_.get(), packet.get());
      if (attempt_->timed_out) {
        return end("no data for " + std::to_string(media_timeout_.count()) + " ms from " + location_);
      }
      if (result == AVERROR(EAGAIN)) {
        sleep_until(Clock::now() + std::chrono::milliseconds(10));
        continue;
      }
      if (result == AVERROR_EOF && loops_) {
        // Without a single packet per pass, looping would spin on an empty file.
        if (!pass_had_media) return end("no audio or video packets in " + location_);
        pass_had_media = false;
        if (!restart_from_beginning(&error)) return end(error);
        continue;
      }
      if (stopping()) return;
      if (result == AVERROR_EOF) return end("end of stream from " + location_);
      if (result < 0) return end("reading " + location_ + ": " + av_error_text(result));
      pass_had_media |= on_packet(*packet);
      av_packet_unref(packet.get());
    }
  }

 private:
  struct Track {
    int index = -1;
    AVRational time_base{1, 1000};
    flv::Bytes sent_header;  // the last sequence header sent, resent only when it changes
  };

  [[nodiscard]] bool stopping() const { return attempt_->stopping.load(); }

  // The next blocking libav call must finish within `timeout` (live sources only).
  void bound_next_call(std::chrono::milliseconds timeout) {
    if (loops_ || timeout.count() == 0) return;
    attempt_->deadline_ns = now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  }

  template <typename F>
  void post(F&& call) {
    asio::post(io_, [attempt = attempt_, call = std::forward<F>(call)]() mutable {
      if (!attempt->stopping.load()) call(attempt->handlers);
    });
  }

  void end(const std::string& reason) {
    if (stopping()) return;  // interrupted by stop(): nobody to tell
    asio::post(io_, [attempt = attempt_, reason] {
      if (attempt->stopping.load() || attempt->ended) return;
      attempt->ended = true;
      auto on_ended = attempt->handlers.on_ended;
      if (on_ended) on_ended(reason);
    });
  }

  void send(media::MediaKind kind, int64_t timestamp_ms, flv::Bytes&& body) {
    auto buffer = media::SharedBuffer::adopt(std::move(body));
    const auto timestamp = static_cast<uint32_t>(timestamp_ms);  // the RTMP clock wraps at 2^32
    post([kind, timestamp, buffer](PullSource::Handlers& handlers) {
      if (handlers.on_media) handlers.on_media(kind, timestamp, buffer);
    });
  }

  bool open(std::string* error) {
    static std::once_flag network_once;
    std::call_once(network_once, [] { avformat_network_init(); });
    AVFormatContext* context = avformat_alloc_context();
    if (!context) return *error = "out of memory", false;
    context->interrupt_callback.callback = &interrupt_requested;
    context->interrupt_callback.opaque = attempt_.get();
    AVDictionary* options = nullptr;
    if (!loops_) {
      // The protocols' own read timeout too (microseconds), for reads the callback misses.
      const auto timeout_us = std::to_string(std::chrono::microseconds(media_timeout_).count());
      av_dict_set(&options, "rw_timeout", timeout_us.c_str(), 0);
    }
    bound_next_call(open_timeout_);
    // On failure avformat_open_input frees the context itself.
    int result = avformat_open_input(&context, location_.c_str(), nullptr, &options);
    av_dict_free(&options);
    const std::string timed_out = " (no answer within " + std::to_string(open_timeout_.count()) + " ms)";
    if (result < 0) {
      return *error = "opening " + location_ + ": " + av_error_text(result) + (attempt_->timed_out ? timed_out : ""), false;
    }
    format_.reset(context);
    result = avformat_find_stream_info(context, nullptr);
    if (result < 0) {
      return *error = "probing " + location_ + ": " + av_error_text(result) + (attempt_->timed_out ? timed_out : ""), false;
    }
    choose_streams();
    if (video_.index < 0 && audio_.index < 0) return *error = "no H.264 or AAC stream in " + location_, false;
    return true;
  }

  // The first H.264 and the first AAC stream are pulled; libav drops the others.
  void choose_streams() {
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
      AVStream* stream = format_->streams[i];
      const AVCodecParameters* codec = stream->codecpar;
      const bool picture = (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
      if (codec->codec_id == AV_CODEC_ID_H264 && video_.index < 0 && !picture) {
        video_.index = static_cast<int>(i);
        video_.time_base = stream->time_base;
      } else if (codec->codec_id == AV_CODEC_ID_AAC && audio_.index < 0) {
        audio_.index = static_cast<int>(i);
        audio_.time_base = stream->time_base;
      } else {
        stream->discard = AVDISCARD_ALL;
        if (!skips_logged_) {
          log_on_io(spdlog::level::info, fmt::format("{} pull of {}: skipping stream {} ({}): only H.264 and AAC are relayed",
                                                     fields_, location_, i, avcodec_get_name(codec->codec_id)));
        }
      }
    }
    skips_logged_ = true;  // once per attempt, not again on every loop of a file
  }

  void send_initial_headers() {
    if (video_.index >= 0) {
      const AVCodecParameters* codec = format_->streams[video_.index]->codecpar;
      std::span<const uint8_t> extradata(codec->extradata, codec->extradata ? codec->extradata_size : 0);
      length_size_ = h264::avcc_length_size(extradata);
      if (length_size_) {
        // Frames are rewritten with 4-byte lengths, so the record must say so.
        flv::Bytes avcc(extradata.begin(), extradata.end());
        avcc[4] |= 0x03;
        send_video_header(avcc, 0);
      } else if (auto avcc = h264::avcc_from_nalus(h264::split_annex_b(extradata))) {
        send_video_header(*avcc, 0);
      }
    }
    if (audio_.index >= 0) {
      const AVCodecParameters* codec = format_->streams[audio_.index]->codecpar;
      if (codec->extradata && codec->extradata_size >= 2) {
        extradata_asc_.assign(codec->extradata, codec->extradata + codec->extradata_size);
        send_audio_header(extradata_asc_, 0);
      }
    }
  }

  void send_video_header(const flv::Bytes& avcc, int64_t timestamp_ms) {
    if (avcc == video_.sent_header) return;
    video_.sent_header = avcc;
    send(media::MediaKind::Video, timestamp_ms, flv::avc_sequence_header_tag(avcc));
  }

  void send_audio_header(const flv::Bytes& asc, int64_t timestamp_ms) {
    if (asc == audio_.sent_header) return;
    audio_.sent_header = asc;
    send(media::MediaKind::Audio, timestamp_ms, flv::aac_sequence_header_tag(asc));
  }

  bool restart_from_beginning(std::string* error) {
    loop_offset_ms_ = pass_end_ms_;
    origin_ms_.reset();
    const int64_t start = format_->start_time != AV_NOPTS_VALUE ? format_->start_time : 0;
    if (av_seek_frame(format_.get(), -1, start, AVSEEK_FLAG_BACKWARD) >= 0) return true;
    // Some formats cannot seek: open the file again instead.
    format_.reset();
    video_.index = audio_.index = -1;
    if (!open(error)) return false;
    send_initial_headers();  // sends nothing unless the file changed under us
    return true;
  }

  // Milliseconds on the output clock: from the first packet of the pass, plus what
  // earlier passes of a looping file covered.
  int64_t output_ms(int64_t stream_ts, AVRational time_base) {
    const int64_t ms = av_rescale_q(stream_ts, time_base, kMilliseconds);
    if (!origin_ms_) origin_ms_ = ms;
    return std::max(ms - *origin_ms_, int64_t{0}) + loop_offset_ms_;
  }

  void sleep_until(Clock::time_point due) {
    std::unique_lock lock(attempt_->mutex);
    attempt_->wake.wait_until(lock, due, [this] { return stopping(); });
  }

  // Holds the packet back until its time has come on the wall clock (like ffmpeg -re).
  void pace(int64_t timestamp_ms) {
    const auto now = Clock::now();
    if (!pace_origin_) pace_origin_ = {now, timestamp_ms};
    auto due = pace_origin_->first + std::chrono::milliseconds(timestamp_ms - pace_origin_->second);
    if (due < now - kPacingSlack || due > now + kPacingSlack) {
      pace_origin_ = {now, timestamp_ms};
      due = now;
    }
    if (due > now) sleep_until(due);
  }

  // Whether the packet belonged to a pulled stream.
  bool on_packet(const AVPacket& packet) {
    const bool is_video = packet.stream_index == video_.index;
    const bool is_audio = packet.stream_index == audio_.index;
    if (!is_video && !is_audio) return false;
    if (packet.size <= 0 || packet.size > kMaxPacketSize || !packet.data) {
      warn_once("a packet of " + std::to_string(packet.size) + " bytes");
      return false;
    }
    const Track& track = is_video ? video_ : audio_;
    const int64_t dts = packet.dts != AV_NOPTS_VALUE ? packet.dts : packet.pts;
    if (dts == AV_NOPTS_VALUE) return false;  // nowhere to put it in time
    const int64_t timestamp = output_ms(dts, track.time_base);
    int64_t duration = av_rescale_q(packet.duration, track.time_base, kMilliseconds);
    pass_end_ms_ = std::max(pass_end_ms_, timestamp + std::max(duration, int64_t{1}));
    pace(timestamp);
    if (stopping()) return true;
    std::span<const uint8_t> data(packet.data, static_cast<size_t>(packet.size));
    if (is_video) {
      int64_t composition = 0;
      if (packet.pts != AV_NOPTS_VALUE && packet.dts != AV_NOPTS_VALUE) {
        composition = av_rescale_q(packet.pts, track.time_base, kMilliseconds) -
                      av_rescale_q(packet.dts, track.time_base, kMilliseconds);
      }
      on_video(data, timestamp, (packet.flags & AV_PKT_FLAG_KEY) != 0, static_cast<int32_t>(composition));
    } else {
      on_audio(data, timestamp);
    }
    return true;
  }

  void on_video(std::span<const uint8_t> data, int64_t timestamp, bool keyframe, int32_t composition) {
    std::vector<std::span<const uint8_t>> nalus;
    if (length_size_) {
      auto split = h264::split_length_prefixed(data, *length_size_);
      if (!split) return warn_once("an H.264 packet whose NAL lengths overrun it");
      nalus = std::move(*split);
    } else if (h264::starts_with_start_code(data)) {
      nalus = h264::split_annex_b(data);
      // Annex-B sources (TS, SRT, raw H.264) carry parameter sets in band: a new or
      // changed pair becomes a new sequence header ahead of the frame.
      if (auto avcc = h264::avcc_from_nalus(nalus)) send_video_header(*avcc, timestamp);
    } else {
      return warn_once("an H.264 packet in neither avcC nor Annex-B framing");
    }
    if (video_.sent_header.empty() || nalus.empty()) return;  // undecodable before a sequence header
    send(media::MediaKind::Video, timestamp, flv::avc_frame_tag(keyframe, composition, h264::to_length_prefixed(nalus)));
  }

  void on_audio(std::span<const uint8_t> data, int64_t timestamp) {
    if (!aac::starts_with_adts(data)) {
      if (audio_.sent_header.empty()) return;  // raw AAC needs the extradata's config first
      send(media::MediaKind::Audio, timestamp, flv::aac_frame_tag(data));
      return;
    }
    auto frames = aac::split_adts(data);
    if (!frames) return warn_once("a malformed ADTS frame");
    for (size_t i = 0; i < frames->size(); ++i) {
      const auto& frame = (*frames)[i];
      if (extradata_asc_.empty()) send_audio_header(frame.audio_specific_config, timestamp);
      // Frames after the first in one packet follow it by 1024 samples each.
      const int64_t offset = static_cast<int64_t>(i) * aac::kSamplesPerFrame * 1000 / frame.sample_rate;
      send(media::MediaKind::Audio, timestamp + offset, flv::aac_frame_tag(frame.payload));
    }
  }

  void warn_once(const std::string& what) {
    if (warned_) return;
    warned_ = true;
    log_on_io(spdlog::level::warn, fmt::format("{} pull of {}: skipping {} (further ones silently)", fields_, location_, what));
  }

  // Lines are written from the io thread: the logger's sink list is not guarded against
  // changes made there (tests capture logs by editing it).
  void log_on_io(spdlog::level::level_enum level, std::string line) {
    asio::post(io_, [level, line = std::move(line)] { spdlog::log(level, "{}", line); });
  }

  asio::io_context& io_;
  std::shared_ptr<Attempt> attempt_;
  std::string location_;
  log::Fields fields_;
  const bool loops_;
  const std::chrono::milliseconds media_timeout_;
  const std::chrono::milliseconds open_timeout_;
  FormatPtr format_;
  Track video_;
  Track audio_;
  std::optional<int> length_size_;  // set when H.264 frames are length-prefixed (avcC)
  flv::Bytes extradata_asc_;
  std::optional<int64_t> origin_ms_;
  int64_t loop_offset_ms_ = 0;
  int64_t pass_end_ms_ = 0;
  std::optional<std::pair<Clock::time_point, int64_t>> pace_origin_;
  bool skips_logged_ = false;
  bool warned_ = false;
};

}  // namespace

LibavPullSource::LibavPullSource(asio::io_context& io, std::string location, log::Fields fields,
                                 std::chrono::milliseconds media_timeout, std::chrono::milliseconds open_timeout)
    : io_(io),
      location_(std::move(location)),
      fields_(std::move(fields)),
      media_timeout_(media_timeout),
      open_timeout_(open_timeout) {}

LibavPullSource::~LibavPullSource() { stop(); }

bool LibavPullSource::is_local_file(const std::string& location) {
  return location.find("://") == std::string::npos || location.rfind("file:", 0) == 0;
}

void LibavPullSource::start(Handlers handlers) {
  stop();
  attempt_ = std::make_shared<Attempt>();
  attempt_->handlers = std::move(handlers);
  worker_ = std::thread([demuxer = std::make_shared<Demuxer>(io_, attempt_, location_, fields_, media_timeout_,
                                                             open_timeout_)] { demuxer->run(); });
}

void LibavPullSource::stop() {
  if (!attempt_) return;
  {
    std::lock_guard lock(attempt_->mutex);
    attempt_->stopping = true;
  }
  attempt_->wake.notify_all();
  if (worker_.joinable()) worker_.join();
  attempt_.reset();
}

}  // namespace mmids::steps
