// The slow-viewer policy: a viewer that cannot keep up loses video up to the next
// keyframe, never the decoder configuration, and is disconnected if it stays behind.
#include "mmids-core/endpoint/viewer_queue.hpp"

#include <catch2/catch.hpp>

using namespace mmids::endpoint;
using namespace std::chrono_literals;

namespace {

QueuedMessage entry(QueuedKind kind, size_t bytes) {
  QueuedMessage message;
  message.kind = kind;
  message.payload = mmids::media::SharedBuffer::adopt(std::vector<uint8_t>(bytes, 0));
  return message;
}

const auto t0 = ViewerQueue::Clock::time_point{} + 1h;

}  // namespace

TEST_CASE("a new viewer starts on a keyframe", "[rtmp][viewer-queue]") {
  ViewerQueue queue(ViewerQueue::Limits{1000, 10s});
  CHECK(queue.push(entry(QueuedKind::SequenceHeader, 10), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 10), t0) == ViewerQueue::Verdict::Dropped);
  CHECK(queue.push(entry(QueuedKind::VideoKeyframe, 10), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 10), t0) == ViewerQueue::Verdict::Queued);
  REQUIRE(queue.size() == 3);
  CHECK(queue.pop().kind == QueuedKind::SequenceHeader);
  CHECK(queue.pop().kind == QueuedKind::VideoKeyframe);
  CHECK_FALSE(queue.behind());
}

TEST_CASE("past its bound a viewer drops video up to the next keyframe that fits", "[rtmp][viewer-queue]") {
  ViewerQueue queue(ViewerQueue::Limits{100, 10s});
  REQUIRE(queue.push(entry(QueuedKind::VideoKeyframe, 60), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 60), t0) == ViewerQueue::Verdict::Dropped);  // over the bound
  CHECK(queue.behind());
  queue.pop();  // the socket drains
  // Still dropping inter frames, although they would fit now: the picture would smear.
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 10), t0 + 1s) == ViewerQueue::Verdict::Dropped);
  CHECK(queue.push(entry(QueuedKind::Audio, 10), t0 + 1s) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::VideoKeyframe, 50), t0 + 2s) == ViewerQueue::Verdict::Queued);
  CHECK_FALSE(queue.behind());
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 10), t0 + 2s) == ViewerQueue::Verdict::Queued);
  CHECK(queue.dropped() == 2);
}

TEST_CASE("sequence headers and metadata pass even over the bound", "[rtmp][viewer-queue]") {
  ViewerQueue queue(ViewerQueue::Limits{10, 10s});
  CHECK(queue.push(entry(QueuedKind::Metadata, 50), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::SequenceHeader, 50), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::Control, 50), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.bytes() == 150);
}

TEST_CASE("a viewer behind for longer than the bound is to be disconnected", "[rtmp][viewer-queue]") {
  ViewerQueue queue(ViewerQueue::Limits{100, 5s});
  REQUIRE(queue.push(entry(QueuedKind::VideoKeyframe, 90), t0) == ViewerQueue::Verdict::Queued);
  CHECK(queue.push(entry(QueuedKind::Audio, 20), t0) == ViewerQueue::Verdict::Dropped);
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 20), t0 + 4s) == ViewerQueue::Verdict::Dropped);
  CHECK(queue.push(entry(QueuedKind::VideoFrame, 20), t0 + 6s) == ViewerQueue::Verdict::Disconnect);
}
