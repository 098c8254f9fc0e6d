#pragma once
// rtmp_watch: serves the streams flowing through it to RTMP players on (port,
// rtmp_app, stream_key), and passes everything on to the next step. With stream_key=*
// a stream is watched under its own name; with an exact key every stream maps to it.
//   rtmp_watch rtmp_app=APP stream_key=*|KEY [port=N] [rtmps] [allow_ips=..|deny_ips=..]
//              [reactor=R [idle_grace=SECONDS]] [gop_cache=on|off] [wait_for_publisher=SECONDS]
//              [start_timeout=SECONDS] [unpublish_grace=SECONDS]
// With reactor=R a viewer is held until R answers for its key (404: StreamNotFound) and
// the media of the workflows R runs for that key reaches the key's viewers (pull
// routing); those workflows outlive the key's last viewer by idle_grace (default 5 s).
// Without a reactor, a viewer of a key nobody publishes waits wait_for_publisher (default
// 5 s) and is then refused. A viewer with no keyframe start_timeout (default 10 s) after
// Play.Start is refused (StreamNotFound); when a key's stream ends and none comes back
// within unpublish_grace (default 10 s), its viewers are told (UnpublishNotify) and closed.
#include "steps/builtin_steps.hpp"
#include "steps/common/rtmp_endpoint_arguments.hpp"
#include "steps/rtmp_watch/publisher_wait.hpp"
#include "steps/rtmp_watch/reactor_viewer_gate.hpp"
#include "steps/rtmp_watch/stream_outlets.hpp"

#include <set>

namespace mmids::steps {

class RtmpWatchStep : public workflows::WorkflowStep {
 public:
  struct Options {
    RtmpEndpointArguments endpoint;
    bool gop_cache = true;
    std::chrono::milliseconds idle_grace{5000};
    std::chrono::milliseconds wait_for_publisher{5000};
    std::chrono::milliseconds start_timeout{10000};
    std::chrono::milliseconds unpublish_grace{10000};
  };
  RtmpWatchStep(workflows::StepContext context, Options options, StepServices& services, reactor::Reactor* reactor);

  void on_media(const media::MediaNotification& notification) override;
  void shutdown() override;

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  void serve(const media::MediaNotification& notification);
  void on_routed(const std::string& key, const media::MediaNotification& notification);

  workflows::StepContext context_;
  Options options_;
  StreamOutlets outlets_;
  std::shared_ptr<ReactorViewerGate> gate_;
  std::shared_ptr<PublisherWait> publisher_wait_;  // when no reactor decides
  // Streams arriving from the step before. A routed copy of one of them (a reactor
  // workflow ending in a forwarder to this workflow) is not delivered twice.
  std::set<media::StreamId> upstream_streams_;
  Subscription registration_;
  bool shut_down_ = false;
};

}  // namespace mmids::steps
