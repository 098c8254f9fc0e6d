#pragma once
// ffmpeg_push: pushes every stream flowing through the step to `target` with
// `ffmpeg_path` (-vcodec copy -acodec copy -f flv), restarted while the stream lives;
// everything passes on to the next step unchanged.
//   ffmpeg_push target=rtmp://HOST[:PORT]/APP/KEY   (or rtmps://)
#include "steps/common/ffmpeg_stream_step.hpp"

namespace mmids::steps {

class FfmpegPushStep : public FfmpegStreamStep {
 public:
  FfmpegPushStep(workflows::StepContext context, StepServices& services, std::string target);

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 protected:
  std::optional<FfmpegCommand> command_for(const StreamInfo& stream, const std::string& input_url) override;

 private:
  std::string target_;
};

}  // namespace mmids::steps
