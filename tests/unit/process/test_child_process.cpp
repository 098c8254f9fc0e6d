// ChildProcess: spawn from an argument vector, output captured line by line, exit
// noticed, SIGTERM then SIGKILL on stop, nothing left behind (no zombie, no inherited
// descriptor).
#include "mmids-core/process/child_process.hpp"
#include "tests/unit/process/process_test_support.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <optional>

using namespace mmids;
using namespace mmids::process;
using mmids::testing::process_exists;
using mmids::testing::run_until;
using namespace std::chrono_literals;

namespace {

struct Run {
  mmids::testing::LogCapture log;  // keeps the console quiet
  asio::io_context io;
  std::vector<std::pair<OutputStream, std::string>> lines;
  std::optional<ExitStatus> exit;

  ProcessOptions options(std::string program, std::vector<std::string> arguments) {
    ProcessOptions result;
    result.program = std::move(program);
    result.arguments = std::move(arguments);
    result.fields = log::Fields().with("test", "child");
    result.on_line = [this](OutputStream stream, std::string_view line) { lines.emplace_back(stream, line); };
    return result;
  }
  std::vector<std::string> texts(OutputStream stream) const {
    std::vector<std::string> result;
    for (const auto& [from, line] : lines)
      if (from == stream) result.push_back(line);
    return result;
  }
  ChildProcess::ExitHandler on_exit() {
    return [this](const ExitStatus& status) { exit = status; };
  }
};

}  // namespace

TEST_CASE("a child's stdout and stderr arrive line by line and its exit is noticed", "[process]") {
  Run run;
  ChildProcess child(run.io, run.options("/bin/sh", {"-c", "echo one; echo two >&2; echo 'three\r'; printf four; exit 3"}));
  REQUIRE(child.start(run.on_exit()).empty());
  const int pid = child.pid();
  CHECK(pid > 0);
  CHECK(child.running());
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 5s));
  CHECK(run.exit->code == 3);
  CHECK(run.exit->signal == 0);
  CHECK(run.exit->describe() == "exit code 3");
  CHECK(run.texts(OutputStream::Stdout) == std::vector<std::string>{"one", "three", "four"});
  CHECK(run.texts(OutputStream::Stderr) == std::vector<std::string>{"two"});
  CHECK_FALSE(child.running());
  CHECK_FALSE(process_exists(pid));  // reaped, not a zombie
}

TEST_CASE("output lines are logged with the owner's fields and the pid", "[process]") {
  Run run;
  auto& log = run.log;
  ChildProcess child(run.io, run.options("/bin/sh", {"-c", "echo hello from the child >&2"}));
  REQUIRE(child.start(run.on_exit()).empty());
  const std::string expected = "[test=child pid=" + std::to_string(child.pid()) + "] stderr: hello from the child";
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 5s));
  CHECK(log.count_containing(expected) == 1);
}

TEST_CASE("arguments reach the program as they are, never through a shell", "[process]") {
  Run run;
  ChildProcess child(run.io, run.options("echo", {"a b", "$HOME", ";", "*", "`id`"}));
  REQUIRE(child.start(run.on_exit()).empty());
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 5s));
  CHECK(run.exit->success());
  CHECK(run.texts(OutputStream::Stdout) == std::vector<std::string>{"a b $HOME ; * `id`"});
}

TEST_CASE("a program that cannot start is an error at start, not an exit", "[process]") {
  Run run;
  SECTION("a path that does not exist") {
    ChildProcess child(run.io, run.options("/nonexistent/mmids-test-program", {}));
    const std::string error = child.start(run.on_exit());
    CHECK_THAT(error, Catch::Contains("/nonexistent/mmids-test-program") && Catch::Contains("No such file"));
    CHECK(child.pid() == 0);
    CHECK_FALSE(child.running());
  }
  SECTION("a name not on PATH") {
    ChildProcess child(run.io, run.options("mmids-no-such-program-anywhere", {}));
    CHECK_THAT(child.start(run.on_exit()), Catch::Contains("No such file"));
  }
  SECTION("a file that is not executable") {
    const auto file = std::filesystem::temp_directory_path() / ("mmids-not-executable-" + std::to_string(getpid()));
    std::ofstream(file) << "#!/bin/sh\necho no\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    ChildProcess child(run.io, run.options(file.string(), {}));
    CHECK_THAT(child.start(run.on_exit()), Catch::Contains("Permission denied"));
    std::filesystem::remove(file);
  }
  testing::run_for(run.io, 100ms);
  CHECK_FALSE(run.exit.has_value());
}

TEST_CASE("stop ends the child with SIGTERM and reaps it without reporting an exit", "[process]") {
  Run run;
  ChildProcess child(run.io, run.options("sleep", {"30"}));
  REQUIRE(child.start(run.on_exit()).empty());
  const int pid = child.pid();
  testing::run_for(run.io, 50ms);
  REQUIRE(process_exists(pid));
  child.stop();
  REQUIRE(run_until(run.io, [&] { return !process_exists(pid); }, 3s));
  testing::run_for(run.io, 300ms);
  CHECK_FALSE(run.exit.has_value());
}

TEST_CASE("a child that ignores SIGTERM is killed, with what it started, after the grace", "[process]") {
  Run run;
  auto options = run.options("/bin/sh", {"-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"});
  options.stop_grace = 300ms;
  ChildProcess child(run.io, std::move(options));
  REQUIRE(child.start(run.on_exit()).empty());
  const int pid = child.pid();
  REQUIRE(run_until(run.io, [&] { return !run.texts(OutputStream::Stdout).empty(); }, 5s));
  const auto stopped_at = std::chrono::steady_clock::now();
  child.stop();
  testing::run_for(run.io, 150ms);
  CHECK(process_exists(pid));  // still in its grace
  REQUIRE(run_until(run.io, [&] { return !process_exists(pid); }, 5s));
  CHECK(std::chrono::steady_clock::now() - stopped_at >= 300ms);
  // Nothing it started is left running either.
  CHECK(run_until(run.io, [&] { return testing::live_processes_in_group(pid) == 0; }, 2s));
}

TEST_CASE("destroying the owner stops and reaps the child", "[process]") {
  Run run;
  auto child = std::make_unique<ChildProcess>(run.io, run.options("sleep", {"30"}));
  REQUIRE(child->start(run.on_exit()).empty());
  const int pid = child->pid();
  child.reset();
  REQUIRE(run_until(run.io, [&] { return !process_exists(pid); }, 3s));
  CHECK_FALSE(run.exit.has_value());
}

TEST_CASE("a child still running when the io_context goes away is killed and reaped", "[process]") {
  int pid = 0;
  {
    asio::io_context io;
    ProcessOptions options;
    options.program = "sleep";
    options.arguments = {"30"};
    options.stop_grace = 200ms;
    ChildProcess child(io, options);
    REQUIRE(child.start({}).empty());
    pid = child.pid();
    io.run_for(20ms);
  }
  CHECK_FALSE(process_exists(pid));
}

TEST_CASE("the child inherits no descriptor but its standard ones", "[process]") {
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately not close-on-exec
  REQUIRE(leaked > 2);
  Run run;
  ChildProcess child(run.io, run.options("/bin/sh", {"-c", "ls /proc/$$/fd"}));
  REQUIRE(child.start(run.on_exit()).empty());
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 5s));
  ::close(leaked);
  const auto fds = run.texts(OutputStream::Stdout);
  CHECK(std::find(fds.begin(), fds.end(), "0") != fds.end());
  CHECK(std::find(fds.begin(), fds.end(), "2") != fds.end());
  CHECK(std::find(fds.begin(), fds.end(), std::to_string(leaked)) == fds.end());
  for (const auto& fd : fds) CHECK(std::stoi(fd) <= 2);
}

TEST_CASE("a long line is reported in pieces of the line limit", "[process]") {
  Run run;
  auto options = run.options("/bin/sh", {"-c", "head -c 10000 /dev/zero | tr '\\0' x; echo; echo end"});
  options.max_line_bytes = 4096;
  ChildProcess child(run.io, std::move(options));
  REQUIRE(child.start(run.on_exit()).empty());
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 5s));
  const auto lines = run.texts(OutputStream::Stdout);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].size() == 4096);
  CHECK(lines[1].size() == 4096);
  CHECK(lines[2].size() == 10000 - 2 * 4096);
  CHECK(lines[3] == "end");
}

TEST_CASE("a child killed by a signal reports the signal", "[process]") {
  Run run;
  ChildProcess child(run.io, run.options("sleep", {"30"}));
  REQUIRE(child.start(run.on_exit()).empty());
  testing::run_for(run.io, 50ms);
  ::kill(child.pid(), SIGKILL);
  REQUIRE(run_until(run.io, [&] { return run.exit.has_value(); }, 3s));
  CHECK(run.exit->signal == SIGKILL);
  CHECK(run.exit->code == -1);
  CHECK_THAT(run.exit->describe(), Catch::StartsWith("signal 9"));
}

TEST_CASE("with a finish grace, stop first lets the child end by itself", "[process]") {
  Run run;
  SECTION("a child that ends within the grace never sees SIGTERM") {
    auto options = run.options("/bin/sh", {"-c", "trap 'echo got TERM' TERM; sleep 0.3; echo finished"});
    options.finish_grace = 2s;
    ChildProcess child(run.io, std::move(options));
    REQUIRE(child.start(run.on_exit()).empty());
    const int pid = child.pid();
    testing::run_for(run.io, 50ms);
    child.stop();
    REQUIRE(run_until(run.io, [&] { return !process_exists(pid); }, 3s));
    testing::run_for(run.io, 50ms);
    CHECK(run.log.count_containing("stdout: finished") == 1);
    CHECK(run.log.count_containing("got TERM") == 0);
  }
  SECTION("a child that does not end in the grace gets SIGTERM after it") {
    auto options = run.options("sleep", {"30"});
    options.finish_grace = 300ms;
    ChildProcess child(run.io, std::move(options));
    REQUIRE(child.start(run.on_exit()).empty());
    const int pid = child.pid();
    const auto stopped_at = std::chrono::steady_clock::now();
    child.stop();
    REQUIRE(run_until(run.io, [&] { return !process_exists(pid); }, 3s));
    const auto took = std::chrono::steady_clock::now() - stopped_at;
    CHECK(took >= 300ms);
    CHECK(took < 2s);
  }
  CHECK_FALSE(run.exit.has_value());
}
