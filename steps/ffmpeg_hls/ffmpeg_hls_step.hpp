#pragma once
// ffmpeg_hls: writes every stream flowing through the step as HLS with `ffmpeg_path`
// (-vcodec copy -acodec copy -f hls) to <path>/<name>.m3u8 and its segments, restarted
// while the stream lives; `path` is created if missing; everything passes on to the next
// step unchanged. A stream whose name is not 1-128 of [A-Za-z0-9_.-] (or is "."/"..")
// gets no HLS (logged).
//   ffmpeg_hls path=DIR [duration=2 (segment seconds)] [count=0 (segments listed; 0 keeps all)]
//              [stream_name=NAME (instead of the stream's own name)]
#include "steps/common/ffmpeg_stream_step.hpp"

#include <filesystem>

namespace mmids::steps {

class FfmpegHlsStep : public FfmpegStreamStep {
 public:
  struct Options {
    std::filesystem::path path;
    uint32_t duration = 2;
    uint32_t count = 0;
    std::optional<std::string> stream_name;
  };
  FfmpegHlsStep(workflows::StepContext context, StepServices& services, Options options);

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 protected:
  std::optional<FfmpegCommand> command_for(const StreamInfo& stream, const std::string& input_url) override;

 private:
  Options options_;
};

}  // namespace mmids::steps
