#include "steps/ffmpeg_push/ffmpeg_push_step.hpp"

namespace mmids::steps {

FfmpegPushStep::FfmpegPushStep(workflows::StepContext context, StepServices& services, std::string target)
    : FfmpegStreamStep(std::move(context), services, "push"), target_(std::move(target)) {
  open_feed();
}

std::optional<FfmpegCommand> FfmpegPushStep::command_for(const StreamInfo&, const std::string& input_url) {
  // The stream's name never reaches the command: the input is its private key.
  FfmpegCommand command;
  command.input = input_url;
  command.output = FlvOutput{target_};
  return command;
}

std::unique_ptr<workflows::WorkflowStep> FfmpegPushStep::create(const config::StepDefinition& definition,
                                                                workflows::StepContext context,
                                                                StepServices& services) {
  workflows::StepArguments args(definition);
  std::string target = args.required("target");
  if (!is_rtmp_url(target)) {
    throw workflows::StepArgumentError("argument 'target' must be an rtmp:// or rtmps:// URL with a host, got '" +
                                       target + "'");
  }
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  return std::make_unique<FfmpegPushStep>(std::move(context), services, std::move(target));
}

}  // namespace mmids::steps
