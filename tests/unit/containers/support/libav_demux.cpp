#include "tests/unit/containers/support/libav_demux.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
}

#include <algorithm>
#include <cstring>

namespace mmids::testing {

namespace {

struct MemoryReader {
  std::span<const uint8_t> bytes;
  size_t at = 0;
};

int read_memory(void* opaque, uint8_t* buffer, int size) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const size_t n = std::min(static_cast<size_t>(size), reader->bytes.size() - reader->at);
  if (n == 0) return AVERROR_EOF;
  std::memcpy(buffer, reader->bytes.data() + reader->at, n);
  reader->at += n;
  return static_cast<int>(n);
}

std::string error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

}  // namespace

int Demuxed::stream_of(const std::string& type) const {
  for (size_t i = 0; i < streams.size(); ++i) {
    if (streams[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

std::vector<DemuxedPacket> Demuxed::packets_of(const std::string& type) const {
  std::vector<DemuxedPacket> out;
  const int index = stream_of(type);
  for (const auto& packet : packets) {
    if (packet.stream == index) out.push_back(packet);
  }
  return out;
}

Demuxed demux_memory(std::span<const uint8_t> bytes, const char* format) {
  Demuxed result;
  MemoryReader reader{bytes};
  constexpr int kBufferSize = 4096;
  auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
  AVIOContext* io = avio_alloc_context(buffer, kBufferSize, 0, &reader, &read_memory, nullptr, nullptr);
  AVFormatContext* context = avformat_alloc_context();
  context->pb = io;
  context->flags |= AVFMT_FLAG_CUSTOM_IO;
  int status = avformat_open_input(&context, nullptr, av_find_input_format(format), nullptr);
  if (status >= 0) status = avformat_find_stream_info(context, nullptr);
  if (status < 0) {
    result.error = "opening: " + error_text(status);
  } else {
    for (unsigned i = 0; i < context->nb_streams; ++i) {
      const AVStream* stream = context->streams[i];
      const AVCodecParameters* codec = stream->codecpar;
      const char* type = av_get_media_type_string(codec->codec_type);
      result.streams.push_back(DemuxedStream{type ? type : "?", avcodec_get_name(codec->codec_id), codec->width,
                                             codec->height, codec->sample_rate, codec->ch_layout.nb_channels,
                                             stream->time_base.num, stream->time_base.den});
    }
    AVPacket* packet = av_packet_alloc();
    while ((status = av_read_frame(context, packet)) >= 0) {
      result.packets.push_back(DemuxedPacket{packet->stream_index, packet->pts, packet->dts,
                                             (packet->flags & AV_PKT_FLAG_KEY) != 0, packet->size});
      av_packet_unref(packet);
    }
    if (status != AVERROR_EOF) result.error = "reading: " + error_text(status);
    av_packet_free(&packet);
  }
  avformat_close_input(&context);
  av_freep(&io->buffer);  // the one in use: libavformat may have replaced ours
  avio_context_free(&io);
  return result;
}

}  // namespace mmids::testing
