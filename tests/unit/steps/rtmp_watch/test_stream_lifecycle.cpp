// rtmp_watch's stream lifecycle without sockets: StreamOutlets ends a key's viewers when
// its stream is gone past unpublish_grace (and keeps them when it comes back inside it);
// PublisherWait lets a viewer of an unpublished key wait a window, then refuses it.
#include "mmids-core/common/io_threads.hpp"
#include "mmids-core/media/tag_inspection.hpp"
#include "steps/rtmp_watch/publisher_wait.hpp"
#include "steps/rtmp_watch/stream_outlets.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <optional>
#include <thread>

using namespace mmids;
using namespace std::chrono_literals;

namespace {

struct RecordingViewer : endpoint::ViewerSink {
  explicit RecordingViewer(uint64_t id) : id(id) {}
  [[nodiscard]] uint64_t connection_id() const override { return id; }
  void send(const media::MediaNotification& notification) override { received.push_back(notification); }
  void end(std::string_view description) override { ended = std::string(description); }
  void close(std::string_view reason) override { closed = std::string(reason); }
  uint64_t id;
  std::vector<media::MediaNotification> received;
  std::optional<std::string> ended, closed;
};

void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

steps::StreamOutlets outlets_with_grace(asio::io_context& io, std::chrono::milliseconds grace) {
  steps::StreamOutlets::Options options;
  options.unpublish_grace = grace;
  return steps::StreamOutlets(io, options, log::Fields{});
}

}  // namespace

TEST_CASE("rtmp_watch: viewers of a stream gone past unpublish_grace are told it ended", "[rtmp_watch][liveness]") {
  asio::io_context io;
  auto outlets = outlets_with_grace(io, 200ms);
  auto viewer = std::make_shared<RecordingViewer>(1);
  outlets.deliver(media::NewStream{7, "cam"});
  outlets.add_viewer(viewer, "cam");
  outlets.deliver(media::StreamDisconnected{7});
  run_for(io, 100ms);
  CHECK_FALSE(viewer->ended);  // still inside the grace
  run_for(io, 200ms);
  REQUIRE(viewer->ended);
  CHECK_FALSE(outlets.is_live("cam"));
}

TEST_CASE("rtmp_watch: a stream back inside unpublish_grace keeps its viewers", "[rtmp_watch][liveness]") {
  asio::io_context io;
  auto outlets = outlets_with_grace(io, 200ms);
  auto viewer = std::make_shared<RecordingViewer>(1);
  std::vector<std::string> started;
  outlets.on_stream_started([&](const std::string& key) { started.push_back(key); });
  outlets.deliver(media::NewStream{7, "cam"});
  outlets.add_viewer(viewer, "cam");
  outlets.deliver(media::StreamDisconnected{7});
  run_for(io, 100ms);
  outlets.deliver(media::NewStream{8, "cam"});  // the publisher reconnected
  run_for(io, 300ms);
  CHECK_FALSE(viewer->ended);
  CHECK_FALSE(viewer->closed);
  CHECK(outlets.is_live("cam"));
  CHECK(started == std::vector<std::string>{"cam", "cam"});
  // The viewer heard about the new stream (it waits for its keyframe).
  CHECK(std::holds_alternative<media::NewStream>(viewer->received.back()));
}

TEST_CASE("rtmp_watch: a viewer of a key nobody publishes waits the window, then is refused", "[rtmp_watch][liveness]") {
  asio::io_context io;
  bool live = false;
  auto wait = std::make_shared<steps::PublisherWait>(io, 200ms, [&](const std::string&) { return live; }, log::Fields{});
  std::optional<bool> refused_answer, late_answer, live_answer;
  auto refused_lease = wait->approve("nobody", [&](bool accepted) { refused_answer = accepted; });
  auto late_lease = wait->approve("late", [&](bool accepted) { late_answer = accepted; });
  run_for(io, 100ms);
  CHECK_FALSE(refused_answer);
  wait->stream_started("late");  // a publisher moving between nodes arrives in time
  REQUIRE(late_answer);
  CHECK(*late_answer);
  run_for(io, 200ms);
  REQUIRE(refused_answer);
  CHECK_FALSE(*refused_answer);

  live = true;
  auto live_lease = wait->approve("cam", [&](bool accepted) { live_answer = accepted; });
  REQUIRE(live_answer);  // a live key is let in at once
  CHECK(*live_answer);
}

namespace {

// A viewer living on another io thread, as an RTMP viewer on a worker thread does: it
// records what reached it and on which thread.
struct ThreadViewer : endpoint::ViewerSink {
  ThreadViewer(uint64_t id, asio::io_context& home) : id(id), executor(home.get_executor()) {}
  [[nodiscard]] uint64_t connection_id() const override { return id; }
  [[nodiscard]] asio::any_io_executor home() const override { return executor; }
  void send(const media::MediaNotification& notification) override {
    std::lock_guard lock(mutex);
    off_home += executor.running_in_this_thread() ? 0 : 1;
    received.push_back(notification);
  }
  void end(std::string_view) override {}
  void close(std::string_view) override {}
  std::vector<media::MediaNotification> copy() {
    std::lock_guard lock(mutex);
    return received;
  }
  uint64_t id;
  asio::io_context::executor_type executor;
  std::mutex mutex;
  size_t off_home = 0;
  std::vector<media::MediaNotification> received;
};

media::MediaNotification video(media::StreamId stream, uint32_t timestamp, bool keyframe) {
  std::vector<uint8_t> body{static_cast<uint8_t>(keyframe ? 0x17 : 0x27), 1, 0, 0, 0, 0x65};
  return media::make_payload(stream, media::MediaKind::Video, timestamp, media::SharedBuffer::adopt(std::move(body)));
}

std::vector<uint32_t> timestamps_of(const std::vector<media::MediaNotification>& notifications) {
  std::vector<uint32_t> out;
  for (const auto& notification : notifications)
    if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) out.push_back(payload->timestamp_ms);
  return out;
}

}  // namespace

TEST_CASE("rtmp_watch: viewers on other io threads get every packet in order, on their own thread",
          "[rtmp_watch][threads]") {
  asio::io_context io;
  IoThreads threads(io, 3);
  steps::StreamOutlets outlets(io, {}, log::Fields{});
  std::vector<std::shared_ptr<ThreadViewer>> viewers;
  for (uint64_t id = 1; id <= 4; ++id) viewers.push_back(std::make_shared<ThreadViewer>(id, threads.at(1 + id % 2)));
  auto local = std::make_shared<RecordingViewer>(9);  // on the main thread (an HTTP viewer)
  outlets.deliver(media::NewStream{7, "cam"});
  for (size_t i = 0; i < 2; ++i) outlets.add_viewer(viewers[i], "cam");
  outlets.add_viewer(local, "cam");
  outlets.deliver(video(7, 0, true));
  for (uint32_t t = 33; t <= 330; t += 33) outlets.deliver(video(7, t, false));
  // Joining now: the GOP cache (the keyframe and what followed), then what comes next.
  for (size_t i = 2; i < 4; ++i) outlets.add_viewer(viewers[i], "cam");
  outlets.deliver(video(7, 363, false));
  outlets.remove_viewer(1, "cam");
  outlets.deliver(video(7, 396, false));  // not for viewer 1 any more

  std::vector<uint32_t> all;
  for (uint32_t t = 0; t <= 396; t += 33) all.push_back(t);
  const std::vector<uint32_t> until_removed(all.begin(), all.end() - 1);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  auto done = [&] {
    return timestamps_of(viewers[0]->copy()) == until_removed && timestamps_of(viewers[3]->copy()) == all &&
           timestamps_of(viewers[1]->copy()) == all && timestamps_of(viewers[2]->copy()) == all;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK(timestamps_of(viewers[0]->copy()) == until_removed);
  for (size_t i = 1; i < 4; ++i) CHECK(timestamps_of(viewers[i]->copy()) == all);
  for (const auto& viewer : viewers) {
    CHECK(viewer->off_home == 0);
    CHECK(std::holds_alternative<media::NewStream>(viewer->copy().front()));
  }
  CHECK(timestamps_of(local->received) == all);
  CHECK(outlets.viewer_count("cam") == 4);
}
