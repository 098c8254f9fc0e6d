#include "mmids-core/process/process_supervisor.hpp"

#include <algorithm>

namespace mmids::process {

std::chrono::milliseconds RestartBackoff::next() {
  const auto delay = next_;
  next_ = std::min(next_ * 2, policy_.max);
  return delay;
}

std::string describe_command(const std::string& program, const std::vector<std::string>& arguments) {
  auto quoted = [](const std::string& text) {
    if (!text.empty() && text.find_first_of(" \t\"'\\") == std::string::npos) return text;
    std::string result = "'";
    for (char c : text) result += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return result + "'";
  };
  std::string line = quoted(program);
  for (const auto& argument : arguments) line += " " + quoted(argument);
  return line;
}

ProcessSupervisor::ProcessSupervisor(asio::io_context& io, ProcessOptions options, RestartPolicy policy)
    : io_(io), options_(std::move(options)), backoff_(policy), retry_timer_(io) {}

ProcessSupervisor::~ProcessSupervisor() { stop(); }

void ProcessSupervisor::start() {
  if (running_ || stopped_) return;
  running_ = true;
  launch();
}

void ProcessSupervisor::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  if (child_) {
    spdlog::info("{} stopping {} (pid {})", options_.fields, options_.program, child_->pid());
    child_->stop();  // reaped in the background
    child_.reset();
  }
}

int ProcessSupervisor::pid() const { return child_ && child_->running() ? child_->pid() : 0; }

void ProcessSupervisor::launch() {
  if (stopped_) return;
  ++attempts_;
  child_ = std::make_unique<ChildProcess>(io_, options_);
  started_at_ = std::chrono::steady_clock::now();
  const std::string error = child_->start([this](const ExitStatus& status) { exited(status); });
  if (!error.empty()) {
    child_.reset();
    const auto delay = backoff_.next();
    spdlog::error("{} cannot start {}; next try in {} ms", options_.fields, error, delay.count());
    retry_after(delay);
    return;
  }
  spdlog::info("{} started (pid {}): {}", options_.fields, child_->pid(),
               describe_command(options_.program, options_.arguments));
}

void ProcessSupervisor::exited(const ExitStatus& status) {
  // Called by the child this object owns, so this object is alive.
  const int pid = child_ ? child_->pid() : 0;
  child_.reset();
  const auto ran_for = std::chrono::steady_clock::now() - started_at_;
  if (ran_for >= backoff_.policy().stable_after) backoff_.reset();
  const auto delay = backoff_.next();
  const double seconds = std::chrono::duration<double>(ran_for).count();
  spdlog::warn("{} {} (pid {}) ended with {} after {:.1f} s; restarting in {} ms", options_.fields,
               options_.program, pid, status.describe(), seconds, delay.count());
  retry_after(delay);
}

void ProcessSupervisor::retry_after(std::chrono::milliseconds delay) {
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (error || !self || self->stopped_) return;
    self->launch();
  });
}

}  // namespace mmids::process
