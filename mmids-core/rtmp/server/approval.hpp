#pragma once
// How a role asks its registrant's approver, the same for publishers and viewers: at once
// without an approver; else the approver answers now or later, and an answer that comes
// after the role was stopped (or is gone) finds nobody: the callback holds it weakly.
#include "mmids-core/rtmp/server/server_state.hpp"

#include <functional>
#include <memory>

namespace mmids::rtmp {

template <typename Role, typename Entry>
Subscription ask_approval(Role& role, const std::shared_ptr<Entry>& entry, const endpoint::StreamRequest& request,
                          const log::Fields& fields, std::function<void(bool approved)> decided) {
  if (!entry || !entry->registration.approve) {
    decided(true);
    return {};
  }
  spdlog::debug("{} waiting for approval", fields);
  return entry->registration.approve(request, [weak = role.weak_from_this(), decided](bool approved) {
    if (auto live = weak.lock(); live && !live->stopped()) decided(approved);
  });
}

}  // namespace mmids::rtmp
