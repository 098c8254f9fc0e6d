// IoThreads::join: the worker threads stop when the owner says, even while something they
// run still holds them (an open connection holds its server, which holds the threads).
#include "mmids-core/common/io_threads.hpp"

#include <catch2/catch.hpp>

#include <future>

using namespace mmids;

TEST_CASE("io threads: join stops the workers while work queued on them still holds them", "[io_threads]") {
  asio::io_context main;
  auto threads = std::make_shared<IoThreads>(main, 2);
  auto& worker = threads->at(1);
  auto timer = std::make_shared<asio::steady_timer>(worker, std::chrono::hours(1));
  std::promise<void> armed;
  asio::post(worker, [&armed, holder = threads, timer] {
    timer->async_wait([holder, timer](const boost::system::error_code&) {});
    armed.set_value();
  });
  armed.get_future().wait();

  threads->join();
  CHECK(worker.stopped());  // its thread has ended, with the wait still pending
  threads->join();          // a second call finds nothing to join

  // The thread is gone: run the cancelled wait here, which lets go of its hold.
  timer->cancel();
  worker.restart();
  CHECK(worker.poll() == 1u);
  CHECK(threads.use_count() == 1);
}
