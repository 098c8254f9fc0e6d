#pragma once
// rtmp_receive: accepts RTMP publishers on (port, rtmp_app, stream_key) and brings each
// one into the workflow as a stream named by its key. Input from earlier steps is
// dropped (as in mmids). With reactor=R a publisher is held until R answers for its key
// (404: NetStream.Publish.BadName); R keeps asking every update_interval while the
// publisher stays, and a later 404 disconnects it.
//   rtmp_receive rtmp_app=APP stream_key=*|KEY [port=N] [rtmps] [allow_ips=..|deny_ips=..] [reactor=R]
#include "steps/builtin_steps.hpp"
#include "reactor/reactor.hpp"
#include "steps/common/rtmp_endpoint_arguments.hpp"

namespace mmids::steps {

class RtmpReceiveStep : public workflows::WorkflowStep {
 public:
  RtmpReceiveStep(workflows::StepContext context, RtmpEndpointArguments arguments, StepServices& services,
                  reactor::Reactor* reactor);

  void on_media(const media::MediaNotification&) override {}
  // Unregistering closes this step's publishers, whose roles give back their reactor
  // leases: no reactor callback of theirs comes after it.
  void shutdown() override { registration_.reset(); }

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  workflows::StepContext context_;
  RtmpEndpointArguments arguments_;
  Subscription registration_;
};

}  // namespace mmids::steps
