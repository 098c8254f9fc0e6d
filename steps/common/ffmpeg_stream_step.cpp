#include "steps/common/ffmpeg_stream_step.hpp"

#include "steps/common/ffmpeg_stream_name.hpp"

namespace mmids::steps {

namespace {
// When a stream ends its ffmpeg loses its input and finishes its output by itself
// (an HLS playlist gets its end tag); a SIGTERM while it writes would cut that short.
constexpr std::chrono::milliseconds kFinishGrace{2000};
// Then SIGTERM, and SIGKILL after this.
constexpr std::chrono::milliseconds kStopGrace{3000};
// 0.5 s doubling to 5 s; a run of 10 s starts over.
const process::RestartPolicy kRestartPolicy{};
}  // namespace

FfmpegStreamStep::FfmpegStreamStep(workflows::StepContext context, StepServices& services, std::string_view kind)
    : context_(std::move(context)), services_(services), feed_(services, context_.fields(), private_app_name(kind)) {}

FfmpegStreamStep::~FfmpegStreamStep() { FfmpegStreamStep::shutdown(); }

void FfmpegStreamStep::open_feed() {
  const std::string error = feed_.open();
  if (!error.empty()) {
    context_.set_error(error);
    return;
  }
  spdlog::info("{} serving its streams to {} on port {} app '{}'", context_.fields(), services_.settings.ffmpeg_path,
               services_.settings.internal_rtmp_port, feed_.app());
  context_.set_active();
}

void FfmpegStreamStep::on_media(const media::MediaNotification& notification) {
  if (shut_down_) return;
  const media::StreamId id = media::stream_id_of(notification);
  auto it = streams_.find(id);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    if (it != streams_.end() && it->second.info.name == started->name) {
      // The same stream again (e.g. its source restarted): its ffmpeg reads on, from the next keyframe.
      feed_.deliver(notification, it->second.info.key);
    } else {
      if (it != streams_.end()) end_stream(it);
      begin_stream(*started);
    }
  } else if (it != streams_.end()) {
    feed_.deliver(notification, it->second.info.key);
    if (std::holds_alternative<media::StreamDisconnected>(notification)) end_stream(it);
  }
  pass_on(notification);
}

void FfmpegStreamStep::begin_stream(const media::NewStream& started) {
  StreamInfo info{started.id, started.name, "stream-" + std::to_string(started.id)};
  auto command = command_for(info, feed_.url(info.key));
  if (!command) return;

  process::ProcessOptions options;
  options.program = services_.settings.ffmpeg_path;
  options.arguments = ffmpeg_arguments(*command);
  options.fields = context_.fields().with(
      "stream", is_safe_stream_name(started.name) ? started.name : "#" + std::to_string(started.id));
  options.finish_grace = kFinishGrace;
  options.stop_grace = kStopGrace;
  auto ffmpeg = std::make_shared<process::ProcessSupervisor>(context_.io(), std::move(options), kRestartPolicy);

  feed_.deliver(media::NewStream{started.id, info.key}, info.key);
  auto& stream = streams_[started.id];
  stream.info = std::move(info);
  stream.ffmpeg = std::move(ffmpeg);
  stream_started(stream.info);
  stream.ffmpeg->start();
}

void FfmpegStreamStep::end_stream(std::map<media::StreamId, Stream>::iterator stream) {
  stream->second.ffmpeg->stop();
  feed_.end(stream->second.info.key);
  const StreamInfo info = stream->second.info;
  streams_.erase(stream);
  stream_ended(info);
}

const FfmpegStreamStep::StreamInfo* FfmpegStreamStep::stream_by_key(const std::string& key) const {
  for (const auto& [id, stream] : streams_)
    if (stream.info.key == key) return &stream.info;
  return nullptr;
}

void FfmpegStreamStep::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& [id, stream] : streams_) stream.ffmpeg->stop();
  streams_.clear();
  feed_.close();
}

}  // namespace mmids::steps
