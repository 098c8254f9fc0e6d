#include "steps/ffmpeg_pull/ffmpeg_pull_step.hpp"

#include "steps/ffmpeg_pull/libav_pull_source.hpp"
#include "steps/ffmpeg_pull/rtmp_pull_source.hpp"

namespace mmids::steps {

FfmpegPullStep::FfmpegPullStep(workflows::StepContext context, std::string location, std::string stream_name,
                               std::unique_ptr<PullSource> source, StepServices& services)
    : context_(context),
      pull_(std::make_shared<PullLoop>(std::move(context), std::move(location), std::move(stream_name),
                                       std::move(source), services.reactors, services.activity)) {
  context_.set_active();
  pull_->start();
}

FfmpegPullStep::~FfmpegPullStep() { shutdown(); }

void FfmpegPullStep::shutdown() { pull_->stop(); }

std::unique_ptr<workflows::WorkflowStep> FfmpegPullStep::create(const config::StepDefinition& definition,
                                                                workflows::StepContext context,
                                                                StepServices& services) {
  workflows::StepArguments args(definition);
  std::string location = args.required("location");
  std::string stream_name = args.required("stream_name");
  // Silence this long from the source fails the pull at once (a frozen host sends no FIN),
  // so the reactor asks where the stream is now.
  const auto media_timeout = args.optional_seconds("media_timeout", 600).value_or(kDefaultMediaTimeout);
  if (media_timeout.count() == 0) throw workflows::StepArgumentError("argument 'media_timeout' must be more than 0 seconds");
  args.reject_unknown();
  if (stream_name.empty()) throw workflows::StepArgumentError("argument 'stream_name' must not be empty");

  std::unique_ptr<PullSource> source;
  if (location.rfind("rtmp://", 0) == 0 || location.rfind("rtmps://", 0) == 0) {
    auto url = rtmp::parse_rtmp_url(location);
    if (!url.ok()) throw workflows::StepArgumentError("argument 'location': " + url.error());
    rtmp::PlayClientOptions options;
    options.bind_address = services.settings.bind_address;
    options.media_timeout = media_timeout;
    options.fields = context.fields();
    source = std::make_unique<RtmpPullSource>(services.io, std::move(*url), std::move(options));
  } else {
    // Files, http(s), HLS, SRT, ...: whatever libavformat opens, demuxed in process.
    source = std::make_unique<LibavPullSource>(services.io, location, context.fields(), media_timeout);
  }
  return std::make_unique<FfmpegPullStep>(std::move(context), std::move(location), std::move(stream_name),
                                          std::move(source), services);
}

}  // namespace mmids::steps
