#pragma once
// ffmpeg_pull: brings a remote stream into the workflow as stream `stream_name`.
//   ffmpeg_pull location=URL stream_name=NAME
// rtmp:// and rtmps:// locations are pulled natively (RtmpPullSource), any other
// location through libavformat in process (LibavPullSource). A pull that
// fails or ends is retried with backoff (250 ms doubling to 4 s) while the step lives,
// and each failure is reported so the reactor that created the workflow asks again at
// once (the stream may have moved to another ingestion node). Input from earlier steps
// passes through.
#include "steps/builtin_steps.hpp"
#include "steps/ffmpeg_pull/pull_source.hpp"

#include <chrono>

namespace mmids::steps {

class FfmpegPullStep : public workflows::WorkflowStep {
 public:
  FfmpegPullStep(workflows::StepContext context, std::string location, std::string stream_name,
                 std::unique_ptr<PullSource> source, StepServices& services);
  ~FfmpegPullStep() override;

  void on_media(const media::MediaNotification& notification) override { context_.emit(notification); }
  void shutdown() override;

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

  static constexpr std::chrono::milliseconds kFirstRetryDelay{250};
  static constexpr std::chrono::milliseconds kMaxRetryDelay{4000};

 private:
  void start_attempt();
  void on_ended(const std::string& reason);

  workflows::StepContext context_;
  std::string location_;
  std::string stream_name_;
  std::unique_ptr<PullSource> source_;
  reactor::ReactorManager* reactors_;  // told when the pull fails; null without reactors
  asio::steady_timer retry_timer_;
  std::chrono::milliseconds retry_delay_ = kFirstRetryDelay;
  media::StreamId stream_id_ = 0;  // 0 while no attempt is playing
  bool shut_down_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mmids::steps
