#include "steps/ffmpeg_pull/pull_loop.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "reactor/reactor_manager.hpp"

namespace mmids::steps {

PullLoop::PullLoop(workflows::StepContext context, std::string location, std::string stream_name,
                   std::unique_ptr<PullSource> source, reactor::ReactorManager* reactors)
    : context_(std::move(context)),
      location_(std::move(location)),
      stream_name_(std::move(stream_name)),
      source_(std::move(source)),
      reactors_(reactors),
      retry_timer_(context_.io()) {}

PullLoop::~PullLoop() { stop(); }

void PullLoop::start() { start_attempt(); }

void PullLoop::start_attempt() {
  if (stopped_) return;
  spdlog::debug("{} pulling {}", context_.fields(), location_);
  PullSource::Handlers handlers;
  handlers.on_started = [weak = weak_from_this()] {
    if (auto loop = weak.lock()) loop->on_started();
  };
  handlers.on_metadata = [weak = weak_from_this()](const media::SharedBuffer& metadata) {
    auto loop = weak.lock();
    if (loop && loop->stream_id_) loop->context_.emit(media::StreamMetadata{loop->stream_id_, metadata});
  };
  handlers.on_media = [weak = weak_from_this()](media::MediaKind kind, uint32_t timestamp,
                                                const media::SharedBuffer& body) {
    auto loop = weak.lock();
    if (loop && loop->stream_id_) loop->context_.emit(media::make_payload(loop->stream_id_, kind, timestamp, body));
  };
  handlers.on_ended = [weak = weak_from_this()](const std::string& reason) {
    if (auto loop = weak.lock()) loop->on_ended(reason);
  };
  source_->start(std::move(handlers));
}

void PullLoop::on_started() {
  retry_delay_ = kFirstRetryDelay;
  stream_id_ = media::next_stream_id();
  spdlog::info("{} pull of {} started as stream {}", context_.fields(), location_, stream_name_);
  context_.emit(media::NewStream{stream_id_, stream_name_});
}

void PullLoop::on_ended(const std::string& reason) {
  if (stopped_) return;
  spdlog::warn("{} pull of {} ended: {}; retrying in {} ms", context_.fields(), location_, reason,
               retry_delay_.count());
  if (stream_id_) {
    context_.emit(media::StreamDisconnected{stream_id_});
    stream_id_ = 0;
  }
  if (reactors_) reactors_->report_source_failure(context_.workflow_name());
  retry_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, kMaxRetryDelay);
  retry_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto loop = weak.lock();
    if (!error && loop) loop->start_attempt();
  });
}

void PullLoop::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  source_->stop();
}

}  // namespace mmids::steps
