#include "steps/ffmpeg_pull/ffmpeg_pull_step.hpp"

#include "mmids-core/media/tag_inspection.hpp"
#include "reactor/reactor_manager.hpp"
#include "steps/ffmpeg_pull/libav_pull_source.hpp"
#include "steps/ffmpeg_pull/rtmp_pull_source.hpp"

namespace mmids::steps {

FfmpegPullStep::FfmpegPullStep(workflows::StepContext context, std::string location, std::string stream_name,
                               std::unique_ptr<PullSource> source, StepServices& services)
    : context_(std::move(context)),
      location_(std::move(location)),
      stream_name_(std::move(stream_name)),
      source_(std::move(source)),
      reactors_(services.reactors),
      retry_timer_(context_.io()) {
  context_.set_active();
  start_attempt();
}

FfmpegPullStep::~FfmpegPullStep() { shutdown(); }

void FfmpegPullStep::start_attempt() {
  if (shut_down_) return;
  spdlog::debug("{} pulling {}", context_.fields(), location_);
  std::weak_ptr<bool> alive = alive_;
  PullSource::Handlers handlers;
  handlers.on_started = [this, alive] {
    if (alive.expired()) return;
    retry_delay_ = kFirstRetryDelay;
    stream_id_ = media::next_stream_id();
    spdlog::info("{} pull of {} started as stream {}", context_.fields(), location_, stream_name_);
    context_.emit(media::NewStream{stream_id_, stream_name_});
  };
  handlers.on_metadata = [this, alive](const media::SharedBuffer& metadata) {
    if (!alive.expired() && stream_id_) context_.emit(media::StreamMetadata{stream_id_, metadata});
  };
  handlers.on_media = [this, alive](media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body) {
    if (!alive.expired() && stream_id_) context_.emit(media::make_payload(stream_id_, kind, timestamp, body));
  };
  handlers.on_ended = [this, alive](const std::string& reason) {
    if (!alive.expired()) on_ended(reason);
  };
  source_->start(std::move(handlers));
}

void FfmpegPullStep::on_ended(const std::string& reason) {
  if (shut_down_) return;
  spdlog::warn("{} pull of {} ended: {}; retrying in {} ms", context_.fields(), location_, reason,
               retry_delay_.count());
  if (stream_id_) {
    context_.emit(media::StreamDisconnected{stream_id_});
    stream_id_ = 0;
  }
  if (reactors_) reactors_->report_source_failure(context_.workflow_name());
  retry_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, kMaxRetryDelay);
  retry_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& error) {
    if (!error && !alive.expired()) start_attempt();
  });
}

void FfmpegPullStep::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  retry_timer_.cancel();
  source_->stop();
  *alive_ = false;
}

std::unique_ptr<workflows::WorkflowStep> FfmpegPullStep::create(const config::StepDefinition& definition,
                                                                workflows::StepContext context,
                                                                StepServices& services) {
  workflows::StepArguments args(definition);
  std::string location = args.required("location");
  std::string stream_name = args.required("stream_name");
  args.reject_unknown();
  if (stream_name.empty()) throw workflows::StepArgumentError("argument 'stream_name' must not be empty");

  std::unique_ptr<PullSource> source;
  if (location.rfind("rtmp://", 0) == 0 || location.rfind("rtmps://", 0) == 0) {
    auto url = rtmp::parse_rtmp_url(location);
    if (!url.ok()) throw workflows::StepArgumentError("argument 'location': " + url.error());
    rtmp::PlayClientOptions options;
    options.bind_address = services.settings.bind_address;
    options.fields = context.fields();
    source = std::make_unique<RtmpPullSource>(services.io, std::move(*url), std::move(options));
  } else {
    // Files, http(s), HLS, SRT, ...: whatever libavformat opens, demuxed in process.
    source = std::make_unique<LibavPullSource>(services.io, location, context.fields());
  }
  return std::make_unique<FfmpegPullStep>(std::move(context), std::move(location), std::move(stream_name),
                                          std::move(source), services);
}

}  // namespace mmids::steps
