#pragma once
// IoThreads: the I/O threads connections are spread over (the `worker_threads` setting).
// Thread 0 is the main thread, whose io_context the caller runs and which owns everything
// that is not a connection (workflows, reactors, registrations, the activity book); the
// others each run their own io_context here. An object lives on one of them and is only
// touched there, so nothing needs a lock: work for another thread is posted to it.
// With one thread there is nothing but the main io_context and every post is a call.
//
// join() (or destruction) stops the extra threads and joins them, so it must come before
// the main io_context's destruction (objects on them post to it) and after everything that
// posts to them.
#include "mmids-core/common/asio.hpp"

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace mmids {

// Where an object lives (its home thread) beside the main thread, and how work crosses
// between them: at once when they are the same thread (one worker thread, or an object on
// the main one), posted otherwise. So with `worker_threads 1` nothing is ever posted.
struct ThreadPlacement {
  asio::io_context::executor_type main;
  asio::io_context::executor_type home;

  [[nodiscard]] bool at_main() const { return main == home; }
  // Whether a caller may touch the object now (the object lives on the main thread, whose
  // callers are all there, or this is its own thread).
  [[nodiscard]] bool on_home() const { return at_main() || home.running_in_this_thread(); }
  // Work for the main thread, from the object's own.
  template <typename Work>
  void to_main(Work&& work) const {
    if (at_main()) {
      work();
    } else {
      asio::post(main, std::forward<Work>(work));
    }
  }
  // Work for the object's thread, from any thread.
  template <typename Work>
  void to_home(Work&& work) const {
    if (on_home()) {
      work();
    } else {
      asio::post(home, std::forward<Work>(work));
    }
  }
};

class IoThreads {
 public:
  // `threads` in all, the main one included (at least one).
  IoThreads(asio::io_context& main, size_t threads) : main_(main) {
    for (size_t i = 1; i < threads; ++i) {
      auto& worker = workers_.emplace_back(std::make_unique<Worker>());
      worker->thread = std::thread([context = &worker->context] { context->run(); });
    }
  }
  ~IoThreads() { join(); }
  // Lets each thread finish what it has (connections told to close end their reads and
  // timers) for up to a second, then stops it, and joins; from the main thread (a second
  // call finds nothing left to join). The owner calls it before what the threads use goes: a connection that is
  // still open holds these threads too (through its server), so the last reference may go
  // only later, with the main io_context's queue, where a running thread would post into
  // an io_context being destroyed. What the threads left queued is destroyed with them.
  void join() {
    for (auto& worker : workers_) worker->guard.reset();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (auto& worker : workers_) {
      if (!worker->thread.joinable()) continue;
      while (!worker->context.stopped() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      worker->context.stop();
      worker->thread.join();
    }
  }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  [[nodiscard]] size_t size() const { return workers_.size() + 1; }
  // The io_context of thread `index` (0: the main one).
  [[nodiscard]] asio::io_context& at(size_t index) { return index == 0 ? main_ : workers_[index - 1]->context; }
  // The index of the next thread, round robin (called on the main thread only).
  [[nodiscard]] size_t next_index() { return next_++ % size(); }
  // An object on `home` (one of these threads), seen from the main one.
  [[nodiscard]] ThreadPlacement placement(asio::io_context& home) {
    return ThreadPlacement{main_.get_executor(), home.get_executor()};
  }

 private:
  struct Worker {
    asio::io_context context{1};  // one thread runs it
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(context);
    std::thread thread;
  };
  asio::io_context& main_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_ = 0;
};

}  // namespace mmids
