#include "mmids-core/rtmp/server/viewer_admission.hpp"

#include "mmids-core/rtmp/protocol/status_codes.hpp"
#include "mmids-core/rtmp/server/approval.hpp"
#include "mmids-core/rtmp/server/server_connection.hpp"

namespace mmids::rtmp {

ViewerAdmission::ViewerAdmission(std::weak_ptr<RtmpServer::State> server, std::weak_ptr<ServerConnection> connection,
                                 ThreadPlacement threads, std::weak_ptr<ViewerRole> viewer,
                                 endpoint::StreamRequest request, log::Fields fields,
                                 std::shared_ptr<activity::ClientEntry> client)
    : server_(std::move(server)),
      connection_(std::move(connection)),
      threads_(threads),
      viewer_(std::move(viewer)),
      request_(std::move(request)),
      fields_(std::move(fields)),
      client_(std::move(client)) {}

void ViewerAdmission::begin() {
  if (stopped_) return;
  auto server = server_.lock();
  if (!server) return answer({Refusal{status::play_failed, "server shutting down"}});
  auto admission = server->admit_viewer(request_.port, request_.app, request_.stream_key, request_.peer_address);
  if (auto* refusal = std::get_if<Refusal>(&admission)) return answer({*refusal});
  const auto& entry = std::get<0>(admission);
  entry_ = entry;
  entry->connections.insert(request_.connection_id);
  admitted_ = true;
  if (client_) client_->take_role(activity::ClientRole::viewer, request_.app, request_.stream_key);
  const auto start_timeout = entry->registration.start_timeout;
  // An approver that answers at once may stop this admission before the lease is stored.
  const auto self = shared_from_this();
  approval_ = ask_approval(*this, entry, request_, fields_, [this, start_timeout](bool approved) {
    if (!approved) {
      stop();
      return answer({Refusal{status::play_stream_not_found, "stream not found"}});
    }
    answer({std::nullopt, start_timeout});
  });
}

void ViewerAdmission::answer(PlayAnswer answer) {
  threads_.to_home([connection = connection_, self = shared_from_this(), answer = std::move(answer)] {
    if (auto live = connection.lock()) live->play_answered(self.get(), answer);
  });
}

void ViewerAdmission::join() {
  if (stopped_ || joined_) return;
  auto entry = entry_.lock();
  auto viewer = viewer_.lock();
  if (!entry || !viewer) return;
  joined_ = true;
  spdlog::info("{} playing", fields_);
  if (entry->registration.on_viewer_joined) entry->registration.on_viewer_joined(viewer, request_.stream_key);
}

void ViewerAdmission::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (auto entry = entry_.lock(); entry && admitted_) {
    entry->connections.erase(request_.connection_id);
    if (joined_ && entry->registration.on_viewer_left) {
      entry->registration.on_viewer_left(request_.connection_id, request_.stream_key);
    }
  }
  if (joined_) spdlog::info("{} stopped playing", fields_);
  approval_.reset();
}

}  // namespace mmids::rtmp
