#pragma once
// rtmp_receive: accepts RTMP publishers on (port, rtmp_app, stream_key) and brings each
// one into the workflow as a stream named by its key. Input from earlier steps is
// dropped (as in mmids). With reactor=R a publisher is held until R answers for its key
// (404: NetStream.Publish.BadName); R keeps asking every update_interval while the
// publisher stays, and a later 404 disconnects it.
//   rtmp_receive rtmp_app=APP stream_key=*|KEY [port=N] [rtmps] [allow_ips=..|deny_ips=..] [reactor=R]
//                [publish_timeout=SECONDS] [takeover=silent|always|never] [takeover_silence=SECONDS]
// A publisher that sends nothing for publish_timeout (default: the publish_timeout setting,
// 5 s) is closed and its key freed. A new publisher of a key that is live here takes it over
// when the old one has been silent for takeover_silence (default 1 s; a reconnecting encoder
// whose network died), always, or never (refused, BadName); the reactor approves it first
// like any publisher.
#include "steps/builtin_steps.hpp"
#include "mmids-core/endpoint/registrations.hpp"
#include "reactor/reactor.hpp"
#include "steps/common/rtmp_endpoint_arguments.hpp"

namespace mmids::steps {

class RtmpReceiveStep : public workflows::WorkflowStep {
 public:
  struct Options {
    RtmpEndpointArguments endpoint;
    std::optional<std::chrono::milliseconds> publish_timeout;
    endpoint::Takeover takeover = endpoint::Takeover::WhenSilent;
    std::chrono::milliseconds takeover_silence{1000};
  };
  RtmpReceiveStep(workflows::StepContext context, Options options, StepServices& services, reactor::Reactor* reactor);

  void on_media(const media::MediaNotification&) override {}
  // Unregistering closes this step's publishers, whose roles give back their reactor
  // leases: no reactor callback of theirs comes after it.
  void shutdown() override { registration_.reset(); }

  static std::unique_ptr<workflows::WorkflowStep> create(const config::StepDefinition& definition,
                                                         workflows::StepContext context, StepServices& services);

 private:
  workflows::StepContext context_;
  Options options_;
  Subscription registration_;
};

}  // namespace mmids::steps
