#include "steps/ffmpeg_pull/pull_loop.hpp"

#include "mmids-core/endpoint/connection_ids.hpp"
#include "mmids-core/media/tag_inspection.hpp"
#include "reactor/reactor_manager.hpp"

namespace mmids::steps {

PullLoop::PullLoop(workflows::StepContext context, std::string location, std::string stream_name,
                   std::unique_ptr<PullSource> source, reactor::ReactorManager* reactors,
                   std::shared_ptr<activity::NodeActivity> activity)
    : context_(std::move(context)),
      location_(std::move(location)),
      stream_name_(std::move(stream_name)),
      source_(std::move(source)),
      reactors_(reactors),
      activity_(std::move(activity)),
      retry_timer_(context_.io()) {}

namespace {

std::string pull_protocol(const std::string& location) {
  if (location.rfind("rtmp://", 0) == 0) return "rtmp";
  if (location.rfind("rtmps://", 0) == 0) return "rtmps";
  return "libav";
}

}  // namespace

PullLoop::~PullLoop() { stop(); }

void PullLoop::start() {
  client_ = activity::track_client(activity_, activity::ClientInfo{endpoint::next_connection_id(),
                                                                   activity::ClientRole::pull, pull_protocol(location_),
                                                                   location_, "", stream_name_});
  // Kicked: this attempt ends as if it had failed, and the next follows after the backoff.
  client_->on_kick([weak = weak_from_this()](std::string_view reason) {
    auto loop = weak.lock();
    if (!loop || loop->stopped_) return;
    loop->source_->stop();
    loop->on_ended(std::string(reason));
  });
  start_attempt();
}

void PullLoop::start_attempt() {
  if (stopped_) return;
  spdlog::debug("{} pulling {}", context_.fields(), location_);
  PullSource::Handlers handlers;
  handlers.on_started = [weak = weak_from_this()] {
    if (auto loop = weak.lock()) loop->on_started();
  };
  handlers.on_metadata = [weak = weak_from_this()](const media::SharedBuffer& metadata) {
    auto loop = weak.lock();
    if (!loop || !loop->stream_id_) return;
    loop->client_->counters.add_in(metadata.size());
    loop->context_.emit(media::StreamMetadata{loop->stream_id_, metadata});
  };
  handlers.on_media = [weak = weak_from_this()](media::MediaKind kind, uint32_t timestamp,
                                                const media::SharedBuffer& body) {
    if (auto loop = weak.lock()) loop->on_tag(kind, timestamp, body);
  };
  handlers.on_ended = [weak = weak_from_this()](const std::string& reason) {
    if (auto loop = weak.lock()) loop->on_ended(reason);
  };
  source_->start(std::move(handlers));
}

void PullLoop::on_started() {
  retry_delay_ = kFirstRetryDelay;
  stream_id_ = media::next_stream_id();
  stream_ = activity::track_stream(activity_, activity::StreamInfo{stream_name_, "pull", location_});
  spdlog::info("{} pull of {} started as stream {}", context_.fields(), location_, stream_name_);
  context_.emit(media::NewStream{stream_id_, stream_name_});
}

void PullLoop::on_ended(const std::string& reason) {
  if (stopped_) return;
  spdlog::warn("{} pull of {} ended: {}; retrying in {} ms", context_.fields(), location_, reason,
               retry_delay_.count());
  if (stream_id_) {
    stream_->end();
    context_.emit(media::StreamDisconnected{stream_id_});
    stream_id_ = 0;
  }
  if (activity_) activity_->pull_restarted();
  if (reactors_) reactors_->report_source_failure(context_.workflow_name());
  retry_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, kMaxRetryDelay);
  retry_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto loop = weak.lock();
    if (!error && loop) loop->start_attempt();
  });
}

void PullLoop::on_tag(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body) {
  if (!stream_id_) return;
  client_->counters.add_in(body.size());
  auto payload = media::make_payload(stream_id_, kind, timestamp, body);
  stream_->probe.on_payload(payload);
  context_.emit(payload);
}

void PullLoop::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  source_->stop();
  if (stream_) stream_->end();
  if (client_) client_->end();
}

}  // namespace mmids::steps
