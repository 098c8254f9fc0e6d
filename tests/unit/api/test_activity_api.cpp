// The node API's /streams, /clients and DELETE /clients/ID, through the router as a
// request reaches it: the JSON an operator reads, and the kick.
#include "mmids-core/api/activity_api.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace std::chrono_literals;

namespace {

http::Response ask(const http::Router& router, std::string method, std::string path) {
  http::Request request;
  request.method = std::move(method);
  request.path = path;
  request.target = std::move(path);
  request.peer_address = boost::asio::ip::make_address("127.0.0.1");
  http::Response answer;
  router.dispatch(request, [&answer](http::Response response) { answer = std::move(response); });
  return answer;
}

activity::ClientInfo info(uint64_t id, activity::ClientRole role, std::string protocol, std::string address,
                          std::string stream, std::chrono::steady_clock::time_point since) {
  return activity::ClientInfo{id, role, std::move(protocol), std::move(address), "live", std::move(stream), since};
}

// A node with one published stream (640x360 H.264 + AAC), two RTMP and one HTTP-FLV viewer.
struct Node {
  std::shared_ptr<activity::NodeActivity> book = std::make_shared<activity::NodeActivity>();
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now() - 5s;
  std::shared_ptr<activity::StreamEntry> stream = book->add_stream({"cam1", "rtmp", "10.0.0.5:5000", start});
  std::shared_ptr<activity::ClientEntry> publisher =
      book->add_client(info(1, activity::ClientRole::publisher, "rtmp", "10.0.0.5:5000", "cam1", start));
  std::vector<std::shared_ptr<activity::ClientEntry>> viewers{
      book->add_client(info(2, activity::ClientRole::viewer, "rtmp", "10.0.0.7:7000", "cam1", start + 1s)),
      book->add_client(info(3, activity::ClientRole::viewer, "rtmp", "10.0.0.8:8000", "cam1", start + 2s)),
      book->add_client(info(4, activity::ClientRole::viewer, "flv", "10.0.0.9:9000", "cam1", start + 3s))};
  http::Router router;

  Node() {
    // avcC of a 640x360 SPS (x264's), as an FLV sequence header tag
    const std::vector<uint8_t> header{0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1e, 0xff, 0xe1, 0x00, 0x1a,
                                      0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0xa0, 0x2f, 0xf9, 0x70, 0x11, 0x00,
                                      0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x0f, 0x16, 0x2d, 0x96,
                                      0x01, 0x00, 0x04, 0x68, 0xeb, 0xe3, 0xcb};
    stream->probe.on_tag(media::MediaKind::Video, true, header);
    stream->probe.on_tag(media::MediaKind::Audio, true, std::vector<uint8_t>{0xaf, 0x00, 0x12, 0x10});
    viewers[2]->counters.bytes_out = 4096;
    viewers[2]->counters.dropped_frames = 2;
    for (size_t i = 0; i < viewers.size(); ++i) {
      viewers[i]->on_kick([this, i](std::string_view) { viewers[i]->end(); });
    }
    api::add_activity_routes(router, *book);
  }
};

}  // namespace

TEST_CASE("activity api: GET /streams shows the stream's source, codecs, size and its viewers", "[api][activity]") {
  Node node;
  auto answer = ask(node.router, "GET", "/streams");
  REQUIRE(answer.status == 200);
  auto body = nlohmann::json::parse(answer.body);
  REQUIRE(body["streams"].size() == 1);
  const auto& stream = body["streams"][0];
  CHECK(stream["name"] == "cam1");
  CHECK(stream["source_kind"] == "rtmp");
  CHECK(stream["source"] == "10.0.0.5:5000");
  CHECK(stream["video"]["codec"] == "h264");
  CHECK(stream["video"]["width"] == 640);
  CHECK(stream["video"]["height"] == 360);
  CHECK(stream["audio"]["codec"] == "aac");
  CHECK(stream["uptime_seconds"].get<double>() >= 5.0);
  CHECK(stream["viewer_count"] == 3);
  REQUIRE(stream["viewers"].size() == 3);
  CHECK(stream["viewers"][2]["protocol"] == "flv");
  CHECK(stream["viewers"][2]["address"] == "10.0.0.9:9000");
  CHECK(stream["viewers"][2]["bytes_out"] == 4096);
  CHECK(stream["viewers"][2]["dropped_frames"] == 2);
  CHECK(stream["viewers"][0]["connected_seconds"].get<double>() >
        stream["viewers"][2]["connected_seconds"].get<double>());
}

TEST_CASE("activity api: GET /clients lists every connection with its role", "[api][activity]") {
  Node node;
  auto body = nlohmann::json::parse(ask(node.router, "GET", "/clients").body);
  REQUIRE(body["clients"].size() == 4);
  CHECK(body["clients"][0]["id"] == 1);
  CHECK(body["clients"][0]["role"] == "publisher");
  CHECK(body["clients"][1]["role"] == "viewer");
  CHECK(body["clients"][3]["protocol"] == "flv");
  CHECK(body["clients"][3]["stream"] == "cam1");
}

TEST_CASE("activity api: DELETE /clients/ID kicks that client only, unknown ids are 404", "[api][activity]") {
  Node node;
  CHECK(ask(node.router, "DELETE", "/clients/3").status == 200);
  auto body = nlohmann::json::parse(ask(node.router, "GET", "/streams").body);
  CHECK(body["streams"][0]["viewer_count"] == 2);
  for (const auto& viewer : body["streams"][0]["viewers"]) CHECK(viewer["id"] != 3);
  CHECK(ask(node.router, "DELETE", "/clients/3").status == 404);
  CHECK(ask(node.router, "DELETE", "/clients/99").status == 404);
  CHECK(ask(node.router, "DELETE", "/clients/x1").status == 400);
  CHECK(ask(node.router, "DELETE", "/clients/").status == 400);
}

TEST_CASE("activity api: a stream that ended is gone from /streams", "[api][activity]") {
  Node node;
  node.stream->end();
  auto body = nlohmann::json::parse(ask(node.router, "GET", "/streams").body);
  CHECK(body["streams"].empty());
}
