#pragma once
// FfmpegStreamStep: what ffmpeg_push, ffmpeg_hls and ffmpeg_transcode share. For each
// stream flowing through the step (NewStream .. StreamDisconnected) it serves the
// stream on the step's private feed (FfmpegFeed) and keeps one `ffmpeg_path` process
// reading it, restarted with backoff while the stream and the step live; ffmpeg stops
// when the stream ends and when the step shuts down. Its output is logged with the
// step's fields and the stream. The subclass says what ffmpeg does with a stream
// (command_for) and what leaves the step (pass_on; by default every notification as it came).
#include "mmids-core/process/process_supervisor.hpp"
#include "steps/builtin_steps.hpp"
#include "steps/common/ffmpeg_arguments.hpp"
#include "steps/common/ffmpeg_feed.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mmids::steps {

class FfmpegStreamStep : public workflows::WorkflowStep {
 public:
  ~FfmpegStreamStep() override;
  void on_media(const media::MediaNotification& notification) override;
  void shutdown() override;

 protected:
  struct StreamInfo {
    media::StreamId id = 0;
    std::string name;  // as it came; checked by the subclass where it reaches ffmpeg
    std::string key;   // its key on the private feed: safe by construction
  };

  // `kind` names the private app ("push", "hls", "transcode").
  FfmpegStreamStep(workflows::StepContext context, StepServices& services, std::string_view kind);

  // Opens the private feed; then the step is active (or in error). Call once, at the end
  // of the subclass's constructor.
  void open_feed();

  // The ffmpeg command for a new stream reading `input_url`, or nullopt to run none for
  // it (the subclass logs why).
  virtual std::optional<FfmpegCommand> command_for(const StreamInfo& stream, const std::string& input_url) = 0;
  // A notification that came in, after the step took it; by default sent on unchanged.
  virtual void pass_on(const media::MediaNotification& notification) { context_.emit(notification); }
  // A stream with an ffmpeg started or ended (before its StreamDisconnected is passed on).
  virtual void stream_started(const StreamInfo&) {}
  virtual void stream_ended(const StreamInfo&) {}

  // The live stream served under `key`, if any.
  [[nodiscard]] const StreamInfo* stream_by_key(const std::string& key) const;

  workflows::StepContext context_;
  StepServices& services_;
  FfmpegFeed feed_;
  bool shut_down_ = false;

 private:
  struct Stream {
    StreamInfo info;
    std::shared_ptr<process::ProcessSupervisor> ffmpeg;
  };
  void begin_stream(const media::NewStream& started);
  void end_stream(std::map<media::StreamId, Stream>::iterator stream);

  std::map<media::StreamId, Stream> streams_;  // streams with an ffmpeg
};

}  // namespace mmids::steps
