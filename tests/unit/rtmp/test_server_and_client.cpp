// The RTMP connection layer in process: RtmpServer with publishers (the client dialogue in
// Publish mode) and RtmpPlayClient viewers over real loopback sockets, no Python and no
// ffmpeg: publish, play, refusals, closes, chunk sizes, aggregates, TLS and deadlines.
#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/rtmp/client/rtmp_play_client.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "tests/unit/http/test_support.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"
#include "tests/unit/rtmp/support/test_publisher.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::rtmp;
using namespace mmids::rtmp::testing;
using namespace std::chrono_literals;

namespace {

// A server with app "live": publishers' media is fanned out to its viewers, as rtmp_watch
// would (NewStream first, then everything published).
struct Relay {
  // Lets a test change the registrations before they are made (takeover, timeouts).
  struct Registrations {
    std::function<void(endpoint::PublisherRegistration&)> publishers;
    std::function<void(endpoint::WatcherRegistration&)> watchers;
  };
  // `threads`: the io threads its connections are spread over (the main one included).
  explicit Relay(RtmpServerOptions options = {}, std::shared_ptr<asio::ssl::context> tls = nullptr,
                 const Registrations& adjust = {}, size_t threads = 1) {
    options.bind_address = "127.0.0.1";
    options.tls = tls;
    if (threads > 1) options.io_threads = io_threads = std::make_shared<IoThreads>(io, threads);
    server = std::make_unique<RtmpServer>(io, options);
    endpoint::PublisherRegistration publishers;
    publishers.port = 0;
    publishers.app = "live";
    publishers.tls = tls != nullptr;
    publishers.on_media = [this](const media::MediaNotification& notification) {
      published.push_back(notification);
      for (auto& viewer : viewers) viewer->send(notification);
    };
    if (adjust.publishers) adjust.publishers(publishers);
    auto registered = server->register_publisher(std::move(publishers));
    REQUIRE(registered.ok());
    publisher_lease = std::move(registered).value();
    endpoint::WatcherRegistration watchers;
    watchers.port = 0;
    watchers.app = "live";
    watchers.tls = tls != nullptr;
    watchers.approve = [this](const endpoint::StreamRequest& request, endpoint::Approval approval) {
      approval(request.stream_key != "forbidden");
      return Subscription();
    };
    watchers.on_viewer_joined = [this](std::shared_ptr<endpoint::ViewerSink> viewer, const std::string&) {
      for (const auto& notification : published)
        if (std::holds_alternative<media::NewStream>(notification)) viewer->send(notification);
      viewers.push_back(viewer);
    };
    watchers.on_viewer_left = [this](uint64_t id, const std::string&) {
      std::erase_if(viewers, [id](const auto& viewer) { return viewer->connection_id() == id; });
    };
    if (adjust.watchers) adjust.watchers(watchers);
    registered = server->register_watcher(std::move(watchers));
    REQUIRE(registered.ok());
    watcher_lease = std::move(registered).value();
    port = server->bound_port(0);
  }

  template <typename Predicate>
  bool run_until(Predicate done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(10ms);
    }
    return done();
  }

  struct Viewer {
    std::shared_ptr<RtmpPlayClient> client;
    bool playing = false;
    std::vector<std::pair<media::MediaKind, media::SharedBuffer>> media;
    std::optional<std::string> closed;
  };
  std::shared_ptr<Viewer> play(const std::string& key, PlayClientOptions options = {}, bool tls = false) {
    auto viewer = std::make_shared<Viewer>();
    auto url = parse_rtmp_url(std::string(tls ? "rtmps" : "rtmp") + "://127.0.0.1:" + std::to_string(port) +
                              "/live/" + key);
    REQUIRE(url.ok());
    RtmpPlayClient::Handlers handlers;
    // Weakly: the viewer owns its client, which owns these handlers.
    std::weak_ptr<Viewer> weak = viewer;
    handlers.on_playing = [weak] {
      if (auto v = weak.lock()) v->playing = true;
    };
    handlers.on_media = [weak](media::MediaKind kind, uint32_t, const media::SharedBuffer& body) {
      if (auto v = weak.lock()) v->media.emplace_back(kind, body);
    };
    handlers.on_closed = [weak](const std::string& reason) {
      if (auto v = weak.lock()) v->closed = reason;
    };
    viewer->client = RtmpPlayClient::create(io, *url, std::move(options), std::move(handlers));
    viewer->client->start();
    return viewer;
  }

  std::shared_ptr<TestPublisher> publish(const std::string& key) {
    auto publisher = TestPublisher::start(io, port, "live", key);
    REQUIRE(run_until([&] { return publisher->started; }));
    return publisher;
  }

  asio::io_context io;
  std::shared_ptr<IoThreads> io_threads;  // after io, before the server (IoThreads)
  std::unique_ptr<RtmpServer> server;
  Subscription publisher_lease, watcher_lease;
  uint16_t port = 0;
  std::vector<media::MediaNotification> published;
  std::vector<std::shared_ptr<endpoint::ViewerSink>> viewers;
};

media::SharedBuffer avc_sequence_header() {
  return media::SharedBuffer::copy_of(bytes({0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x1f,
                                             1, 0, 2, 0x68, 0xee}));
}
media::SharedBuffer avc_frame(bool keyframe, size_t size, uint8_t seed) {
  std::vector<uint8_t> body(size);
  body[0] = keyframe ? 0x17 : 0x27;
  body[1] = 1;
  for (size_t i = 5; i < size; ++i) body[i] = static_cast<uint8_t>(seed + i);
  return media::SharedBuffer::adopt(std::move(body));
}

}  // namespace

TEST_CASE("in process: a publisher's tags reach a player unchanged", "[rtmp][connection]") {
  Relay relay;
  auto publisher = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
  publisher->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  publisher->send_media(media::MediaKind::Video, 0, avc_frame(true, 30000, 1));  // many chunks
  publisher->send_media(media::MediaKind::Audio, 10, media::SharedBuffer::copy_of(bytes({0xaf, 1, 9, 9})));
  publisher->send_media(media::MediaKind::Video, 33, avc_frame(false, 2000, 2));
  REQUIRE(relay.run_until([&] { return viewer->media.size() == 4; }));
  CHECK(media::inspect_video_tag(viewer->media[0].second.span()).is_sequence_header);
  CHECK(viewer->media[1].second == avc_frame(true, 30000, 1));
  CHECK(viewer->media[2].first == media::MediaKind::Audio);
  CHECK(viewer->media[3].second == avc_frame(false, 2000, 2));
  // The registrant saw the stream start with the key's name.
  REQUIRE_FALSE(relay.published.empty());
  CHECK(std::get<media::NewStream>(relay.published.front()).name == "cam");
}

TEST_CASE("in process: a large outgoing chunk size and the default 128 both carry big frames", "[rtmp][connection]") {
  for (uint32_t chunk_size : {128u, 65536u}) {
    INFO("chunk size " << chunk_size);
    RtmpServerOptions options;
    options.out_chunk_size = chunk_size;
    Relay relay(options);
    auto publisher = relay.publish("cam");
    auto viewer = relay.play("cam");
    REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
    publisher->send_media(media::MediaKind::Video, 0, avc_frame(true, 200000, 4));
    REQUIRE(relay.run_until([&] { return viewer->media.size() == 1; }));
    CHECK(viewer->media[0].second == avc_frame(true, 200000, 4));
  }
}

TEST_CASE("in process: an aggregate message reaches the player as its parts", "[rtmp][connection]") {
  Relay relay;
  auto publisher = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
  auto aggregate = aggregate_of({{message_type::video, 0, avc_frame(true, 500, 1)},
                                 {message_type::audio, 20, media::SharedBuffer::copy_of(bytes({0xaf, 1, 1}))}});
  publisher->send_message(message(6, message_type::aggregate, 0, 0, aggregate));
  REQUIRE(relay.run_until([&] { return viewer->media.size() == 2; }));
  CHECK(viewer->media[0].second == avc_frame(true, 500, 1));
  CHECK(viewer->media[1].first == media::MediaKind::Audio);
}

TEST_CASE("in process: refusals reach the client as reasons", "[rtmp][connection]") {
  Relay relay;
  SECTION("an app nobody registered") {
    auto url = parse_rtmp_url("rtmp://127.0.0.1:" + std::to_string(relay.port) + "/other/cam");
    REQUIRE(url.ok());
    std::optional<std::string> closed;
    RtmpPlayClient::Handlers handlers;
    handlers.on_closed = [&](const std::string& reason) { closed = reason; };
    auto client = RtmpPlayClient::create(relay.io, *url, {}, handlers);
    client->start();
    REQUIRE(relay.run_until([&] { return closed.has_value(); }));
    CHECK_THAT(*closed, Catch::Contains("server refused") && Catch::Contains("no application named 'other'"));
  }
  SECTION("a stream the approver refuses") {
    auto viewer = relay.play("forbidden");
    REQUIRE(relay.run_until([&] { return viewer->closed.has_value(); }));
    CHECK_THAT(*viewer->closed, Catch::Contains("NetStream.Play.StreamNotFound"));
    CHECK_FALSE(viewer->playing);
  }
  SECTION("a second publisher of a live key") {
    auto first = relay.publish("cam");
    auto second = TestPublisher::start(relay.io, relay.port, "live", "cam");
    REQUIRE(relay.run_until([&] { return !second->closed_reason.empty(); }));
    CHECK_THAT(second->closed_reason, Catch::Contains("already being published"));
    CHECK(first->closed_reason.empty());
  }
}

TEST_CASE("in process: the server closing a viewer reaches its client", "[rtmp][connection]") {
  Relay relay;
  auto publisher = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
  relay.viewers.front()->close("kicked by a test");
  REQUIRE(relay.run_until([&] { return viewer->closed.has_value(); }));
  CHECK_THAT(*viewer->closed, Catch::Contains("closed"));
  REQUIRE(relay.run_until([&] { return relay.viewers.empty(); }));  // the registrant was told it left
}

TEST_CASE("in process: RTMPS end to end with a verified certificate", "[rtmp][connection]") {
  http::testing::TestPki pki;
  auto server_tls = http::make_server_tls_context(pki.cert_file, pki.key_file);
  Relay relay({}, server_tls);
  PlayClientOptions options;
  options.tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  options.tls->load_verify_file(pki.ca_file);
  auto viewer = relay.play("cam", options, /*tls=*/true);
  REQUIRE(relay.run_until([&] { return viewer->playing || viewer->closed.has_value(); }));
  INFO(viewer->closed.value_or(""));
  CHECK(viewer->playing);

  PlayClientOptions untrusting;
  untrusting.tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);  // no CA loaded
  auto refused = relay.play("cam", untrusting, /*tls=*/true);
  REQUIRE(relay.run_until([&] { return refused->closed.has_value(); }));
  CHECK_THAT(*refused->closed, Catch::Contains("TLS handshake failed"));
}

TEST_CASE("in process: deadlines close silent peers", "[rtmp][connection]") {
  RtmpServerOptions options;
  options.connect_timeout = 300ms;
  options.publish_timeout = 300ms;
  Relay relay(options);
  SECTION("a connection that never sends a byte") {
    asio::ip::tcp::socket idle(relay.io);
    idle.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), relay.port));
    REQUIRE(relay.run_until([&] { return relay.server->connection_count() == 1; }));
    REQUIRE(relay.run_until([&] { return relay.server->connection_count() == 0; }));
  }
  SECTION("a publisher that goes silent, and the pull that waited on it") {
    auto publisher = relay.publish("cam");
    PlayClientOptions pull;
    pull.media_timeout = 300ms;
    auto viewer = relay.play("cam", pull);
    REQUIRE(relay.run_until([&] { return viewer->playing; }));
    REQUIRE(relay.run_until([&] { return !publisher->closed_reason.empty(); }));
    // The server dropped the publisher; the pull heard nothing and failed on its own clock.
    REQUIRE(relay.run_until([&] { return viewer->closed.has_value(); }));
    CHECK_THAT(*viewer->closed, Catch::Contains("no data for 300 ms") || Catch::Contains("no media"));
  }
}

namespace {

Relay::Registrations takeover_rule(endpoint::Takeover rule) {
  return {[rule](endpoint::PublisherRegistration& publishers) {
            publishers.takeover = rule;
            publishers.takeover_silence = 200ms;
          },
          {}};
}

size_t count_of_disconnects(const std::vector<media::MediaNotification>& published) {
  return static_cast<size_t>(std::count_if(published.begin(), published.end(), [](const auto& notification) {
    return std::holds_alternative<media::StreamDisconnected>(notification);
  }));
}

}  // namespace

TEST_CASE("in process: a reconnecting publisher takes over a key whose holder went silent", "[rtmp][liveness]") {
  Relay relay({}, nullptr, takeover_rule(endpoint::Takeover::WhenSilent));
  auto first = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));

  // Still speaking: the key stays its own.
  first->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  auto early = TestPublisher::start(relay.io, relay.port, "live", "cam");
  REQUIRE(relay.run_until([&] { return !early->closed_reason.empty(); }));
  CHECK_THAT(early->closed_reason, Catch::Contains("already being published"));
  CHECK(first->closed_reason.empty());

  // Silent past the window (its network died): the newcomer has the key, the old stream
  // ended first, and the viewer stays connected through the switch.
  relay.run_until([] { return false; }, 300ms);
  auto second = relay.publish("cam");
  REQUIRE(relay.run_until([&] { return !first->closed_reason.empty(); }));
  CHECK(second->closed_reason.empty());
  CHECK(count_of_disconnects(relay.published) == 1);
  CHECK(std::holds_alternative<media::NewStream>(relay.published.back()));
  second->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  REQUIRE(relay.run_until([&] { return viewer->media.size() == 2; }));
  CHECK_FALSE(viewer->closed.has_value());
}

TEST_CASE("in process: takeover=never refuses, takeover=always replaces at once", "[rtmp][liveness]") {
  SECTION("never") {
    Relay relay({}, nullptr, takeover_rule(endpoint::Takeover::Never));
    auto first = relay.publish("cam");
    relay.run_until([] { return false; }, 300ms);
    auto second = TestPublisher::start(relay.io, relay.port, "live", "cam");
    REQUIRE(relay.run_until([&] { return !second->closed_reason.empty(); }));
    CHECK_THAT(second->closed_reason, Catch::Contains("already being published"));
    CHECK(first->closed_reason.empty());
  }
  SECTION("always") {
    Relay relay({}, nullptr, takeover_rule(endpoint::Takeover::Always));
    auto first = relay.publish("cam");
    first->send_media(media::MediaKind::Video, 0, avc_sequence_header());
    auto second = relay.publish("cam");
    REQUIRE(relay.run_until([&] { return !first->closed_reason.empty(); }));
    CHECK(second->closed_reason.empty());
  }
}

TEST_CASE("in process: a viewer whose stream never starts is told it was not found", "[rtmp][liveness]") {
  Relay relay({}, nullptr, {{}, [](endpoint::WatcherRegistration& watchers) { watchers.start_timeout = 300ms; }});
  auto viewer = relay.play("nobody-publishes");
  REQUIRE(relay.run_until([&] { return viewer->closed.has_value(); }));
  CHECK_THAT(*viewer->closed, Catch::Contains("NetStream.Play.StreamNotFound"));
  REQUIRE(relay.run_until([&] { return relay.viewers.empty(); }));

  // A stream that delivers a keyframe in time keeps its viewer past the timeout.
  auto publisher = relay.publish("cam");
  auto watching = relay.play("cam");
  REQUIRE(relay.run_until([&] { return watching->playing && relay.viewers.size() == 1; }));
  publisher->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  publisher->send_media(media::MediaKind::Video, 0, avc_frame(true, 500, 1));
  relay.run_until([] { return false; }, 500ms);
  CHECK_FALSE(watching->closed.has_value());
}

TEST_CASE("in process: a viewer of a stream that ended is told so after its queued media", "[rtmp][liveness]") {
  Relay relay;
  auto publisher = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
  publisher->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  publisher->send_media(media::MediaKind::Video, 0, avc_frame(true, 500, 1));
  REQUIRE(relay.run_until([&] { return viewer->media.size() == 2; }));
  relay.viewers.front()->end("the publisher left");
  REQUIRE(relay.run_until([&] { return viewer->closed.has_value(); }));
  CHECK_THAT(*viewer->closed, Catch::Contains("the server ended the stream"));
  CHECK(viewer->media.size() == 2);
}

TEST_CASE("in process: connections past the limits are closed at accept; silent ones go sooner", "[rtmp][limits]") {
  RtmpServerOptions options;
  options.max_connections_per_address = 2;
  options.first_byte_timeout = 200ms;
  options.connect_timeout = 5s;
  Relay relay(options);
  auto publisher = relay.publish("cam");  // one of the two
  asio::ip::tcp::socket idle(relay.io);
  idle.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), relay.port));
  REQUIRE(relay.run_until([&] { return relay.server->connection_count() == 2; }));
  // A third from the same address: refused without a byte, the others untouched.
  auto refused = relay.play("cam");
  REQUIRE(relay.run_until([&] { return refused->closed.has_value(); }));
  CHECK(publisher->closed_reason.empty());
  // The silent one is gone after first_byte_timeout, long before connect_timeout: room again.
  REQUIRE(relay.run_until([&] { return relay.server->connection_count() == 1; }, 2s));
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing; }));
}

// Merged writes every `batch`: a relay, a publisher and a playing viewer of "cam", and the
// publisher's sequence header and first keyframe sent; then `rest(relay, publisher, viewer)`.
template <class Rest>
void after_first_picture(std::chrono::milliseconds batch, Rest rest) {
  RtmpServerOptions options;
  options.write_batch = batch;
  Relay relay(options);
  auto publisher = relay.publish("cam");
  auto viewer = relay.play("cam");
  REQUIRE(relay.run_until([&] { return viewer->playing && relay.viewers.size() == 1; }));
  publisher->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  publisher->send_media(media::MediaKind::Video, 0, avc_frame(true, 30000, 1));
  rest(relay, *publisher, *viewer);
}

TEST_CASE("in process: with merged writes every message still reaches the player, in order", "[rtmp][connection]") {
  after_first_picture(20ms, [](auto& relay, auto& publisher, auto& viewer) {
    for (uint32_t i = 1; i <= 20; ++i) publisher.send_media(media::MediaKind::Video, 33 * i, avc_frame(false, 900, uint8_t(i)));
    REQUIRE(relay.run_until([&] { return viewer.media.size() == 22; }));
    CHECK(viewer.media[1].second == avc_frame(true, 30000, 1));
    for (uint32_t i = 1; i <= 20; ++i) CHECK(viewer.media[1 + i].second == avc_frame(false, 900, uint8_t(i)));
  });
}

TEST_CASE("in process: a viewer's first picture does not wait for the write batch", "[rtmp][connection]") {
  after_first_picture(60s, [](auto& relay, auto& publisher, auto& viewer) {  // a tick that never comes in the test
    REQUIRE(relay.run_until([&] { return viewer.media.size() == 2; }));
    CHECK(viewer.media[1].second == avc_frame(true, 30000, 1));
    // What follows the first picture does wait for the tick.
    publisher.send_media(media::MediaKind::Video, 33, avc_frame(false, 900, 2));
    CHECK_FALSE(relay.run_until([&] { return viewer.media.size() == 3; }, 300ms));
  });
}

TEST_CASE("in process: connections spread over io threads publish, play, take over and close as on one",
          "[rtmp][threads]") {
  Relay relay({}, nullptr, takeover_rule(endpoint::Takeover::Always), 3);
  auto first = relay.publish("cam");
  std::vector<std::shared_ptr<Relay::Viewer>> viewers;
  for (int i = 0; i < 6; ++i) viewers.push_back(relay.play("cam"));
  auto all_playing = [&] {
    return relay.viewers.size() == viewers.size() &&
           std::all_of(viewers.begin(), viewers.end(), [](const auto& viewer) { return viewer->playing; });
  };
  REQUIRE(relay.run_until(all_playing));
  // Round robin: the viewers live on every thread, the main one and both workers.
  std::vector<asio::any_io_executor> homes;
  for (const auto& viewer : relay.viewers)
    if (std::find(homes.begin(), homes.end(), viewer->home()) == homes.end()) homes.push_back(viewer->home());
  CHECK(homes.size() == 3);

  first->send_media(media::MediaKind::Video, 0, avc_sequence_header());
  first->send_media(media::MediaKind::Video, 0, avc_frame(true, 30000, 1));
  for (uint32_t i = 1; i <= 20; ++i) first->send_media(media::MediaKind::Video, 33 * i, avc_frame(false, 900, uint8_t(i)));
  auto all_received = [&](size_t count) {
    return std::all_of(viewers.begin(), viewers.end(), [count](const auto& viewer) { return viewer->media.size() == count; });
  };
  REQUIRE(relay.run_until([&] { return all_received(22); }));
  for (const auto& viewer : viewers) {
    CHECK(viewer->media[1].second == avc_frame(true, 30000, 1));
    for (uint32_t i = 1; i <= 20; ++i) CHECK(viewer->media[1 + i].second == avc_frame(false, 900, uint8_t(i)));
  }

  // A takeover across threads: the old stream ends before the new one starts.
  auto second = relay.publish("cam");
  REQUIRE(relay.run_until([&] { return !first->closed_reason.empty(); }));
  CHECK(count_of_disconnects(relay.published) == 1);
  CHECK(std::holds_alternative<media::NewStream>(relay.published.back()));

  // Closed by id from the main thread, whatever thread the connection is on.
  relay.server->disconnect(relay.viewers.back()->connection_id(), "kicked");
  REQUIRE(relay.run_until([&] { return viewers.size() - relay.viewers.size() == 1; }));
  REQUIRE(relay.run_until([&] {
    return std::count_if(viewers.begin(), viewers.end(), [](const auto& viewer) { return viewer->closed.has_value(); }) == 1;
  }));
  CHECK(relay.run_until([&] { return relay.server->connection_count() == 1 + viewers.size() - 1; }));

  // The server going away closes every connection on every thread.
  relay.server.reset();
  REQUIRE(relay.run_until([&] {
    return std::all_of(viewers.begin(), viewers.end(), [](const auto& viewer) { return viewer->closed.has_value(); }) &&
           !second->closed_reason.empty();
  }));
}
