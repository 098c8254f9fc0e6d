#include "mmids-core/http_viewers/flv_viewer.hpp"

#include "mmids-core/http_viewers/viewer_headers.hpp"

namespace mmids::http_viewers {
namespace {

// About how many bytes one write takes from the queue: big enough to catch up fast,
// small enough that one viewer's write does not hold the loop for long.
constexpr size_t kMaxWriteBytes = 256 * 1024;

}  // namespace

FlvViewer::FlvViewer(const std::shared_ptr<HttpViewerServer::State>& server, const std::shared_ptr<WatcherEntry>& entry,
                     endpoint::StreamRequest request)
    : server_(server),
      entry_(entry),
      request_(std::move(request)),
      fields_(viewer_fields(*entry, request_, "flv")),
      start_timer_(server->io),
      queue_(server->options.viewer_limits),
      accounting_(activity::track_client(
          server->options.activity,
          activity::ClientInfo{request_.connection_id, activity::ClientRole::viewer, "flv",
                               net::endpoint_text(request_.peer_address, request_.peer_port), request_.app,
                               request_.stream_key, since_})) {}

void FlvViewer::begin(http::Responder respond) {
  respond_ = std::move(respond);
  // Until the answer is given, the request in flight owns the viewer (as a Beast handler
  // owns its session): while the approver thinks, nothing else holds it.
  in_flight_ = shared_from_this();
  accounting_.client().on_kick([weak = weak_from_this()](std::string_view reason) {
    if (auto viewer = weak.lock()) viewer->end(reason);
  });
  auto lease = ask_approval<FlvViewer>(entry_.lock(), request_, shared_from_this(),
                                       [](FlvViewer& viewer, bool approved) { viewer.decided(approved); });
  if (phase_ != Phase::Stopped) approval_ = std::move(lease);  // refused at once: given back now
}

void FlvViewer::decided(bool approved) {
  if (phase_ != Phase::Approving) return;
  auto entry = entry_.lock();
  if (!approved || !entry) return refuse(404, "stream not found");
  phase_ = Phase::Starting;
  joined_ = true;
  accounting_.playing(std::chrono::steady_clock::now());
  // The fan-out replays its GOP cache into send() from here: the answer is posted.
  if (entry->registration.on_viewer_joined) entry->registration.on_viewer_joined(shared_from_this(), request_.stream_key);
  if (phase_ != Phase::Starting) return;
  // The step's start_timeout, as for its RTMP viewers (0: wait for ever).
  const auto timeout = entry->registration.start_timeout;
  if (timeout.count() == 0) return;
  start_timer_.expires_after(timeout);
  start_timer_.async_wait([weak = weak_from_this(), timeout](const boost::system::error_code& error) {
    auto viewer = weak.lock();
    if (error || !viewer || viewer->phase_ != Phase::Starting) return;
    viewer->refuse(503, "the stream did not start within " + std::to_string(timeout.count()) + " ms");
  });
}

void FlvViewer::send(const media::MediaNotification& notification) {
  if (phase_ != Phase::Starting && phase_ != Phase::Streaming) return;
  if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) {
    (payload->is_video() ? seen_video_ : seen_audio_) = true;
  }
  if (auto entry = endpoint::viewer_entry(notification, timestamps_, queue_)) push(std::move(*entry));
}

void FlvViewer::push(endpoint::QueuedMessage entry) {
  if (accounting_.push(queue_, std::move(entry), endpoint::ViewerQueue::Clock::now()) ==
      endpoint::ViewerQueue::Verdict::Disconnect) {
    // Posted: we are inside the stream's fan-out loop, which ending would disturb.
    const std::string reason = endpoint::too_slow_reason(queue_);
    asio::post(start_timer_.get_executor(), [weak = weak_from_this(), reason] {
      if (auto viewer = weak.lock()) viewer->end(reason);
    });
    return;
  }
  if (phase_ == Phase::Streaming) {
    if (control_.wake) control_.wake();
  } else if (!start_posted_ && !queue_.empty()) {
    start_posted_ = true;
    asio::post(start_timer_.get_executor(), [weak = weak_from_this()] {
      if (auto viewer = weak.lock()) viewer->answer_start();
    });
  }
}

void FlvViewer::answer_start() {
  if (phase_ != Phase::Starting) return;
  start_timer_.cancel();
  phase_ = Phase::Streaming;
  spdlog::info("{} playing", fields_);
  auto respond = std::exchange(respond_, nullptr);
  respond(with_viewer_headers(http::Response::streaming(200, std::string(kFlvType), shared_from_this()), kNoStore));
  in_flight_.reset();  // the streaming response owns the viewer now
}

void FlvViewer::started(Control control) {
  if (phase_ == Phase::Stopped) return control.close();  // ended while the head was on its way
  control_ = std::move(control);
}

bool FlvViewer::next(Spans& out) {
  out_.clear();  // the previous write is done with these
  if (!header_written_) {
    header_written_ = true;
    const bool known = seen_audio_ || seen_video_;
    writer_ = containers::FlvWriter(containers::FlvWriterOptions{!known || seen_audio_, !known || seen_video_, false});
    writer_.write_file_header(out_);
  }
  while (!queue_.empty() && out_.size() < kMaxWriteBytes) write_entry(queue_.pop());
  accounting_.client().counters.add_out(out_.size());
  out_.spans_into(out);
  return true;  // a live stream has no end
}

void FlvViewer::write_entry(endpoint::QueuedMessage entry) {
  Status written;
  if (entry.kind == endpoint::QueuedKind::Metadata) {
    written = writer_.write_metadata(media::StreamMetadata{0, std::move(entry.payload)}, out_, last_timestamp_);
  } else if (entry.kind != endpoint::QueuedKind::Control) {
    media::MediaPayload payload;
    payload.kind = entry.media_kind;
    // Sequence headers come before the keyframe the file starts on, often from long before
    // (the stream's start): they are at 0 and do not set the file's origin.
    const bool header = entry.kind == endpoint::QueuedKind::SequenceHeader;
    payload.timestamp_ms = header && !origin_ ? 0 : output_timestamp(entry.timestamp);
    payload.data = std::move(entry.payload);
    written = writer_.write_payload(payload, out_);
  }
  if (!written.ok()) spdlog::debug("{} tag not written: {}", fields_, written.error());
}

uint32_t FlvViewer::output_timestamp(uint32_t timestamp) {
  if (!origin_) origin_ = timestamp;
  // Wrapping difference read as signed: a tag slightly before the first one is at 0.
  const auto since_origin = static_cast<int32_t>(timestamp - *origin_);
  last_timestamp_ = since_origin < 0 ? 0 : static_cast<uint32_t>(since_origin);
  return last_timestamp_;
}

void FlvViewer::closed(std::string_view reason) { stop(reason); }

void FlvViewer::close(std::string_view reason) {
  // Posted: the fan-out calls this from inside its loop over viewers.
  asio::post(start_timer_.get_executor(), [weak = weak_from_this(), reason = std::string(reason)] {
    if (auto viewer = weak.lock()) viewer->end(reason);
  });
}

void FlvViewer::end(std::string_view reason) {
  if (phase_ == Phase::Stopped) return;
  end_reason_ = reason;
  if (phase_ == Phase::Streaming && control_.close) return control_.close();  // the connection tells closed()
  if (phase_ == Phase::Streaming) return stop(reason);  // the head is not written yet: the body never starts
  refuse(404, std::string(reason));
}

void FlvViewer::refuse(unsigned status, const std::string& why) {
  spdlog::info("{} refused: {} ({})", fields_, why, status);
  if (auto respond = std::exchange(respond_, nullptr)) respond(viewer_error(status, why));
  stop(why);
}

void FlvViewer::stop(std::string_view reason) {
  if (phase_ == Phase::Stopped) return;
  const bool was_playing = phase_ == Phase::Streaming;
  phase_ = Phase::Stopped;
  start_timer_.cancel();
  auto entry = entry_.lock();
  if (entry && joined_ && entry->registration.on_viewer_left) {
    entry->registration.on_viewer_left(request_.connection_id, request_.stream_key);
  }
  if (auto server = server_.lock()) server->forget_viewer(entry, request_.connection_id);
  if (was_playing) spdlog::info("{} stopped playing: {}", fields_, end_reason_.empty() ? reason : end_reason_);
  approval_.reset();
  control_ = {};
  accounting_.client().end();
  in_flight_.reset();  // every caller holds the viewer: it outlives this call
}

HttpViewerInfo FlvViewer::info() const {
  return HttpViewerInfo{request_.connection_id, "flv",           request_.port, request_.app, request_.stream_key,
                        net::endpoint_text(request_.peer_address, request_.peer_port), since_, queue_.dropped()};
}

}  // namespace mmids::http_viewers
