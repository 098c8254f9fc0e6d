// activity: the node's one book of clients and streams. What a snapshot shows (viewers
// under their stream, rates, totals that keep the bytes of clients gone), that a stream
// leaves the book when it ends, and kicking a client by id.
#include "mmids-core/activity/node_activity.hpp"

#include <catch2/catch.hpp>

using namespace mmids::activity;
using namespace std::chrono_literals;

namespace {

ClientInfo client(uint64_t id, ClientRole role, std::string protocol, std::string stream,
                  std::chrono::steady_clock::time_point since) {
  return ClientInfo{id, role, std::move(protocol), "127.0.0.1:" + std::to_string(40000 + id), "live", std::move(stream),
                    since};
}

const std::vector<uint8_t> kAvcFrame{0x27, 0x01, 0, 0, 0, 1, 2, 3, 4, 5};
const std::vector<uint8_t> kAacFrame{0xaf, 0x01, 9, 9, 9, 9};

}  // namespace

TEST_CASE("activity: a snapshot lists viewers under their stream with codecs, rates and ages", "[activity]") {
  auto book = std::make_shared<NodeActivity>();
  const auto start = std::chrono::steady_clock::now();
  auto stream = book->add_stream(StreamInfo{"cam1", "rtmp", "10.0.0.5:5000", start});
  auto publisher = book->add_client(client(1, ClientRole::publisher, "rtmp", "cam1", start));
  auto rtmp_viewer = book->add_client(client(2, ClientRole::viewer, "rtmp", "cam1", start));
  auto flv_viewer = book->add_client(client(3, ClientRole::viewer, "flv", "cam1", start));
  auto other_viewer = book->add_client(client(4, ClientRole::viewer, "rtmp", "cam2", start));

  // Two seconds of a 30 fps stream with audio, as the publisher relays it.
  for (int frame = 0; frame < 60; ++frame) {
    stream->probe.on_tag(mmids::media::MediaKind::Video, false, kAvcFrame);
    stream->probe.on_tag(mmids::media::MediaKind::Audio, false, kAacFrame);
  }
  rtmp_viewer->counters.bytes_out = 250'000;  // 1 Mbit/s over the two seconds
  flv_viewer->counters.bytes_out = 125'000;
  flv_viewer->counters.dropped_frames = 7;

  auto snapshot = book->snapshot(start + 2s);
  REQUIRE(snapshot.clients.size() == 4);
  REQUIRE(snapshot.streams.size() == 1);
  const auto& cam1 = snapshot.streams.front();
  CHECK(cam1.info.name == "cam1");
  CHECK(cam1.info.source == "10.0.0.5:5000");
  CHECK(cam1.video_codec == "h264");
  CHECK(cam1.audio_codec == "aac");
  CHECK(cam1.fps == Approx(30));
  CHECK(cam1.bitrate_in_bps == Approx(60 * (kAvcFrame.size() + kAacFrame.size()) * 8 / 2.0));
  REQUIRE(cam1.viewers.size() == 2);  // the publisher and cam2's viewer are not its viewers
  CHECK(cam1.viewers[0].info.protocol == "rtmp");
  CHECK(cam1.viewers[1].info.protocol == "flv");
  CHECK(cam1.viewers[1].counters.dropped_frames == 7);
  CHECK(cam1.bitrate_out_bps == Approx(1'500'000));
  CHECK(snapshot.totals.bytes_out == 375'000);
  CHECK(snapshot.totals.dropped_frames == 7);
}

TEST_CASE("activity: clients gone keep their bytes in the totals, a stream ended leaves the book", "[activity]") {
  auto book = std::make_shared<NodeActivity>();
  auto stream = book->add_stream(StreamInfo{"cam1", "pull", "rtmp://10.0.0.5/pull_source/cam1"});
  auto viewer = book->add_client(client(7, ClientRole::viewer, "rtmp", "cam1", std::chrono::steady_clock::now()));
  viewer->counters.bytes_out = 1000;
  viewer->counters.dropped_frames = 3;
  viewer->counters.too_slow = true;
  viewer.reset();  // the connection went away
  book->pull_restarted();
  stream->end();

  auto snapshot = book->snapshot();
  CHECK(snapshot.clients.empty());
  CHECK(snapshot.streams.empty());
  CHECK(snapshot.totals.bytes_out == 1000);
  CHECK(snapshot.totals.dropped_frames == 3);
  CHECK(snapshot.totals.slow_disconnects == 1);
  CHECK(snapshot.totals.pull_restarts == 1);
}

TEST_CASE("activity: of two sources of one name, the newest is the stream", "[activity]") {
  auto book = std::make_shared<NodeActivity>();
  const auto start = std::chrono::steady_clock::now();
  auto old_source = book->add_stream(StreamInfo{"cam1", "rtmp", "10.0.0.5:5000", start});
  auto new_source = book->add_stream(StreamInfo{"cam1", "rtmp", "10.0.0.6:6000", start + 1s});
  auto snapshot = book->snapshot(start + 2s);
  REQUIRE(snapshot.streams.size() == 1);
  CHECK(snapshot.streams[0].info.source == "10.0.0.6:6000");
}

TEST_CASE("activity: kick closes a client through its owner, unknown ids are refused", "[activity]") {
  auto book = std::make_shared<NodeActivity>();
  auto viewer = book->add_client(client(9, ClientRole::viewer, "rtmp", "cam1", std::chrono::steady_clock::now()));
  std::string told;
  viewer->on_kick([&told, &viewer](std::string_view reason) {
    told = reason;
    viewer->end();  // as a connection does when it closes
  });
  CHECK_FALSE(book->kick(10, "nobody"));
  CHECK(book->kick(9, "disconnected through the HTTP API"));
  CHECK(told == "disconnected through the HTTP API");
  CHECK(book->snapshot().clients.empty());
  CHECK_FALSE(book->kick(9, "again"));  // gone
}

TEST_CASE("activity: entries without a book count nowhere and cost nothing", "[activity]") {
  auto entry = track_client(nullptr, client(1, ClientRole::viewer, "rtmp", "cam1", std::chrono::steady_clock::now()));
  entry->counters.bytes_out += 10;
  CHECK_FALSE(entry->kick("no owner"));
  entry->first_keyframe_after(1s);
  entry->end();
  auto book = std::make_shared<NodeActivity>();
  double waited = 0;
  book->on_first_keyframe([&waited](double seconds) { waited = seconds; });
  auto tracked = track_client(book, client(2, ClientRole::viewer, "rtmp", "cam1", std::chrono::steady_clock::now()));
  tracked->first_keyframe_after(250ms);
  CHECK(waited == Approx(0.25));
}
