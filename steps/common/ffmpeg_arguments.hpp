#pragma once
// The ffmpeg command line mmids runs (MMIDS-REFERENCE.md "ffmpeg steps"), as an
// argument vector, and the readers of the step arguments that shape it:
//   [-re] -i <input> -vcodec copy|libx264 [-preset P] [-b:v NK -minrate NK -maxrate NK]
//   [-vf scale=W:H] -acodec copy|aac (-f flv <url> | -f hls -hls_time D -hls_list_size C
//   <playlist>) -y -nostats
#include "mmids-core/workflows/step.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mmids::steps {

struct FrameSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

struct VideoEncoding {
  enum class Codec { Copy, H264 };
  Codec codec = Codec::Copy;
  std::string h264_preset = "veryfast";  // with H264 only
  std::optional<FrameSize> size;         // with H264 only
  std::optional<uint32_t> kbps;          // with H264 only
};

enum class AudioCodec { Copy, Aac };

struct FlvOutput {
  std::string url;  // rtmp://...
};

struct HlsOutput {
  std::string playlist;            // <path>/<name>.m3u8
  uint32_t segment_seconds = 2;    // -hls_time
  uint32_t list_size = 0;          // -hls_list_size; 0 keeps every segment
};

struct FfmpegCommand {
  bool read_in_real_time = false;  // -re
  std::string input;
  VideoEncoding video;
  AudioCodec audio = AudioCodec::Copy;
  std::variant<FlvOutput, HlsOutput> output;
};

// argv[1..] for the command (the program is settings.ffmpeg_path).
[[nodiscard]] std::vector<std::string> ffmpeg_arguments(const FfmpegCommand& command);

// ffmpeg_transcode's vcodec=copy|h264 acodec=copy|aac [h264_preset=] [size=WxH] [kbps=N].
// Throws StepArgumentError naming the argument.
struct TranscodeArguments {
  VideoEncoding video;
  AudioCodec audio = AudioCodec::Copy;
  static TranscodeArguments read(workflows::StepArguments& args);
};

// "640x360" -> {640, 360}; nullopt unless both are 1..16384 written in digits.
[[nodiscard]] std::optional<FrameSize> parse_frame_size(const std::string& text);

// An rtmp:// or rtmps:// URL with a host, without spaces or control characters.
[[nodiscard]] bool is_rtmp_url(const std::string& text);

// rtmp://host:port/app/key (IPv6 hosts in brackets).
[[nodiscard]] std::string local_rtmp_url(const std::string& host, uint16_t port, const std::string& app,
                                         const std::string& key);

}  // namespace mmids::steps
