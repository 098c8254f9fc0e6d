#include "steps/rtmp_watch/publisher_wait.hpp"

namespace mmids::steps {

PublisherWait::PublisherWait(asio::io_context& io, std::chrono::milliseconds window, IsLive is_live,
                             log::Fields fields)
    : io_(io), window_(window), is_live_(std::move(is_live)), fields_(std::move(fields)) {}

Subscription PublisherWait::approve(const std::string& key, endpoint::Approval approval) {
  if (is_live_(key)) {
    approval(true);
    return {};
  }
  if (window_.count() == 0) {
    spdlog::info("{} nobody publishes {}", fields_.with("stream", key), key);
    approval(false);
    return {};
  }
  auto waiter = std::make_shared<Waiter>(io_);
  waiter->approval = std::move(approval);
  waiting_[key].push_back(waiter);
  spdlog::debug("{} waiting up to {} ms for a publisher", fields_.with("stream", key), window_.count());
  waiter->timer.expires_after(window_);
  waiter->timer.async_wait([weak = weak_from_this(), key, weak_waiter = std::weak_ptr<Waiter>(waiter)](
                               const boost::system::error_code& error) {
    auto self = weak.lock();
    auto live_waiter = weak_waiter.lock();
    if (error || !self || !live_waiter) return;
    spdlog::info("{} no publisher of {} within {} ms", self->fields_.with("stream", key), key, self->window_.count());
    self->answer(key, live_waiter, false);
  });
  return Subscription([weak = weak_from_this(), key, weak_waiter = std::weak_ptr<Waiter>(waiter)] {
    auto self = weak.lock();
    auto live_waiter = weak_waiter.lock();
    if (!self || !live_waiter) return;
    auto it = self->waiting_.find(key);
    if (it == self->waiting_.end()) return;
    it->second.remove(live_waiter);
    if (it->second.empty()) self->waiting_.erase(it);
  });
}

void PublisherWait::answer(const std::string& key, const std::shared_ptr<Waiter>& waiter, bool accepted) {
  auto it = waiting_.find(key);
  if (it != waiting_.end()) {
    it->second.remove(waiter);
    if (it->second.empty()) waiting_.erase(it);
  }
  waiter->timer.cancel();
  auto approval = std::move(waiter->approval);
  if (approval) approval(accepted);
}

void PublisherWait::stream_started(const std::string& key) {
  auto it = waiting_.find(key);
  if (it == waiting_.end()) return;
  auto waiters = std::move(it->second);
  waiting_.erase(it);
  for (const auto& waiter : waiters) {
    waiter->timer.cancel();
    if (auto approval = std::move(waiter->approval)) approval(true);
  }
}

void PublisherWait::shutdown() {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& [key, waiters] : waiting)
    for (const auto& waiter : waiters) waiter->timer.cancel();
}

}  // namespace mmids::steps
