#pragma once
// Internal to the HTTP viewer server: what it knows (registrations, listeners, the viewers
// it admitted) and what it decides from that (which registrant serves a key, IP rules).
// Viewers hold the state weakly: one that outlives the server finds nothing and ends.
#include "mmids-core/http/http.hpp"
#include "mmids-core/http_viewers/http_viewer_server.hpp"

#include <map>
#include <set>
#include <variant>

namespace mmids::http_viewers {

class HlsService;

struct WatcherEntry {
  endpoint::WatcherRegistration registration;
  std::set<uint64_t> viewers;  // admitted HTTP-FLV connections and HLS sessions
};

// A viewer of any kind, as the books of the server see it.
class ViewerClient {
 public:
  virtual ~ViewerClient() = default;
  [[nodiscard]] virtual HttpViewerInfo info() const = 0;
  // Ends the viewer now (unregistered, disconnected through the API). Idempotent.
  virtual void end(std::string_view reason) = 0;
};

struct ViewerListener {
  std::unique_ptr<http::Server> server;
  bool tls = false;
};

// Admitted: the registrant serving the key. Refused: the answer to give.
using ViewerAdmission = std::variant<std::shared_ptr<WatcherEntry>, http::Response>;

struct HttpViewerServer::State : std::enable_shared_from_this<HttpViewerServer::State> {
  State(asio::io_context& io_context, HttpViewerServerOptions server_options);
  ~State();

  asio::io_context& io;
  HttpViewerServerOptions options;
  std::map<uint16_t, ViewerListener> listeners;  // by registered port
  std::vector<std::shared_ptr<WatcherEntry>> watchers;
  std::map<uint64_t, std::weak_ptr<ViewerClient>> viewers;
  std::unique_ptr<HlsService> hls;

  // A registrant for the key (404 otherwise) that lets the peer in (403 otherwise).
  [[nodiscard]] ViewerAdmission admit(uint16_t port, const std::string& app, const std::string& key,
                                      const asio::ip::address& peer) const;
  // Books an admitted viewer / forgets it when it ends.
  void add_viewer(const std::shared_ptr<WatcherEntry>& entry, uint64_t id, std::weak_ptr<ViewerClient> viewer);
  void forget_viewer(const std::shared_ptr<WatcherEntry>& entry, uint64_t id);
  void end_viewer(uint64_t id, std::string_view reason);

  // Every request of a listener on `port` comes here.
  void handle(uint16_t port, const http::Request& request, http::Responder respond);
};

// The approver of `entry`, asked for `request`: accepted at once without one; else the
// answer comes now or later, and one that comes after `owner` is gone finds nobody.
template <typename Owner>
Subscription ask_approval(const std::shared_ptr<WatcherEntry>& entry, const endpoint::StreamRequest& request,
                          const std::shared_ptr<Owner>& owner, std::function<void(Owner&, bool)> decided) {
  if (!entry->registration.approve) {
    decided(*owner, true);
    return {};
  }
  return entry->registration.approve(request, [weak = std::weak_ptr<Owner>(owner), decided](bool approved) {
    if (auto live = weak.lock()) decided(*live, approved);
  });
}

// The log fields of a viewer: [port= conn= peer= app= stream=] plus the registrant's.
log::Fields viewer_fields(const WatcherEntry& entry, const endpoint::StreamRequest& request, std::string_view protocol);

}  // namespace mmids::http_viewers
