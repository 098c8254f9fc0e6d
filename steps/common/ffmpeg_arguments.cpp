#include "steps/common/ffmpeg_arguments.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace mmids::steps {
namespace {

constexpr std::array<const char*, 10> kPresets = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                                  "medium",    "slow",      "slower",   "veryslow", "placebo"};

std::optional<uint32_t> parse_dimension(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  uint32_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value < 1 || value > 16384) return std::nullopt;
  return value;
}

}  // namespace

std::vector<std::string> ffmpeg_arguments(const FfmpegCommand& command) {
  std::vector<std::string> args;
  if (command.read_in_real_time) args.emplace_back("-re");
  args.insert(args.end(), {"-i", command.input});
  const VideoEncoding& video = command.video;
  if (video.codec == VideoEncoding::Codec::Copy) {
    args.insert(args.end(), {"-vcodec", "copy"});
  } else {
    args.insert(args.end(), {"-vcodec", "libx264", "-preset", video.h264_preset});
    if (video.kbps) {
      const std::string rate = std::to_string(*video.kbps) + "K";
      args.insert(args.end(), {"-b:v", rate, "-minrate", rate, "-maxrate", rate});
    }
    if (video.size) {
      args.insert(args.end(),
                  {"-vf", "scale=" + std::to_string(video.size->width) + ":" + std::to_string(video.size->height)});
    }
  }
  args.insert(args.end(), {"-acodec", command.audio == AudioCodec::Copy ? "copy" : "aac"});
  if (const auto* flv = std::get_if<FlvOutput>(&command.output)) {
    args.insert(args.end(), {"-f", "flv", flv->url});
  } else {
    const auto& hls = std::get<HlsOutput>(command.output);
    args.insert(args.end(), {"-f", "hls", "-hls_time", std::to_string(hls.segment_seconds), "-hls_list_size",
                             std::to_string(hls.list_size), hls.playlist});
  }
  args.insert(args.end(), {"-y", "-nostats"});
  return args;
}

TranscodeArguments TranscodeArguments::read(workflows::StepArguments& args) {
  using workflows::StepArgumentError;
  TranscodeArguments result;
  const std::string vcodec = args.required("vcodec");
  if (vcodec == "copy") {
    result.video.codec = VideoEncoding::Codec::Copy;
  } else if (vcodec == "h264") {
    result.video.codec = VideoEncoding::Codec::H264;
  } else {
    throw StepArgumentError("argument 'vcodec' must be 'copy' or 'h264', got '" + vcodec + "'");
  }
  const std::string acodec = args.required("acodec");
  if (acodec == "copy") {
    result.audio = AudioCodec::Copy;
  } else if (acodec == "aac") {
    result.audio = AudioCodec::Aac;
  } else {
    throw StepArgumentError("argument 'acodec' must be 'copy' or 'aac', got '" + acodec + "'");
  }
  const bool h264 = result.video.codec == VideoEncoding::Codec::H264;
  auto needs_h264 = [h264](const char* key) {
    if (!h264) throw StepArgumentError(std::string("argument '") + key + "' needs vcodec=h264 (a copy is not re-encoded)");
  };

  if (auto preset = args.optional("h264_preset")) {
    needs_h264("h264_preset");
    if (std::find(kPresets.begin(), kPresets.end(), *preset) == kPresets.end()) {
      throw StepArgumentError("argument 'h264_preset' must be one of ultrafast, superfast, veryfast, faster, fast, "
                              "medium, slow, slower, veryslow, placebo; got '" + *preset + "'");
    }
    result.video.h264_preset = *preset;
  }
  if (auto size = args.optional("size")) {
    needs_h264("size");
    auto parsed = parse_frame_size(*size);
    if (!parsed) {
      throw StepArgumentError("argument 'size' must be WIDTHxHEIGHT in pixels (e.g. 1280x720), got '" + *size + "'");
    }
    // libx264 with 4:2:0 chroma refuses odd dimensions: ffmpeg would fail on every start.
    if (parsed->width % 2 != 0 || parsed->height % 2 != 0) {
      throw StepArgumentError("argument 'size' must have an even width and height for h264, got '" + *size + "'");
    }
    result.video.size = parsed;
  }
  if (args.optional("kbps")) needs_h264("kbps");
  if (auto kbps = args.optional_number("kbps", 1, 1'000'000)) result.video.kbps = static_cast<uint32_t>(*kbps);
  return result;
}

std::optional<FrameSize> parse_frame_size(const std::string& text) {
  const auto x = text.find('x');
  if (x == std::string::npos) return std::nullopt;
  auto width = parse_dimension(std::string_view(text).substr(0, x));
  auto height = parse_dimension(std::string_view(text).substr(x + 1));
  if (!width || !height) return std::nullopt;
  return FrameSize{*width, *height};
}

bool is_rtmp_url(const std::string& text) {
  std::string_view rest;
  if (text.rfind("rtmp://", 0) == 0) {
    rest = std::string_view(text).substr(7);
  } else if (text.rfind("rtmps://", 0) == 0) {
    rest = std::string_view(text).substr(8);
  } else {
    return false;
  }
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }))
    return false;
  const auto host_end = rest.find('/');
  return host_end != 0 && !rest.empty();
}

std::string local_rtmp_url(const std::string& host, uint16_t port, const std::string& app, const std::string& key) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "rtmp://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + app + "/" + key;
}

}  // namespace mmids::steps
