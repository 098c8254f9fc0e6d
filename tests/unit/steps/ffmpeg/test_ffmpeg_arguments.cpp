// The ffmpeg command line as mmids builds it, the stream-name check, and the private
// app's naming and access rules.
#include "steps/common/ffmpeg_arguments.hpp"
#include "steps/common/ffmpeg_feed.hpp"
#include "steps/common/ffmpeg_stream_name.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace mmids;
using namespace mmids::steps;
using Args = std::vector<std::string>;

TEST_CASE("ffmpeg arguments for a copy to RTMP", "[ffmpeg-steps]") {
  FfmpegCommand command;
  command.input = "rtmp://127.0.0.1:1935/ffmpeg-push-1/stream-7";
  command.output = FlvOutput{"rtmp://example.com/live/key"};
  CHECK(ffmpeg_arguments(command) == Args{"-i", "rtmp://127.0.0.1:1935/ffmpeg-push-1/stream-7", "-vcodec", "copy",
                                          "-acodec", "copy", "-f", "flv", "rtmp://example.com/live/key", "-y",
                                          "-nostats"});
}

TEST_CASE("ffmpeg arguments for an H.264 transcode with every option, read in real time", "[ffmpeg-steps]") {
  FfmpegCommand command;
  command.read_in_real_time = true;
  command.input = "in";
  command.video = VideoEncoding{VideoEncoding::Codec::H264, "ultrafast", FrameSize{320, 240}, 500};
  command.audio = AudioCodec::Aac;
  command.output = FlvOutput{"out"};
  CHECK(ffmpeg_arguments(command) == Args{"-re", "-i", "in", "-vcodec", "libx264", "-preset", "ultrafast", "-b:v",
                                          "500K", "-minrate", "500K", "-maxrate", "500K", "-vf", "scale=320:240",
                                          "-acodec", "aac", "-f", "flv", "out", "-y", "-nostats"});
}

TEST_CASE("ffmpeg arguments for HLS", "[ffmpeg-steps]") {
  FfmpegCommand command;
  command.input = "in";
  command.video.codec = VideoEncoding::Codec::H264;  // default preset, no size, no bitrate
  command.output = HlsOutput{"/srv/hls/cam.m3u8", 4, 0};
  CHECK(ffmpeg_arguments(command) == Args{"-i", "in", "-vcodec", "libx264", "-preset", "veryfast", "-acodec", "copy",
                                          "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "/srv/hls/cam.m3u8",
                                          "-y", "-nostats"});
}

TEST_CASE("stream names that may become file names and arguments", "[ffmpeg-steps]") {
  for (const std::string& good : std::vector<std::string>{"cam", "Cam_1", "a.b-c", "-y", "...", std::string(128, 'x')}) {
    INFO(good);
    CHECK(is_safe_stream_name(good));
  }
  for (const std::string& bad : std::vector<std::string>{"", ".", "..", "../etc", "a/b", "a\\b", "a b", "a;b", "$(id)", "caf\xc3\xa9",
                                std::string("a\0b", 3), std::string(129, 'x'), "a\nb"}) {
    INFO(bad);
    CHECK_FALSE(is_safe_stream_name(bad));
  }
  CHECK(printable_stream_name("a\nb\\\xc3") == "a\\x0ab\\x5c\\xc3");
}

TEST_CASE("frame sizes and RTMP URLs as arguments accept", "[ffmpeg-steps]") {
  auto size = parse_frame_size("1280x720");
  REQUIRE(size);
  CHECK(size->width == 1280);
  CHECK(size->height == 720);
  for (const char* bad : {"", "1280", "1280x", "x720", "axb", "1280x720x2", "-2x4", "+2x4", "0x720", "99999x2",
                          "1280 x720", "12 80x720"}) {
    INFO(bad);
    CHECK_FALSE(parse_frame_size(bad));
  }
  for (const char* good : {"rtmp://host/app/key", "rtmps://host:443/app", "rtmp://10.0.0.1:1935/a/k?token=x&b=c"}) {
    INFO(good);
    CHECK(is_rtmp_url(good));
  }
  for (const char* bad : {"", "rtmp://", "rtmp:///app/key", "http://host/app", "rtmp:/host/app", "host/app",
                          "rtmp://host/app key", "-f rtmp://host/app"}) {
    INFO(bad);
    CHECK_FALSE(is_rtmp_url(bad));
  }
  CHECK(local_rtmp_url("127.0.0.1", 1935, "ffmpeg-hls-1", "stream-2") == "rtmp://127.0.0.1:1935/ffmpeg-hls-1/stream-2");
  CHECK(local_rtmp_url("::1", 1935, "a", "k") == "rtmp://[::1]:1935/a/k");
}

TEST_CASE("each private app name is new, and only local clients may use one", "[ffmpeg-steps]") {
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(private_app_name("hls"));
  CHECK(names.size() == 1000);
  CHECK_THAT(*names.begin(), Catch::Matches("ffmpeg-hls-[0-9a-f]{16}"));

  settings::NodeSettings settings;
  auto address = [](const char* text) { return asio::ip::make_address(text); };
  auto rules = local_ip_rules(settings);
  CHECK(rules.permits(address("127.0.0.1")));
  CHECK(rules.permits(address("127.0.0.5")));
  CHECK_FALSE(rules.permits(address("10.1.2.3")));
  settings.bind_address = "10.1.2.3";
  rules = local_ip_rules(settings);
  CHECK(rules.permits(address("10.1.2.3")));
  CHECK(rules.permits(address("127.0.0.1")));
  CHECK_FALSE(rules.permits(address("10.1.2.4")));
  settings.bind_address = "0.0.0.0";
  CHECK_FALSE(local_ip_rules(settings).permits(address("10.1.2.4")));
}
