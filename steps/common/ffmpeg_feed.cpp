#include "steps/common/ffmpeg_feed.hpp"

#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "steps/common/ffmpeg_arguments.hpp"

#include <atomic>
#include <cstdio>
#include <random>

namespace mmids::steps {

FfmpegFeed::FfmpegFeed(StepServices& services, log::Fields fields, std::string app)
    : services_(services),
      fields_(std::move(fields)),
      app_(std::move(app)),
      outlets_(services.io, StreamOutlets::Options{}, fields_) {}

FfmpegFeed::~FfmpegFeed() { close(); }

std::string FfmpegFeed::open() {
  if (!services_.rtmp) return "this node has no RTMP server";
  endpoint::WatcherRegistration registration;
  registration.port = services_.settings.internal_rtmp_port;
  registration.app = app_;
  registration.stream_key = "*";
  registration.ip_rules = local_ip_rules(services_.settings);
  registration.fields = fields_;
  // The server calls these only while the registration lives; close() ends it.
  registration.on_viewer_joined = [this](std::shared_ptr<endpoint::ViewerSink> viewer, const std::string& key) {
    if (!open_) return;
    readers_[key][viewer->connection_id()] = viewer;
    outlets_.add_viewer(viewer, key);
  };
  registration.on_viewer_left = [this](uint64_t connection_id, const std::string& key) {
    if (!open_) return;
    if (auto it = readers_.find(key); it != readers_.end()) {
      it->second.erase(connection_id);
      if (it->second.empty()) readers_.erase(it);
    }
    outlets_.remove_viewer(connection_id, key);
  };
  auto result = services_.rtmp->register_watcher(std::move(registration));
  if (!result.ok()) return "cannot serve ffmpeg on port " + std::to_string(services_.settings.internal_rtmp_port) +
                           " (internal_rtmp_port): " + result.error();
  registration_ = std::move(result).value();
  open_ = true;
  return {};
}

void FfmpegFeed::close() {
  open_ = false;
  readers_.clear();
  registration_.reset();
}

void FfmpegFeed::end(const std::string& key) {
  auto it = readers_.find(key);
  if (it == readers_.end()) return;
  std::vector<std::shared_ptr<endpoint::ViewerSink>> readers;
  for (const auto& [connection, reader] : it->second)
    if (auto alive = reader.lock()) readers.push_back(alive);
  readers_.erase(it);
  for (const auto& reader : readers) reader->close("stream ended");
}

std::string FfmpegFeed::url(const std::string& key) const {
  return local_rtmp_url(services_.settings.local_rtmp_host(), services_.settings.internal_rtmp_port, app_, key);
}

void FfmpegFeed::deliver(const media::MediaNotification& notification, const std::string& key) {
  if (!open_) return;
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    outlets_.deliver(media::NewStream{started->id, key});
    return;
  }
  outlets_.deliver(notification);
}

std::string private_app_name(std::string_view kind) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = [] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }();
  // A counter keeps names apart; the seed keeps them from being guessed.
  const uint64_t value = seed ^ (++counter * 0x9E3779B97F4A7C15ULL);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(value));
  return "ffmpeg-" + std::string(kind) + "-" + hex;
}

endpoint::IpRules local_ip_rules(const settings::NodeSettings& settings) {
  std::string list = "127.0.0.0/8";
  boost::system::error_code error;
  const auto bind = asio::ip::make_address(settings.bind_address, error);
  if (!error && bind.is_v4() && !bind.is_unspecified() && !bind.is_loopback()) list += "," + bind.to_string();
  return endpoint::IpRules::allow(list);
}

}  // namespace mmids::steps
