#pragma once
// Publisher: one `mmids-bench publish` connection, the project's publish client
// (RtmpPublishClient) sending a TagSource in real time: metadata and sequence headers at
// Publish.Start, then each tag when the clock reaches its timestamp (a timer armed at the
// next one, on an absolute schedule so timers never drift).
//
// A server that does not take the bytes leaves them queued in the client; past
// kMaxBacklogBytes the publisher gives up with a failure, as an encoder that cannot send
// would, instead of growing without bound.
//
// Lifetime: owned by shared_ptr; the timer's handler holds it weakly (docs/architecture.md,
// "Lifetimes"). The client's handlers hold `this`: the client calls none after stop().
#include "mmids-core/rtmp/client/rtmp_publish_client.hpp"
#include "tools/bench/load/live_counter.hpp"
#include "tools/bench/measure/publisher_record.hpp"
#include "tools/bench/stream/tag_source.hpp"

#include <memory>

namespace mmids::bench {

inline constexpr size_t kMaxBacklogBytes = 8 << 20;

struct PublishShard {
  const MeasureWindow* window = nullptr;
  LiveCounter started;
  LiveCounter publishing;
  LiveCounter failed;
  LiveCounter bytes;
};

class Publisher : public std::enable_shared_from_this<Publisher> {
 public:
  Publisher(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PublishClientOptions options,
            std::unique_ptr<TagSource> source, PublisherRecord& record, PublishShard& shard);
  void start();
  void stop();

 private:
  void on_publishing();
  void on_closed(const std::string& reason);
  void send_due();
  void send(const OutgoingTag& tag, Clock::time_point now);

  asio::steady_timer timer_;
  std::unique_ptr<TagSource> source_;
  PublisherRecord& record_;
  PublishShard& shard_;
  std::shared_ptr<rtmp::RtmpPublishClient> client_;
  Clock::time_point origin_{};  // the wall time of timestamp 0
  bool ended_ = false;
};

}  // namespace mmids::bench
