#include "steps/rtmp_receive/rtmp_receive_step.hpp"

#include "mmids-core/rtmp/server/rtmp_server.hpp"

namespace mmids::steps {

RtmpReceiveStep::RtmpReceiveStep(workflows::StepContext context, RtmpEndpointArguments arguments,
                                 StepServices& services)
    : context_(std::move(context)), arguments_(std::move(arguments)) {
  rtmp::PublisherRegistration registration;
  registration.port = arguments_.port;
  registration.app = arguments_.app;
  registration.stream_key = arguments_.stream_key;
  registration.tls = arguments_.rtmps;
  registration.ip_rules = arguments_.ip_rules;
  registration.fields = context_.fields();
  registration.on_media = [context = context_](const media::MediaNotification& notification) {
    context.emit(notification);
  };
  auto result = services.rtmp->register_publisher(std::move(registration));
  if (!result.ok()) {
    context_.set_error(result.error);
    return;
  }
  registration_ = std::move(result.registration);
  spdlog::info("{} accepting publishers on port {} app '{}' key '{}'", context_.fields(), arguments_.port,
               arguments_.app, arguments_.stream_key);
  context_.set_active();
}

std::unique_ptr<workflows::WorkflowStep> RtmpReceiveStep::create(const config::StepDefinition& definition,
                                                                 workflows::StepContext context,
                                                                 StepServices& services) {
  workflows::StepArguments args(definition);
  auto arguments = RtmpEndpointArguments::read(args);
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  return std::make_unique<RtmpReceiveStep>(std::move(context), std::move(arguments), services);
}

}  // namespace mmids::steps
