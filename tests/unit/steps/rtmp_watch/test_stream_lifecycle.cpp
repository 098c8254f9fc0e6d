// rtmp_watch's stream lifecycle without sockets: StreamOutlets ends a key's viewers when
// its stream is gone past unpublish_grace (and keeps them when it comes back inside it);
// PublisherWait lets a viewer of an unpublished key wait a window, then refuses it.
#include "steps/rtmp_watch/publisher_wait.hpp"
#include "steps/rtmp_watch/stream_outlets.hpp"

#include <catch2/catch.hpp>

#include <optional>

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
