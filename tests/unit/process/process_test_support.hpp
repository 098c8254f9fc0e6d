#pragma once
// Helpers for tests that run child processes: drive an io_context until something
// happens, look processes up in /proc, and capture log lines.
#include "mmids-core/common/asio.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <sys/types.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mmids::testing {

// Runs the io_context in short slices until `done` or the timeout; true when done.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    if (io.run_for(std::chrono::milliseconds(20)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs the io_context for a while, whatever happens.
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  run_until(io, [] { return false; }, duration);
}

// True while /proc/<pid> exists (a zombie still counts: it is not reaped).
inline bool process_exists(pid_t pid) { return pid > 0 && std::filesystem::exists("/proc/" + std::to_string(pid)); }

// The arguments of a running process (argv), empty when it is gone.
inline std::vector<std::string> process_arguments(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> arguments;
  std::string argument;
  while (std::getline(file, argument, '\0')) arguments.push_back(argument);
  return arguments;
}

// Live (not zombie) processes with `needle` as one of their arguments.
inline std::vector<pid_t> processes_with_argument(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    const auto arguments = process_arguments(pid);
    if (std::find(arguments.begin(), arguments.end(), needle) != arguments.end()) found.push_back(pid);
  }
  return found;
}

// Processes of a process group that are still running (zombies, which only wait for
// whoever reaps orphans here, do not count).
inline size_t live_processes_in_group(pid_t group) {
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream file(entry.path() / "stat");
    std::string stat;
    std::getline(file, stat);
    const auto close = stat.rfind(')');  // after "pid (comm)": state ppid pgrp ...
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    long ppid = 0;
    long pgrp = 0;
    fields >> state >> ppid >> pgrp;
    if (pgrp == group && state != "Z" && state != "X") ++count;
  }
  return count;
}

// Collects the default logger's lines (payload only) while it lives; the console sinks
// are quietened meanwhile. With MMIDS_TEST_LOG set, the lines go to stderr at the end.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<Sink>()) {
    auto logger = spdlog::default_logger();
    previous_level_ = logger->level();
    for (const auto& sink : logger->sinks()) {
      sink_levels_.push_back(sink->level());
      sink->set_level(spdlog::level::critical);
    }
    logger->sinks().push_back(sink_);
    logger->set_level(spdlog::level::info);
  }
  ~LogCapture() {
    if (std::getenv("MMIDS_TEST_LOG")) {
      for (const auto& line : lines()) std::fprintf(stderr, "log: %s\n", line.c_str());
    }
    auto logger = spdlog::default_logger();
    auto& sinks = logger->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    for (size_t i = 0; i < sinks.size() && i < sink_levels_.size(); ++i) sinks[i]->set_level(sink_levels_[i]);
    logger->set_level(previous_level_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  [[nodiscard]] std::vector<std::string> lines() const { return sink_->lines(); }
  [[nodiscard]] size_t count_containing(const std::string& text, spdlog::level::level_enum at_least =
                                                                       spdlog::level::trace) const {
    return sink_->count(text, at_least);
  }

 private:
  class Sink : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::vector<std::string> lines() {
      std::lock_guard lock(mutex_);
      std::vector<std::string> result;
      for (const auto& [level, line] : lines_) result.push_back(line);
      return result;
    }
    size_t count(const std::string& text, spdlog::level::level_enum at_least) {
      std::lock_guard lock(mutex_);
      return static_cast<size_t>(std::count_if(lines_.begin(), lines_.end(), [&](const auto& entry) {
        return entry.first >= at_least && entry.second.find(text) != std::string::npos;
      }));
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
      lines_.emplace_back(message.level, std::string(message.payload.data(), message.payload.size()));
    }
    void flush_() override {}

   private:
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
  };
  std::shared_ptr<Sink> sink_;
  spdlog::level::level_enum previous_level_;
  std::vector<spdlog::level::level_enum> sink_levels_;
};

}  // namespace mmids::testing
