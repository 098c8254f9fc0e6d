#pragma once
// ClientEntry: one connection of the node (an RTMP publisher or viewer, an HTTP-FLV viewer,
// an HLS session, a pull) as the node's books know it. Its owner (the connection) holds it
// and bumps the counters on its io thread, which may be another than the book's (an RTMP
// connection on a worker thread): they are relaxed atomics, one uncontended add per read or
// write batch. The book (NodeActivity) reads them when someone asks (a scrape, GET
// /clients, a report), never on the media path. Everything else is the main thread's.
// Ending the entry (end(), or its destruction) hands its final counts to the book's totals.
#include "mmids-core/activity/rate_meter.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mmids::activity {

class NodeActivity;

// connecting: accepted, neither publishing nor playing yet.
enum class ClientRole { connecting, publisher, viewer, pull };
[[nodiscard]] std::string_view role_name(ClientRole role);

struct ClientInfo {
  uint64_t id = 0;  // endpoint::next_connection_id(): node-wide
  ClientRole role = ClientRole::connecting;
  std::string protocol;  // "rtmp", "rtmps", "flv", "hls"; a pull: "rtmp" or "libav"
  std::string address;   // the peer (address:port as logs print it); a pull: its location
  std::string app;
  std::string stream;    // the stream key published, played or pulled; "" while connecting
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
};

struct ClientCounters {
  uint64_t bytes_in = 0;   // RTMP: bytes off the socket; a pull: tag bytes received
  uint64_t bytes_out = 0;  // bytes handed to the socket
  uint64_t dropped_frames = 0;  // media the slow-viewer policy dropped
  bool too_slow = false;        // the slow-viewer policy disconnected it
};

// The counters as the owner bumps them (from its io thread) and the book reads them.
struct LiveClientCounters {
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> dropped_frames{0};
  std::atomic<bool> too_slow{false};

  void add_in(uint64_t bytes) { bytes_in.fetch_add(bytes, std::memory_order_relaxed); }
  void add_out(uint64_t bytes) { bytes_out.fetch_add(bytes, std::memory_order_relaxed); }
  void add_dropped() { dropped_frames.fetch_add(1, std::memory_order_relaxed); }
  void set_too_slow() { too_slow.store(true, std::memory_order_relaxed); }
  [[nodiscard]] ClientCounters load() const {
    return ClientCounters{bytes_in.load(std::memory_order_relaxed), bytes_out.load(std::memory_order_relaxed),
                          dropped_frames.load(std::memory_order_relaxed), too_slow.load(std::memory_order_relaxed)};
  }
};

class ClientEntry {
  // First: the rate meters below start at info_.since.
  std::weak_ptr<NodeActivity> book_;
  ClientInfo info_;

 public:
  ClientEntry(std::weak_ptr<NodeActivity> book, ClientInfo info);
  ~ClientEntry();
  ClientEntry(const ClientEntry&) = delete;
  ClientEntry& operator=(const ClientEntry&) = delete;

  LiveClientCounters counters;  // the owner's to bump, from its io thread

  [[nodiscard]] const ClientInfo& info() const { return info_; }
  // The connection asked to publish or play: what it is from now on.
  void take_role(ClientRole role, std::string app, std::string stream);
  // What DELETE /clients/ID does to the owner (called on the io thread). None: not kickable.
  void on_kick(std::function<void(std::string_view reason)> kick) { kick_ = std::move(kick); }
  bool kick(std::string_view reason);
  // A viewer's first keyframe is queued this long after it started playing (once per viewer).
  // Any thread: it reaches only the book's first-keyframe listener (a metrics histogram).
  void first_keyframe_after(std::chrono::steady_clock::duration waited);
  // The client is gone: the book forgets it and keeps its counts in the totals. Idempotent.
  void end();

  // The book's, brought up to date when it takes a snapshot.
  RateMeter in_rate{info_.since};
  RateMeter out_rate{info_.since};

 private:
  std::function<void(std::string_view)> kick_;
  bool ended_ = false;
};

}  // namespace mmids::activity
