// ProcessSupervisor: a program kept running with a restart backoff; failures to start
// are logged on every try and retried; stop ends the child and every future try.
#include "mmids-core/process/process_supervisor.hpp"
#include "tests/unit/process/process_test_support.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::process;
using mmids::testing::process_exists;
using mmids::testing::run_until;
using namespace std::chrono_literals;

TEST_CASE("the restart backoff doubles up to its maximum and starts over on reset", "[process]") {
  RestartBackoff backoff;
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i) delays.push_back(static_cast<long>(backoff.next().count()));
  CHECK(delays == std::vector<long>{500, 1000, 2000, 4000, 5000, 5000});
  backoff.reset();
  CHECK(backoff.next() == 500ms);
}

TEST_CASE("a program that exits is started again after the backoff", "[process]") {
  mmids::testing::LogCapture log;
  asio::io_context io;
  ProcessOptions options;
  options.program = "/bin/sh";
  options.arguments = {"-c", "echo run; exit 2"};
  options.fields = log::Fields().with("test", "supervised");
  auto supervisor = std::make_shared<ProcessSupervisor>(io, options, RestartPolicy{40ms, 160ms, 10s});
  const auto started = std::chrono::steady_clock::now();
  supervisor->start();
  REQUIRE(run_until(io, [&] { return supervisor->attempts() >= 4; }, 5s));
  // Waits of 40, 80 and 160 ms came before the fourth start.
  CHECK(std::chrono::steady_clock::now() - started >= 280ms);
  supervisor->stop();
  const uint64_t attempts = supervisor->attempts();
  testing::run_for(io, 400ms);
  CHECK(supervisor->attempts() == attempts);
  CHECK(log.count_containing("[test=supervised pid=") >= 3);
  CHECK(log.count_containing("ended with exit code 2", spdlog::level::warn) >= 3);
}

TEST_CASE("a program that cannot start is logged as an error on every try and retried", "[process]") {
  mmids::testing::LogCapture log;
  asio::io_context io;
  ProcessOptions options;
  options.program = "/nonexistent/ffmpeg";
  options.fields = log::Fields().with("test", "missing");
  auto supervisor = std::make_shared<ProcessSupervisor>(io, options, RestartPolicy{30ms, 60ms, 10s});
  supervisor->start();
  REQUIRE(run_until(io, [&] { return supervisor->attempts() >= 3; }, 3s));
  CHECK(supervisor->pid() == 0);
  supervisor->stop();
  CHECK(log.count_containing("[test=missing] cannot start /nonexistent/ffmpeg: No such file", spdlog::level::err) >= 3);
}

TEST_CASE("stopping a supervisor stops its child, and so does destroying it", "[process]") {
  mmids::testing::LogCapture log;
  asio::io_context io;
  ProcessOptions options;
  options.program = "sleep";
  options.arguments = {"30"};
  SECTION("stop") {
    auto supervisor = std::make_shared<ProcessSupervisor>(io, options);
    supervisor->start();
    const int pid = supervisor->pid();
    REQUIRE(pid > 0);
    supervisor->stop();
    CHECK(supervisor->pid() == 0);
    REQUIRE(run_until(io, [&] { return !process_exists(pid); }, 3s));
  }
  SECTION("destroy") {
    auto supervisor = std::make_shared<ProcessSupervisor>(io, options);
    supervisor->start();
    const int pid = supervisor->pid();
    REQUIRE(pid > 0);
    supervisor.reset();
    REQUIRE(run_until(io, [&] { return !process_exists(pid); }, 3s));
  }
}

TEST_CASE("a run that lasted resets the backoff", "[process]") {
  mmids::testing::LogCapture log;
  asio::io_context io;
  ProcessOptions options;
  options.program = "/bin/sh";
  options.arguments = {"-c", "sleep 0.2"};
  // Every run (0.2 s) counts as stable, so each restart waits the initial 50 ms, not 50, 100, 200...
  auto supervisor = std::make_shared<ProcessSupervisor>(io, options, RestartPolicy{50ms, 5s, 100ms});
  const auto started = std::chrono::steady_clock::now();
  supervisor->start();
  REQUIRE(run_until(io, [&] { return supervisor->attempts() >= 4; }, 5s));
  CHECK(std::chrono::steady_clock::now() - started < 1500ms);
  supervisor->stop();
  testing::run_for(io, 50ms);
}

TEST_CASE("a command is described for the log with its arguments quoted where needed", "[process]") {
  CHECK(describe_command("ffmpeg", {"-i", "rtmp://h/a/k", "-vf", "scale=1:2"}) == "ffmpeg -i rtmp://h/a/k -vf scale=1:2");
  CHECK(describe_command("/bin/sh", {"-c", "echo 'x' y", ""}) == "/bin/sh -c 'echo '\\''x'\\'' y' ''");
}
