#pragma once
// PublisherWait: rtmp_watch's approver when no reactor decides. A viewer of a key that is
// being published is let in at once; a viewer of a key nobody publishes waits at most
// `window` for a publisher (one moving between ingestion nodes is found), then is refused
// (NetStream.Play.StreamNotFound), instead of being held for ever on nothing.
// Owned by shared_ptr: the waiters' timers and leases hold it weakly.
#include "mmids-core/endpoint/registrations.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>

namespace mmids::steps {

class PublisherWait : public std::enable_shared_from_this<PublisherWait> {
 public:
  using IsLive = std::function<bool(const std::string& key)>;
  PublisherWait(asio::io_context& io, std::chrono::milliseconds window, IsLive is_live, log::Fields fields);

  // The approver: answers now when the key is live (or the window is 0), else when its
  // publisher starts or the window passes. Dropping the lease stops the wait.
  Subscription approve(const std::string& key, endpoint::Approval approval);
  // A stream of `key` started: its waiters are let in.
  void stream_started(const std::string& key);
  // Drops every waiter (the step is going away: its registration closes their connections).
  void shutdown();

 private:
  struct Waiter {
    explicit Waiter(asio::io_context& io) : timer(io) {}
    endpoint::Approval approval;
    asio::steady_timer timer;
  };
  void answer(const std::string& key, const std::shared_ptr<Waiter>& waiter, bool accepted);

  asio::io_context& io_;
  std::chrono::milliseconds window_;
  IsLive is_live_;
  log::Fields fields_;
  std::map<std::string, std::list<std::shared_ptr<Waiter>>> waiting_;
};

}  // namespace mmids::steps
