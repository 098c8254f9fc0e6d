#include "mmids-core/activity/node_activity.hpp"

namespace mmids::activity {

std::string_view role_name(ClientRole role) {
  switch (role) {
    case ClientRole::connecting: return "connecting";
    case ClientRole::publisher: return "publisher";
    case ClientRole::viewer: return "viewer";
    case ClientRole::pull: return "pull";
  }
  return "connecting";
}

ClientEntry::ClientEntry(std::weak_ptr<NodeActivity> book, ClientInfo info)
    : book_(std::move(book)), info_(std::move(info)) {}

ClientEntry::~ClientEntry() { end(); }

void ClientEntry::take_role(ClientRole role, std::string app, std::string stream) {
  info_.role = role;
  info_.app = std::move(app);
  info_.stream = std::move(stream);
}

bool ClientEntry::kick(std::string_view reason) {
  if (!kick_ || ended_) return false;
  // A copy: kicking may end (and destroy) this entry.
  auto kick = kick_;
  kick(reason);
  return true;
}

void ClientEntry::first_keyframe_after(std::chrono::steady_clock::duration waited) {
  if (auto book = book_.lock()) book->first_keyframe(std::chrono::duration<double>(waited).count());
}

void ClientEntry::end() {
  if (ended_) return;
  ended_ = true;
  kick_ = nullptr;
  if (auto book = book_.lock()) book->retire(info_.id, counters.load());
}

StreamEntry::StreamEntry(std::weak_ptr<NodeActivity> book, StreamInfo info)
    : book_(std::move(book)), info_(std::move(info)) {}

StreamEntry::~StreamEntry() { end(); }

void StreamEntry::end() {
  if (ended_) return;
  ended_ = true;
  if (auto book = book_.lock()) book->retire(this);
}

std::shared_ptr<ClientEntry> track_client(const std::shared_ptr<NodeActivity>& book, ClientInfo info) {
  if (book) return book->add_client(std::move(info));
  return std::make_shared<ClientEntry>(std::weak_ptr<NodeActivity>(), std::move(info));
}

std::shared_ptr<StreamEntry> track_stream(const std::shared_ptr<NodeActivity>& book, StreamInfo info) {
  if (book) return book->add_stream(std::move(info));
  return std::make_shared<StreamEntry>(std::weak_ptr<NodeActivity>(), std::move(info));
}

}  // namespace mmids::activity
