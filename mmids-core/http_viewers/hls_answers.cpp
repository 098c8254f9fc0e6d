#include "mmids-core/http_viewers/hls_answers.hpp"

#include "mmids-core/http_viewers/viewer_headers.hpp"

namespace mmids::http_viewers {

http::Response multivariant_playlist(const std::string& key, const std::string& token, uint64_t bandwidth_bps,
                                     bool low_latency) {
  http::Response response;
  response.content_type = std::string(kPlaylistType);
  response.body = "#EXTM3U\n#EXT-X-VERSION:" + std::string(low_latency ? "6" : "3") +
                  "\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(bandwidth_bps) +
                  "\n" + key + ".m3u8?session=" + token + "\n";
  return with_viewer_headers(std::move(response), kNoStore);
}

http::Response media_playlist(const containers::HlsSegmenter& segmenter) {
  auto text = segmenter.playlist();
  http::SharedBody body{text, {std::span(reinterpret_cast<const uint8_t*>(text->data()), text->size())}};
  return with_viewer_headers(http::Response::shared(200, std::string(kPlaylistType), std::move(body)), kRevalidate);
}

http::Response segment_answer(std::shared_ptr<const containers::HlsSegment> segment) {
  auto spans = segment->spans();
  http::SharedBody body{std::move(segment), std::move(spans)};
  return with_viewer_headers(http::Response::shared(200, std::string(kSegmentType), std::move(body)), kImmutable);
}

http::Response part_answer(const containers::HlsPart& part) {
  auto owned = std::make_shared<const containers::HlsPart>(part);  // shares the part's bytes
  http::SharedBody body{owned, {owned->bytes.span()}};
  return with_viewer_headers(http::Response::shared(200, std::string(kSegmentType), std::move(body)), kImmutable);
}

uint64_t window_bandwidth(const containers::HlsSegmenter& segmenter, uint64_t fallback) {
  uint64_t bytes = 0, milliseconds = 0;
  for (const auto& segment : segmenter.segments()) {
    bytes += segment->size();
    milliseconds += segment->duration_ms;
  }
  return milliseconds == 0 ? fallback : bytes * 8 * 1000 / milliseconds;
}

namespace {

struct ParkedRequest {
  explicit ParkedRequest(asio::io_context& io) : deadline(io) {}
  http::Responder respond;
  asio::steady_timer deadline;
  containers::HlsReloadWaiters::Id wait = 0;
  bool answered = false;
};

}  // namespace

void park_until(asio::io_context& io, const std::shared_ptr<HlsStream>& stream, uint64_t msn,
                std::optional<size_t> part, std::chrono::milliseconds timeout, std::function<http::Response()> answer,
                http::Response late, http::Responder respond) {
  auto parked = std::make_shared<ParkedRequest>(io);
  parked->respond = std::move(respond);
  // Called from inside the segmenter's push (the fan-out), or at once: it only answers.
  parked->wait = stream->segmenter().wait_for(msn, part, [parked, answer = std::move(answer)] {
    if (std::exchange(parked->answered, true)) return;
    parked->deadline.cancel();
    parked->respond(answer());
  });
  if (parked->answered) return;
  parked->deadline.expires_after(timeout);
  parked->deadline.async_wait([parked, weak = std::weak_ptr(stream), late = std::move(late)](const boost::system::error_code& error) mutable {
    if (error || std::exchange(parked->answered, true)) return;
    if (auto live = weak.lock()) live->segmenter().cancel_wait(parked->wait);
    parked->respond(std::move(late));
  });
}

}  // namespace mmids::http_viewers
