#pragma once
// RtmpPullSource: an rtmp:// or rtmps:// location pulled natively by RtmpPlayClient:
// no process, no probing, tags relayed as they arrive.
#include "mmids-core/rtmp/client/rtmp_play_client.hpp"
#include "steps/ffmpeg_pull/pull_source.hpp"

namespace mmids::steps {

class RtmpPullSource : public PullSource {
 public:
  RtmpPullSource(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PlayClientOptions options);
  ~RtmpPullSource() override;
  void start(Handlers handlers) override;
  void stop() override;

 private:
  asio::io_context& io_;
  rtmp::RtmpUrl url_;
  rtmp::PlayClientOptions options_;
  std::shared_ptr<rtmp::RtmpPlayClient> client_;
};

}  // namespace mmids::steps
