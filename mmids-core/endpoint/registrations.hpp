#pragma once
// endpoint: the contract between a server of clients (the RTMP server, the HTTP viewer
// server) and the steps that register with it. A registrant names a port, app and key
// (or "*"), optional IP rules and an approver; the server brings it each approved
// publisher's media, or each approved viewer as a ViewerSink. Protocol-neutral: one viewer
// model for RTMP, HTTP-FLV and HLS viewers.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/subscription.hpp"
#include "mmids-core/endpoint/ip_rules.hpp"
#include "mmids-core/endpoint/viewer_queue.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace mmids::endpoint {

// A publish or play request, as the registrant's approver sees it.
struct StreamRequest {
  uint64_t connection_id = 0;  // unique in the node, whatever the protocol
  uint16_t port = 0;
  std::string app;
  std::string stream_key;
  std::string query;  // what followed '?' in the stream key (a token, say), without the '?'
  asio::ip::address peer_address;
  uint16_t peer_port = 0;
};
// Call exactly once, now or later, on the io thread: true accepts.
using Approval = std::function<void(bool accepted)>;
// Decides on a request, now or later. The returned lease is held by the connection until
// it stops publishing or playing (or is refused, or goes away), so a registrant can tie
// resources to a client's life: a reactor lookup held while a viewer watches.
using Approver = std::function<Subscription(const StreamRequest& request, Approval approval)>;

// One connected viewer, of any protocol, as a stream's fan-out sees it.
class ViewerSink {
 public:
  virtual ~ViewerSink() = default;
  [[nodiscard]] virtual uint64_t connection_id() const = 0;
  // The executor the viewer lives on (its connection's io thread, IoThreads), or none: the
  // main thread. Every call below may come from any thread and runs there; a fan-out that
  // has many viewers on one thread hands each packet to that thread once and calls them
  // there (StreamOutlets), so a packet crosses threads once per thread, not per viewer.
  [[nodiscard]] virtual asio::any_io_executor home() const { return {}; }
  // Queues the notification for the viewer under the slow-viewer policy. NewStream
  // makes the viewer wait for a keyframe (and keeps its timestamps continuous). Runs
  // inside the fan-out's walk over its viewers: it never closes the viewer synchronously
  // (a viewer too slow to keep posts its closing).
  virtual void send(const media::MediaNotification& notification) = 0;
  // The stream ended for good: the viewer is told so after what is queued (RTMP:
  // NetStream.Play.UnpublishNotify) and then closed, so players stop instead of freezing.
  virtual void end(std::string_view description) = 0;
  virtual void close(std::string_view reason) = 0;
};

// What a second publisher of a key that is live on the node does to the first.
enum class Takeover {
  WhenSilent,  // takes the key over when the first has sent nothing for takeover_silence
  Always,      // always takes the key over
  Never,       // is refused while the first publishes
};

struct PublisherRegistration {
  uint16_t port = 1935;
  std::string app;
  std::string stream_key = "*";  // "*" or one exact key
  bool tls = false;
  IpRules ip_rules;
  log::Fields fields;  // the registrant's ([workflow=.. step=..])
  Approver approve;    // empty: accepted once the app, key and IP rules pass
  // Per approved publisher, in order: NewStream, then StreamMetadata and MediaPayload,
  // then StreamDisconnected when it stops or goes away.
  std::function<void(const media::MediaNotification&)> on_media;
  // A publisher silent this long is closed and its key freed (the server's default when unset).
  std::optional<std::chrono::milliseconds> publish_timeout;
  Takeover takeover = Takeover::WhenSilent;
  std::chrono::milliseconds takeover_silence{1000};
};

struct WatcherRegistration {
  uint16_t port = 1935;
  std::string app;
  std::string stream_key = "*";
  bool tls = false;
  IpRules ip_rules;
  log::Fields fields;
  Approver approve;
  std::function<void(std::shared_ptr<ViewerSink> viewer, const std::string& stream_key)> on_viewer_joined;
  std::function<void(uint64_t connection_id, const std::string& stream_key)> on_viewer_left;
  // A viewer that has had no keyframe this long after it started playing is told the
  // stream was not found and closed (zero: wait for ever).
  std::chrono::milliseconds start_timeout{10000};
};

}  // namespace mmids::endpoint
