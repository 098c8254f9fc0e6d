#pragma once
// HlsStream: the HLS of one key on one port. ONE ViewerSink, joined to the registrant's
// fan-out while any HLS session of the key is present, feeds ONE HlsSegmenter (one mux
// per stream, not per player); every session of the key is served from its playlist and
// segments. Its URIs name the stream's `instance` (random, new each time the key's HLS
// starts), so a segment URL never means two different things and may be cached forever.
#include "mmids-core/http_viewers/viewer_server_state.hpp"

#include <functional>
#include <set>

namespace mmids::http_viewers {

class HlsStream : public endpoint::ViewerSink, public std::enable_shared_from_this<HlsStream> {
 public:
  // `on_close`: the registrant closed the stream's viewers (a reactor withdrew the key);
  // called posted, outside the fan-out's loop.
  HlsStream(asio::io_context& io, const std::shared_ptr<WatcherEntry>& entry, std::string key,
            containers::HlsSegmenterOptions options, log::Fields fields, std::function<void(std::string_view)> on_close);

  // Joins the fan-out (its GOP cache is replayed into the segmenter at once) / leaves it.
  void join();
  void leave();

  [[nodiscard]] containers::HlsSegmenter& segmenter() { return segmenter_; }
  [[nodiscard]] const std::string& instance() const { return instance_; }
  [[nodiscard]] std::set<uint64_t>& sessions() { return sessions_; }
  [[nodiscard]] const log::Fields& fields() const { return fields_; }

  // ViewerSink
  [[nodiscard]] uint64_t connection_id() const override { return id_; }
  void send(const media::MediaNotification& notification) override;
  // The stream ended for good: the playlist gets EXT-X-ENDLIST, so players stop at its end
  // instead of polling a playlist that never grows (its sessions then expire as usual).
  void end(std::string_view description) override;
  void close(std::string_view reason) override;

 private:
  asio::io_context& io_;
  std::weak_ptr<WatcherEntry> entry_;
  const uint64_t id_;
  const std::string key_;
  const std::string instance_;
  log::Fields fields_;
  containers::HlsSegmenter segmenter_;
  std::function<void(std::string_view)> on_close_;
  std::set<uint64_t> sessions_;
  bool joined_ = false;
  bool warned_ = false;
};

// Random lower-case hex of `bytes` bytes: session tokens and stream instances.
[[nodiscard]] std::string random_hex(size_t bytes);

}  // namespace mmids::http_viewers
