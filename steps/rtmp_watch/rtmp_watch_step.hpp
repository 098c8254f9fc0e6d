#pragma once
// rtmp_watch: serves the streams flowing through it to RTMP players on (port,
// rtmp_app, stream_key), and passes everything on to the next step. With stream_key=*
// a stream is watched under its own name; with an exact key every stream maps to it.
//   rtmp_watch rtmp_app=APP stream_key=*|KEY [port=N] [rtmps] [allow_ips=..|deny_ips=..]
//              [reactor=R] [gop_cache=on|off]
#include "steps/builtin_steps.hpp"
#include "steps/common/rtmp_endpoint_arguments.hpp"
#include "steps/rtmp_watch/stream_outlets.hpp"

namespace mmids::steps {

class RtmpWatchStep : public workflows::WorkflowStep {
 public:
  struct Options {
    RtmpEndpointArguments endpoint;
    bool gop_cache = true;
  };
  RtmpWatchStep(workflows::StepContext context, Options options, StepServices& services);

  void on_media(const media::MediaNotification& notification) override;
  void shutdown() override;

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  workflows::StepContext context_;
  Options options_;
  StreamOutlets outlets_;
  workflows::Subscription registration_;
  bool shut_down_ = false;
};

}  // namespace mmids::steps
