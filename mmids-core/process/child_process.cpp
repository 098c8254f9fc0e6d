#include "mmids-core/process/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace mmids::process {
namespace {

// After the child exits, how long its output may still trickle in (a grandchild can
// hold the pipes open) before the exit is reported anyway.
constexpr std::chrono::milliseconds kOutputDrain{250};
// Kernels without pidfd: how often to look for the exit.
constexpr std::chrono::milliseconds kExitPoll{100};

ExitStatus status_from_wait(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) status.code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) status.signal = WTERMSIG(wait_status);
  return status;
}

std::string error_text(int error) { return std::strerror(error); }

// glibc 2.36's <sys/pidfd.h> lacks C linkage for C++; the system call is the same.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char* name = strsignal(signal);
    return "signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : std::string());
  }
  if (code < 0) return "unknown status";
  return "exit code " + std::to_string(code);
}

struct ChildProcess::State : std::enable_shared_from_this<State> {
  struct Pipe {
    explicit Pipe(asio::io_context& io) : descriptor(io) {}
    asio::posix::stream_descriptor descriptor;
    std::array<char, 4096> buffer{};
    std::string partial;
  };

  State(asio::io_context& context, ProcessOptions process_options)
      : io(context),
        options(std::move(process_options)),
        fields(options.fields),
        out(context),
        err(context),
        exit_watch(context),
        poll_timer(context),
        kill_timer(context),
        drain_timer(context) {}
  ~State();

  std::string spawn();
  void read(Pipe& pipe, OutputStream which);
  void take_output(Pipe& pipe, OutputStream which, size_t size);
  void emit_line(OutputStream which, std::string_view line);
  void watch_exit();
  void poll_exit();
  void reap();
  void signal_group(int signal_number) const;
  void stop();
  void terminate();
  void maybe_finish();
  void finish();

  asio::io_context& io;
  ProcessOptions options;
  log::Fields fields;  // options.fields plus pid=
  pid_t pid = 0;
  bool reaped = false;
  bool stopping = false;
  bool finished = false;
  ExitStatus status;
  ExitHandler on_exit;
  Pipe out;
  Pipe err;
  asio::posix::stream_descriptor exit_watch;  // the child's pidfd
  asio::steady_timer poll_timer;              // without pidfd
  asio::steady_timer kill_timer;              // SIGTERM after finish_grace, SIGKILL after stop_grace
  asio::steady_timer drain_timer;             // output after exit
};

std::string ChildProcess::State::spawn() {
  if (options.program.empty()) return "no program given";
  int out_fds[2];
  int err_fds[2];
  if (pipe2(out_fds, O_CLOEXEC) != 0) return "cannot create a pipe: " + error_text(errno);
  if (pipe2(err_fds, O_CLOEXEC) != 0) {
    const int error = errno;
    close(out_fds[0]);
    close(out_fds[1]);
    return "cannot create a pipe: " + error_text(error);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fds[1], 2);
  // Sockets and files of the node (Asio does not mark them close-on-exec) stay ours.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM})
    sigaddset(&defaults, signal_number);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  // Its own process group: a terminal's Ctrl-C reaches the node, which stops its
  // children in order, and a stop reaches whatever the child started.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(options.program.c_str()));
  for (auto& argument : options.arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  pid_t child = 0;
  const bool has_path = options.program.find('/') != std::string::npos;
  const int result = has_path ? posix_spawn(&child, options.program.c_str(), &actions, &attributes, argv.data(), environ)
                              : posix_spawnp(&child, options.program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out_fds[1]);
  close(err_fds[1]);
  if (result != 0) {
    close(out_fds[0]);
    close(err_fds[0]);
    return options.program + ": " + error_text(result);
  }

  pid = child;
  fields = options.fields.with("pid", std::to_string(pid));
  out.descriptor.assign(out_fds[0]);
  err.descriptor.assign(err_fds[0]);
  read(out, OutputStream::Stdout);
  read(err, OutputStream::Stderr);
  watch_exit();
  return {};
}

void ChildProcess::State::read(Pipe& pipe, OutputStream which) {
  pipe.descriptor.async_read_some(
      asio::buffer(pipe.buffer), [self = shared_from_this(), &pipe, which](const boost::system::error_code& error,
                                                                         size_t size) {
        if (size > 0) self->take_output(pipe, which, size);
        if (!error) {
          self->read(pipe, which);
          return;
        }
        // End of output (or closed by finish()): the last unterminated line counts too.
        if (!pipe.partial.empty()) {
          std::string last = std::move(pipe.partial);
          pipe.partial.clear();
          self->emit_line(which, last);
        }
        boost::system::error_code ignored;
        pipe.descriptor.close(ignored);
        self->maybe_finish();
      });
}

void ChildProcess::State::take_output(Pipe& pipe, OutputStream which, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    const char c = pipe.buffer[i];
    if (c == '\n' || c == '\r') {
      if (!pipe.partial.empty()) {
        std::string line = std::move(pipe.partial);
        pipe.partial.clear();
        emit_line(which, line);
      }
      continue;
    }
    pipe.partial.push_back(c);
    if (pipe.partial.size() >= options.max_line_bytes) {
      std::string line = std::move(pipe.partial);
      pipe.partial.clear();
      emit_line(which, line);
    }
  }
}

void ChildProcess::State::emit_line(OutputStream which, std::string_view line) {
  spdlog::log(options.output_level, "{} {}: {}", fields, which == OutputStream::Stdout ? "stdout" : "stderr", line);
  if (!stopping && options.on_line) options.on_line(which, line);
}

void ChildProcess::State::watch_exit() {
  const int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    poll_exit();
    return;
  }
  exit_watch.assign(pidfd);
  exit_watch.async_wait(asio::posix::descriptor_base::wait_read,
                        [self = shared_from_this()](const boost::system::error_code&) { self->reap(); });
}

void ChildProcess::State::poll_exit() {
  siginfo_t info{};
  const int result = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
  if (result == 0 && info.si_pid == 0) {
    poll_timer.expires_after(kExitPoll);
    poll_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->reaped) return;
      self->poll_exit();
    });
    return;
  }
  reap();
}

void ChildProcess::State::reap() {
  if (reaped) return;
  // The child is a zombie now, so its pid (and process group id) cannot be reused yet:
  // after a stop, anything it left in its group goes too.
  if (stopping) kill(-pid, SIGKILL);
  int wait_status = 0;
  pid_t result = 0;
  do {
    result = waitpid(pid, &wait_status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == 0) {
    // Not exited after all (a spurious wake-up): keep watching.
    if (exit_watch.is_open()) {
      exit_watch.async_wait(asio::posix::descriptor_base::wait_read,
                            [self = shared_from_this()](const boost::system::error_code&) { self->reap(); });
    } else {
      poll_timer.expires_after(kExitPoll);
      poll_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        if (!error) self->poll_exit();
      });
    }
    return;
  }
  reaped = true;
  if (result == pid) status = status_from_wait(wait_status);
  boost::system::error_code ignored;
  exit_watch.close(ignored);
  kill_timer.cancel();
  poll_timer.cancel();
  drain_timer.expires_after(kOutputDrain);
  drain_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (!error) self->finish();
  });
  maybe_finish();
}

void ChildProcess::State::signal_group(int signal_number) const {
  if (pid <= 0 || reaped) return;
  kill(-pid, signal_number);
  kill(pid, signal_number);  // in case it left its group
}

void ChildProcess::State::stop() {
  if (stopping) return;
  stopping = true;
  if (pid <= 0 || reaped) return;
  if (options.finish_grace.count() <= 0) {
    terminate();
    return;
  }
  kill_timer.expires_after(options.finish_grace);
  kill_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->reaped) return;
    self->terminate();
  });
}

void ChildProcess::State::terminate() {
  signal_group(SIGTERM);
  kill_timer.expires_after(options.stop_grace);
  kill_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->reaped) return;
    spdlog::warn("{} still running {} ms after SIGTERM: SIGKILL", self->fields, self->options.stop_grace.count());
    self->signal_group(SIGKILL);
  });
}

void ChildProcess::State::maybe_finish() {
  if (reaped && !out.descriptor.is_open() && !err.descriptor.is_open()) finish();
}

void ChildProcess::State::finish() {
  if (finished) return;
  finished = true;
  drain_timer.cancel();
  boost::system::error_code ignored;
  out.descriptor.close(ignored);
  err.descriptor.close(ignored);
  ExitHandler handler = std::move(on_exit);
  on_exit = nullptr;
  if (stopping) {
    spdlog::debug("{} stopped: {}", fields, status.describe());
    return;
  }
  if (handler) handler(status);
}

ChildProcess::State::~State() {
  if (pid <= 0 || reaped) return;
  // Only when the io_context goes away with the child still running (a node shutting
  // down): give it a short grace, then make sure it is gone and reaped.
  if (!stopping) signal_group(SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(
                                                               options.stop_grace, std::chrono::milliseconds(1000));
  while (std::chrono::steady_clock::now() < deadline) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
}

ChildProcess::ChildProcess(asio::io_context& io, ProcessOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

ChildProcess::~ChildProcess() { state_->stop(); }

std::string ChildProcess::start(ExitHandler on_exit) {
  if (state_->pid != 0 || state_->stopping) return "already started or stopped";
  state_->on_exit = std::move(on_exit);
  std::string error = state_->spawn();
  if (!error.empty()) state_->on_exit = nullptr;
  return error;
}

void ChildProcess::stop() { state_->stop(); }

bool ChildProcess::running() const { return state_->pid > 0 && !state_->reaped; }

int ChildProcess::pid() const { return state_->pid; }

}  // namespace mmids::process
