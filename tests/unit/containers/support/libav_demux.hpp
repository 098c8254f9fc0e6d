#pragma once
// What a real demuxer (libavformat, from memory through a custom AVIOContext) makes of
// bytes we produced: its streams' codec parameters and every packet it reads.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mmids::testing {

struct DemuxedStream {
  std::string type;   // "video", "audio"
  std::string codec;  // "h264", "aac", ...
  int width = 0;
  int height = 0;
  int sample_rate = 0;
  int channels = 0;
  int time_base_num = 0;
  int time_base_den = 0;
};

struct DemuxedPacket {
  int stream = 0;
  int64_t pts = 0;
  int64_t dts = 0;
  bool keyframe = false;
  int size = 0;
};

struct Demuxed {
  std::string error;  // empty on success
  std::vector<DemuxedStream> streams;
  std::vector<DemuxedPacket> packets;

  [[nodiscard]] int stream_of(const std::string& type) const;  // -1 if none
  [[nodiscard]] std::vector<DemuxedPacket> packets_of(const std::string& type) const;
};

// `format` is libavformat's short name: "mpegts", "flv".
Demuxed demux_memory(std::span<const uint8_t> bytes, const char* format);

}  // namespace mmids::testing
