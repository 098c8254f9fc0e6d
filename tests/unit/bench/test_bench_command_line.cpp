// mmids-bench's command line and its URL templates.
#include "tools/bench/cli/command_line.hpp"
#include "tools/bench/cli/url_template.hpp"
#include "tools/bench/measure/process_sample.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace mmids::bench;

namespace {
mmids::Result<BenchCommand> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "mmids-bench");
  return parse_bench_command(static_cast<int>(args.size()), args.data(), false);
}
}  // namespace

TEST_CASE("bench URL templates give each client its key", "[bench][cli]") {
  CHECK(expand_url_template("rtmp://h/live/s{n}", 7) == "rtmp://h/live/s7");
  CHECK(expand_url_template("rtmp://h/live/s%d-{n}", 3) == "rtmp://h/live/s3-3");
  CHECK(expand_url_template("rtmp://h/live/key", 3) == "rtmp://h/live/key");
  CHECK(is_url_template("rtmp://h/live/s{n}"));
  CHECK_FALSE(is_url_template("rtmp://h/live/s"));

  auto urls = client_urls("rtmp://127.0.0.1:1935/live/s{n}", 5, 2);
  REQUIRE(urls.ok());
  REQUIRE(urls->size() == 5);
  CHECK((*urls)[0].stream_key == "s0");
  CHECK((*urls)[1].stream_key == "s1");
  CHECK((*urls)[4].stream_key == "s0");
  CHECK_FALSE(client_urls("http://nope/a/b", 1, 0).ok());
}

TEST_CASE("bench command line: modes, options and their checks", "[bench][cli]") {
  auto play = parse({"play", "rtmp://127.0.0.1:1935/live/k", "-n", "3", "-d", "5", "--warmup", "2", "-r", "10",
                     "--pid", "42", "--pid", "43", "--json"});
  REQUIRE(play.ok());
  CHECK(play->mode == BenchCommand::Mode::Play);
  CHECK(play->json);
  CHECK(play->play.urls.size() == 3);
  CHECK(play->play.fleet.clients == 3);
  CHECK(play->play.fleet.duration.count() == 5);
  CHECK(play->play.fleet.warmup.count() == 2);
  CHECK(play->play.fleet.ramp_per_second == 10);
  CHECK(play->play.fleet.server_pids == std::vector<int>{42, 43});

  auto publish = parse({"publish", "rtmp://h/ingest/p{n}", "-n", "2", "--bitrate", "500", "--gop", "2"});
  REQUIRE(publish.ok());
  CHECK(publish->publish.generated.kbps == 500);
  CHECK(publish->publish.generated.gop_seconds == 2);
  CHECK(publish->publish.urls[1].stream_key == "p1");

  auto lookup = parse({"lookup", "http://127.0.0.1:8080", "-c", "8", "-d", "3", "--route", "publisher"});
  REQUIRE(lookup.ok());
  CHECK(lookup->lookup.fleet.clients == 8);
  CHECK(lookup->lookup.route == "publisher");
  CHECK(lookup->lookup.streams == 100);

  auto idle = parse({"idle", "127.0.0.1:1935", "-n", "100"});
  REQUIRE(idle.ok());
  CHECK(idle->idle.port == 1935);

  CHECK(parse({})->mode == BenchCommand::Mode::Help);
  CHECK(parse({"play", "--help"})->mode == BenchCommand::Mode::Help);
  CHECK_FALSE(parse({"dance"}).ok());
  CHECK_FALSE(parse({"play"}).ok());                                            // no URL
  CHECK_FALSE(parse({"play", "rtmp://h/a/k", "--warmup", "20", "-d", "10"}).ok());  // window past the end
  CHECK_FALSE(parse({"lookup", "http://h:1", "-n", "3"}).ok());                  // -n is not a lookup option
  CHECK_FALSE(parse({"play", "rtmp://h/a/k", "--bitrate", "3"}).ok());
}

TEST_CASE("bench reads a server's CPU and memory from /proc", "[bench][cli]") {
  auto cpu = parse_cpu_times("1234 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0", 100);
  REQUIRE(cpu.ok());
  CHECK(cpu->user_seconds == Approx(2.5));
  CHECK(cpu->system_seconds == Approx(0.5));
  CHECK(cpu->total() == Approx(3.0));
  CHECK_FALSE(parse_cpu_times("garbage", 100).ok());
  auto rss = parse_rss_kib("Name:\tmmids\nVmRSS:\t   12345 kB\nThreads: 1\n");
  REQUIRE(rss.ok());
  CHECK(*rss == 12345);
  CHECK_FALSE(parse_rss_kib("Name: x\n").ok());
  auto self = sample_process(getpid());
  REQUIRE(self.ok());
  CHECK(self->rss_kib > 0);
}
