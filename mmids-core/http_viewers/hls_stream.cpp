#include "mmids-core/http_viewers/hls_stream.hpp"

#include "mmids-core/endpoint/connection_ids.hpp"

#include <random>

namespace mmids::http_viewers {
namespace {

containers::HlsSegmenterOptions named(containers::HlsSegmenterOptions options, const std::string& key,
                                      const std::string& instance) {
  // Relative to the media playlist (/<app>/<key>.m3u8): /<app>/<key>/<instance>/<seq>[.<part>].ts
  const std::string prefix = key + "/" + instance + "/";
  options.naming.segment_uri = [prefix](uint64_t sequence) { return prefix + std::to_string(sequence) + ".ts"; };
  options.naming.part_uri = [prefix](uint64_t sequence, size_t part) {
    return prefix + std::to_string(sequence) + "." + std::to_string(part) + ".ts";
  };
  return options;
}

}  // namespace

std::string random_hex(size_t bytes) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  while (out.size() < bytes * 2) {
    uint64_t value = generator();
    for (int i = 0; i < 16 && out.size() < bytes * 2; ++i, value >>= 4) out += kDigits[value & 0xF];
  }
  return out;
}

HlsStream::HlsStream(asio::io_context& io, const std::shared_ptr<WatcherEntry>& entry, std::string key,
                     containers::HlsSegmenterOptions options, log::Fields fields,
                     std::function<void(std::string_view)> on_close)
    : io_(io),
      entry_(entry),
      id_(endpoint::next_connection_id()),
      key_(std::move(key)),
      instance_(random_hex(8)),
      fields_(std::move(fields)),
      segmenter_(named(std::move(options), key_, instance_)),
      on_close_(std::move(on_close)) {}

void HlsStream::join() {
  auto entry = entry_.lock();
  if (joined_ || !entry) return;
  joined_ = true;
  spdlog::info("{} HLS muxing started (instance {})", fields_, instance_);
  if (entry->registration.on_viewer_joined) entry->registration.on_viewer_joined(shared_from_this(), key_);
}

void HlsStream::leave() {
  if (!joined_) return;
  joined_ = false;
  spdlog::info("{} HLS muxing stopped: no session left", fields_);
  auto entry = entry_.lock();
  if (entry && entry->registration.on_viewer_left) entry->registration.on_viewer_left(id_, key_);
}

void HlsStream::send(const media::MediaNotification& notification) {
  if (!joined_) return;
  const auto result = segmenter_.push(notification);
  if (result.is_problem() && !warned_) {
    warned_ = true;  // once: a stream of an unsupported codec would say it every frame
    spdlog::warn("{} cannot mux this stream into HLS: {}", fields_, result.reason);
  }
}

void HlsStream::end(std::string_view description) {
  spdlog::info("{} the stream ended ({}): playlist finished", fields_, description);
  // Posted like close(): finishing answers blocked playlist requests.
  asio::post(io_, [weak = weak_from_this()] {
    if (auto stream = weak.lock()) stream->segmenter_.finish();
  });
}

void HlsStream::close(std::string_view reason) {
  // Posted: the fan-out calls this from inside its loop over viewers.
  asio::post(io_, [weak = weak_from_this(), reason = std::string(reason)] {
    if (auto stream = weak.lock()) stream->on_close_(reason);
  });
}

}  // namespace mmids::http_viewers
