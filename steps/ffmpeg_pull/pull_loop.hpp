#pragma once
// PullLoop: ffmpeg_pull's attempts, one after another while the step lives. Each attempt
// runs its PullSource; a started attempt becomes stream `stream_name` downstream; an attempt
// that fails or ends is followed by the next after a backoff (250 ms doubling to 4 s), and
// the failure is reported so the reactor that created the workflow asks again at once.
// The pull is a client in the node's book while the loop lives (kicking it restarts the
// attempt), and its stream a live stream while an attempt plays; every attempt that ends
// counts as a pull restart.
// Owned by shared_ptr: the source's handlers and the retry timer hold it weakly.
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/workflows/step.hpp"
#include "steps/ffmpeg_pull/pull_source.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace mmids::reactor {
class ReactorManager;
}

namespace mmids::steps {

class PullLoop : public std::enable_shared_from_this<PullLoop> {
 public:
  static constexpr std::chrono::milliseconds kFirstRetryDelay{250};
  static constexpr std::chrono::milliseconds kMaxRetryDelay{4000};

  PullLoop(workflows::StepContext context, std::string location, std::string stream_name,
           std::unique_ptr<PullSource> source, reactor::ReactorManager* reactors,
           std::shared_ptr<activity::NodeActivity> activity = nullptr);
  ~PullLoop();

  void start();
  // Stops the attempt in progress and every later one; nothing is emitted afterwards.
  void stop();

 private:
  void start_attempt();
  void on_started();
  void on_ended(const std::string& reason);
  void on_tag(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body);

  workflows::StepContext context_;
  std::string location_;
  std::string stream_name_;
  std::unique_ptr<PullSource> source_;
  reactor::ReactorManager* reactors_;  // told when the pull fails; null without reactors
  std::shared_ptr<activity::NodeActivity> activity_;
  std::shared_ptr<activity::ClientEntry> client_;  // from start() to stop()
  std::shared_ptr<activity::StreamEntry> stream_;  // while an attempt plays
  asio::steady_timer retry_timer_;
  std::chrono::milliseconds retry_delay_ = kFirstRetryDelay;
  media::StreamId stream_id_ = 0;  // 0 while no attempt is playing
  bool stopped_ = false;
};

}  // namespace mmids::steps
