#include "steps/ffmpeg_transcode/ffmpeg_transcode_step.hpp"

#include "mmids-core/rtmp/server/rtmp_server.hpp"

namespace mmids::steps {

FfmpegTranscodeStep::FfmpegTranscodeStep(workflows::StepContext context, StepServices& services,
                                         TranscodeArguments arguments)
    : FfmpegStreamStep(std::move(context), services, "transcode"),
      arguments_(std::move(arguments)),
      result_app_(feed_.app() + "-out") {
  endpoint::PublisherRegistration registration;
  registration.port = services_.settings.internal_rtmp_port;
  registration.app = result_app_;
  registration.stream_key = "*";
  registration.ip_rules = local_ip_rules(services_.settings);
  registration.fields = context_.fields();
  // Only the ffmpeg of a live stream may publish its result.
  registration.approve = [this](const endpoint::StreamRequest& request,
                                 endpoint::Approval approval) -> Subscription {
    approval(!shut_down_ && stream_by_key(request.stream_key) != nullptr);
    return {};
  };
  // Called only while the registration lives, which ends in shutdown().
  registration.on_media = [this](const media::MediaNotification& notification) { result_media(notification); };
  auto result = services_.rtmp->register_publisher(std::move(registration));
  if (!result.ok()) {
    context_.set_error("cannot receive from ffmpeg on port " + std::to_string(services_.settings.internal_rtmp_port) +
                       " (internal_rtmp_port): " + result.error());
    return;
  }
  result_registration_ = std::move(result).value();
  open_feed();
}

FfmpegTranscodeStep::~FfmpegTranscodeStep() { result_registration_.reset(); }

void FfmpegTranscodeStep::shutdown() {
  result_registration_.reset();
  FfmpegStreamStep::shutdown();
}

std::optional<FfmpegCommand> FfmpegTranscodeStep::command_for(const StreamInfo& stream,
                                                              const std::string& input_url) {
  // The stream's name never reaches the command: both ends use its private key.
  FfmpegCommand command;
  command.input = input_url;
  command.video = arguments_.video;
  command.audio = arguments_.audio;
  command.output = FlvOutput{local_rtmp_url(services_.settings.local_rtmp_host(),
                                            services_.settings.internal_rtmp_port, result_app_, stream.key)};
  return command;
}

void FfmpegTranscodeStep::result_media(const media::MediaNotification& notification) {
  if (shut_down_) return;
  const media::StreamId result_id = media::stream_id_of(notification);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    const StreamInfo* input = stream_by_key(started->name);
    if (!input) return;
    input_of_result_[result_id] = input->id;
    announced_.insert(input->id);
    spdlog::info("{} transcoded {} arriving from ffmpeg", context_.fields(), input->key);
    // Again after an ffmpeg restart: the next steps start over on the new sequence headers.
    context_.emit(media::NewStream{input->id, input->name});
    return;
  }
  auto it = input_of_result_.find(result_id);
  if (it == input_of_result_.end()) return;
  if (std::holds_alternative<media::StreamDisconnected>(notification)) {
    // ffmpeg went away; it is restarted and publishes again. The stream itself lives on.
    input_of_result_.erase(it);
    return;
  }
  context_.emit(media::with_stream_id(notification, it->second));
}

void FfmpegTranscodeStep::stream_ended(const StreamInfo& stream) {
  for (auto it = input_of_result_.begin(); it != input_of_result_.end();) {
    it = it->second == stream.id ? input_of_result_.erase(it) : std::next(it);
  }
  if (announced_.erase(stream.id) > 0) context_.emit(media::StreamDisconnected{stream.id});
}

std::unique_ptr<workflows::WorkflowStep> FfmpegTranscodeStep::create(const config::StepDefinition& definition,
                                                                     workflows::StepContext context,
                                                                     StepServices& services) {
  workflows::StepArguments args(definition);
  auto arguments = TranscodeArguments::read(args);
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  return std::make_unique<FfmpegTranscodeStep>(std::move(context), services, std::move(arguments));
}

}  // namespace mmids::steps
