#pragma once
// ProcessSupervisor: keeps one program running while its owner wants it. Each exit or
// failed start is logged with the owner's fields and followed by a new try after a
// backoff (RestartBackoff: 0.5 s doubling to 5 s by default, back to the start after a
// run that lasted). Use on the io_context's thread only.
#include "mmids-core/process/child_process.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace mmids::process {

struct RestartPolicy {
  std::chrono::milliseconds initial{500};         // the first delay
  std::chrono::milliseconds max{5000};            // delays double up to this
  std::chrono::milliseconds stable_after{10000};  // a run this long resets the delay
};

class RestartBackoff {
 public:
  explicit RestartBackoff(RestartPolicy policy = {}) : policy_(policy), next_(policy.initial) {}
  // The delay before the next try; the one after it doubles (up to max).
  std::chrono::milliseconds next();
  void reset() { next_ = policy_.initial; }
  [[nodiscard]] const RestartPolicy& policy() const { return policy_; }

 private:
  RestartPolicy policy_;
  std::chrono::milliseconds next_;
};

// Owned by shared_ptr (its retry timer holds it weakly; docs/architecture.md "Lifetimes").
class ProcessSupervisor : public std::enable_shared_from_this<ProcessSupervisor> {
 public:
  ProcessSupervisor(asio::io_context& io, ProcessOptions options, RestartPolicy policy = {});
  ~ProcessSupervisor();  // stop()
  ProcessSupervisor(const ProcessSupervisor&) = delete;
  ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

  // Starts the program now, and again after every exit or failed start until stop().
  void start();
  // Stops the running child (SIGTERM, SIGKILL after the grace) and every future try.
  void stop();

  [[nodiscard]] int pid() const;              // the running child; 0 between tries
  [[nodiscard]] uint64_t attempts() const { return attempts_; }  // starts tried so far
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void launch();
  void exited(const ExitStatus& status);
  void retry_after(std::chrono::milliseconds delay);

  asio::io_context& io_;
  ProcessOptions options_;
  RestartBackoff backoff_;
  asio::steady_timer retry_timer_;
  std::unique_ptr<ChildProcess> child_;
  std::chrono::steady_clock::time_point started_at_;
  uint64_t attempts_ = 0;
  bool running_ = false;  // start() called
  bool stopped_ = false;
};

// The command as one line for logs: arguments with spaces or quotes are quoted.
[[nodiscard]] std::string describe_command(const std::string& program, const std::vector<std::string>& arguments);

}  // namespace mmids::process
