#pragma once
// ffmpeg_pull: brings a remote stream into the workflow as stream `stream_name`.
//   ffmpeg_pull location=URL stream_name=NAME [media_timeout=SECONDS]
// rtmp:// and rtmps:// locations are pulled natively (RtmpPullSource), any other
// location through libavformat in process (LibavPullSource). A pull that
// fails or ends is retried with backoff (250 ms doubling to 4 s) while the step lives,
// and each failure is reported so the reactor that created the workflow asks again at
// once (the stream may have moved to another ingestion node). Input from earlier steps
// passes through. A source that sends nothing for media_timeout (default 2 s) fails the
// attempt at that moment, even when no byte arrives (a frozen or cut-off host).
#include "steps/builtin_steps.hpp"
#include "steps/ffmpeg_pull/pull_loop.hpp"

namespace mmids::steps {

class FfmpegPullStep : public workflows::WorkflowStep {
 public:
  FfmpegPullStep(workflows::StepContext context, std::string location, std::string stream_name,
                 std::unique_ptr<PullSource> source, StepServices& services);
  ~FfmpegPullStep() override;

  void on_media(const media::MediaNotification& notification) override { context_.emit(notification); }
  void shutdown() override;

  static constexpr std::chrono::milliseconds kDefaultMediaTimeout{2000};

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  workflows::StepContext context_;
  std::shared_ptr<PullLoop> pull_;
};

}  // namespace mmids::steps
