#include "steps/builtin_steps.hpp"

#include "reactor/reactor_manager.hpp"

#include "steps/ffmpeg_hls/ffmpeg_hls_step.hpp"
#include "steps/ffmpeg_pull/ffmpeg_pull_step.hpp"
#include "steps/ffmpeg_push/ffmpeg_push_step.hpp"
#include "steps/ffmpeg_transcode/ffmpeg_transcode_step.hpp"
#include "steps/rtmp_receive/rtmp_receive_step.hpp"
#include "steps/rtmp_watch/rtmp_watch_step.hpp"
#include "steps/workflow_forwarder/workflow_forwarder_step.hpp"

namespace mmids::steps {

reactor::Reactor& find_reactor(StepServices& services, const std::string& argument, const std::string& name) {
  reactor::Reactor* reactor = services.reactors ? services.reactors->find(name) : nullptr;
  if (!reactor) throw workflows::StepArgumentError("argument '" + argument + "': no reactor named '" + name + "'");
  return *reactor;
}

void register_builtin_steps(workflows::StepRegistry& registry, StepServices& services) {
  auto bind = [&services](auto create) {
    return [&services, create](const config::StepDefinition& definition, workflows::StepContext context) {
      return create(definition, std::move(context), services);
    };
  };
  registry.add("rtmp_receive", bind(&RtmpReceiveStep::create));
  registry.add("rtmp_watch", bind(&RtmpWatchStep::create));
  registry.add("ffmpeg_pull", bind(&FfmpegPullStep::create));
  registry.add("ffmpeg_push", bind(&FfmpegPushStep::create));
  registry.add("ffmpeg_hls", bind(&FfmpegHlsStep::create));
  registry.add("ffmpeg_transcode", bind(&FfmpegTranscodeStep::create));
  registry.add("workflow_forwarder", bind(&WorkflowForwarderStep::create));
  registry.add_alias("forward_to_workflow", "workflow_forwarder");
}

}  // namespace mmids::steps
