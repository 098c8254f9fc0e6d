#pragma once
// ffmpeg_transcode: re-encodes every stream flowing through the step with `ffmpeg_path`
// and sends the result on in place of the original media, under the input's stream id
// and name. ffmpeg reads the stream from the step's private feed and publishes the
// result back over loopback RTMP to a second private app; restarted while the stream
// lives (each restart reaches the next step as a NewStream of the same id, so viewers
// pick up the new sequence headers).
//   ffmpeg_transcode vcodec=copy|h264 acodec=copy|aac [h264_preset=veryfast]
//                    [size=WIDTHxHEIGHT] [kbps=N]     (preset, size and kbps need h264)
#include "steps/common/ffmpeg_stream_step.hpp"

#include <set>

namespace mmids::steps {

class FfmpegTranscodeStep : public FfmpegStreamStep {
 public:
  FfmpegTranscodeStep(workflows::StepContext context, StepServices& services, TranscodeArguments arguments);
  ~FfmpegTranscodeStep() override;

  void shutdown() override;

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 protected:
  std::optional<FfmpegCommand> command_for(const StreamInfo& stream, const std::string& input_url) override;
  void pass_on(const media::MediaNotification&) override {}  // replaced by ffmpeg's output
  void stream_ended(const StreamInfo& stream) override;

 private:
  void result_media(const media::MediaNotification& notification);

  TranscodeArguments arguments_;
  std::string result_app_;
  Subscription result_registration_;
  std::map<media::StreamId, media::StreamId> input_of_result_;  // ffmpeg's publish -> input stream
  std::set<media::StreamId> announced_;                          // input streams sent on as NewStream
};

}  // namespace mmids::steps
