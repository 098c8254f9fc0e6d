#include "steps/ffmpeg_hls/ffmpeg_hls_step.hpp"

#include "steps/common/ffmpeg_stream_name.hpp"

namespace mmids::steps {

FfmpegHlsStep::FfmpegHlsStep(workflows::StepContext context, StepServices& services, Options options)
    : FfmpegStreamStep(std::move(context), services, "hls"), options_(std::move(options)) {
  std::error_code error;
  std::filesystem::create_directories(options_.path, error);
  if (error) {
    context_.set_error("cannot create HLS directory '" + options_.path.string() + "': " + error.message());
    return;
  }
  open_feed();
}

std::optional<FfmpegCommand> FfmpegHlsStep::command_for(const StreamInfo& stream, const std::string& input_url) {
  const std::string& name = options_.stream_name ? *options_.stream_name : stream.name;
  if (!is_safe_stream_name(name)) {
    spdlog::warn("{} stream '{}' gets no HLS: a name that becomes a file name must be 1 to 128 of "
                 "[A-Za-z0-9_.-] and not '.' or '..'",
                 context_.fields(), printable_stream_name(name));
    return std::nullopt;
  }
  FfmpegCommand command;
  command.input = input_url;
  command.output = HlsOutput{(options_.path / (name + ".m3u8")).string(), options_.duration, options_.count};
  return command;
}

std::unique_ptr<workflows::WorkflowStep> FfmpegHlsStep::create(const config::StepDefinition& definition,
                                                               workflows::StepContext context,
                                                               StepServices& services) {
  workflows::StepArguments args(definition);
  Options options;
  const std::string path = args.required("path");
  if (path.empty()) throw workflows::StepArgumentError("argument 'path' must not be empty");
  if (path.find('\0') != std::string::npos) throw workflows::StepArgumentError("argument 'path' holds a NUL byte");
  // Absolute: ffmpeg then never reads the path as an option ("-x") or a protocol ("x:").
  std::error_code error;
  options.path = std::filesystem::absolute(path, error);
  if (error) throw workflows::StepArgumentError("argument 'path': " + error.message());
  options.path = options.path.lexically_normal();
  options.duration = static_cast<uint32_t>(args.optional_number("duration", 1, 3600).value_or(2));
  options.count = static_cast<uint32_t>(args.optional_number("count", 0, 1'000'000).value_or(0));
  if (auto name = args.optional("stream_name")) {
    if (!is_safe_stream_name(*name)) {
      throw workflows::StepArgumentError("argument 'stream_name' must be 1 to 128 of [A-Za-z0-9_.-] and not '.' or "
                                         "'..', got '" + printable_stream_name(*name) + "'");
    }
    options.stream_name = std::move(name);
  }
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  return std::make_unique<FfmpegHlsStep>(std::move(context), services, std::move(options));
}

}  // namespace mmids::steps
