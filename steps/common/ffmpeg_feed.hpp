#pragma once
// FfmpegFeed: the private RTMP app through which the local ffmpeg processes of one step
// read that step's streams. A watcher registration on the node's RtmpServer at
// settings.internal_rtmp_port, app unique to the step instance, open to loopback (and
// the node's bind address) only; behind it a StreamOutlets fan-out with a GOP cache, so
// an ffmpeg that (re)connects starts at once on a keyframe.
#include "mmids-core/endpoint/ip_rules.hpp"
#include "steps/builtin_steps.hpp"
#include "steps/rtmp_watch/stream_outlets.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace mmids::steps {

class FfmpegFeed {
 public:
  FfmpegFeed(StepServices& services, log::Fields fields, std::string app);
  ~FfmpegFeed();
  FfmpegFeed(const FfmpegFeed&) = delete;
  FfmpegFeed& operator=(const FfmpegFeed&) = delete;

  // Registers the app. Returns the registration error, or an empty string.
  [[nodiscard]] std::string open();
  // Unregisters it, which disconnects every reader.
  void close();

  [[nodiscard]] const std::string& app() const { return app_; }
  // Where ffmpeg reads the stream served under `key`.
  [[nodiscard]] std::string url(const std::string& key) const;
  // A notification of the stream served under `key` (a NewStream is served as `key`,
  // whatever its name).
  void deliver(const media::MediaNotification& notification, const std::string& key);
  // The stream served under `key` is over: its readers are disconnected, so each ffmpeg
  // sees the end of its input and finishes its output (trailer, HLS end tag) by itself.
  void end(const std::string& key);

 private:
  StepServices& services_;
  log::Fields fields_;
  std::string app_;
  StreamOutlets outlets_;
  // The readers per key, so a stream's end can disconnect them (StreamOutlets keeps
  // viewers waiting for a stream to come back, as rtmp_watch wants).
  std::map<std::string, std::map<uint64_t, std::weak_ptr<endpoint::ViewerSink>>> readers_;
  Subscription registration_;
  bool open_ = false;
};

// "ffmpeg-<kind>-<16 hex digits>", different for every call.
[[nodiscard]] std::string private_app_name(std::string_view kind);
// Who may use a private app: 127.0.0.0/8, and the node's IPv4 bind address if it has one.
[[nodiscard]] endpoint::IpRules local_ip_rules(const settings::NodeSettings& settings);

}  // namespace mmids::steps
