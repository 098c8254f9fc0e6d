#pragma once
// mmids' registration rules, the same for every server of clients (RTMP, HTTP viewers):
// per port + app and per role, "*" conflicts with every other registrant and an exact key
// conflicts with "*" and with the same key; a client's key is served by the "*"
// registrant first, then by an exact one. `Entries` is a list of pointers to entries
// with a `registration` (PublisherRegistration or WatcherRegistration).
#include <cstdint>
#include <string>

namespace mmids::endpoint {

// Why (port, app, key) cannot be registered beside `entries`, or "" when it can.
template <typename Entries>
std::string find_conflict(const Entries& entries, uint16_t port, const std::string& app, const std::string& key) {
  for (const auto& entry : entries) {
    const auto& other = entry->registration;
    if (other.port != port || other.app != app) continue;
    if (key == "*" || other.stream_key == "*" || other.stream_key == key) {
      return "app '" + app + "' key '" + other.stream_key + "' on port " + std::to_string(port) +
             " is already registered";
    }
  }
  return {};
}

// The entry serving `key`, or an empty pointer.
template <typename Entries>
auto find_registrant(const Entries& entries, uint16_t port, const std::string& app, const std::string& key) {
  typename Entries::value_type exact;
  for (const auto& entry : entries) {
    const auto& registration = entry->registration;
    if (registration.port != port || registration.app != app) continue;
    if (registration.stream_key == "*") return entry;
    if (registration.stream_key == key) exact = entry;
  }
  return exact;
}

}  // namespace mmids::endpoint
