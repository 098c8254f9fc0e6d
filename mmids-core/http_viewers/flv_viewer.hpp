#pragma once
// FlvViewer: one HTTP-FLV connection playing one key (GET /<app>/<key>.flv). It is what
// the registrant's fan-out sees (a ViewerSink, like an RTMP ViewerRole): notifications go
// into its own bounded ViewerQueue under the slow-viewer policy, with timestamps kept
// continuous across stream replacements; and it is the response's BodyStream: when the
// socket has taken the previous bytes, the queue is drained through an FlvWriter (file
// header once, then one tag per entry, bodies referenced from the shared payloads).
//
// Its life: approval asked (refused: 404) -> joined to the fan-out, waiting for media
// (none within start_timeout: 503) -> 200 and the body, from the GOP cache's keyframe ->
// ended by the peer, a write deadline, the slow-viewer policy or the registrant.
#include "mmids-core/containers/flv_writer.hpp"
#include "mmids-core/endpoint/viewer_accounting.hpp"
#include "mmids-core/endpoint/viewer_entries.hpp"
#include "mmids-core/http_viewers/viewer_server_state.hpp"

namespace mmids::http_viewers {

class FlvViewer : public endpoint::ViewerSink,
                  public http::BodyStream,
                  public ViewerClient,
                  public std::enable_shared_from_this<FlvViewer> {
 public:
  FlvViewer(const std::shared_ptr<HttpViewerServer::State>& server, const std::shared_ptr<WatcherEntry>& entry,
            endpoint::StreamRequest request);

  // Asks the approver; the responder gets the stream, 404 or 503.
  void begin(http::Responder respond);

  // ViewerSink
  [[nodiscard]] uint64_t connection_id() const override { return request_.connection_id; }
  void send(const media::MediaNotification& notification) override;
  void close(std::string_view reason) override;
  // BodyStream
  void started(Control control) override;
  bool next(Spans& out) override;
  void closed(std::string_view reason) override;
  // ViewerClient
  [[nodiscard]] HttpViewerInfo info() const override;
  void end(std::string_view reason) override;

 private:
  enum class Phase { Approving, Starting, Streaming, Stopped };

  void decided(bool approved);
  void push(endpoint::QueuedMessage entry);
  void answer_start();
  void refuse(unsigned status, const std::string& why);
  void stop(std::string_view reason);
  void write_entry(endpoint::QueuedMessage entry);
  [[nodiscard]] uint32_t output_timestamp(uint32_t timestamp);

  std::weak_ptr<HttpViewerServer::State> server_;
  std::weak_ptr<WatcherEntry> entry_;
  endpoint::StreamRequest request_;
  log::Fields fields_;
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
  Phase phase_ = Phase::Approving;
  bool joined_ = false;
  http::Responder respond_;
  asio::steady_timer start_timer_;
  Control control_;
  endpoint::ViewerQueue queue_;
  endpoint::ViewerAccounting accounting_;  // this viewer in the node's book
  endpoint::TimestampContinuity timestamps_;
  containers::FlvWriter writer_;
  containers::GatherList out_;  // the bytes of the write in flight
  bool header_written_ = false;
  bool seen_audio_ = false;  // before the file header: which tracks the stream has
  bool seen_video_ = false;
  std::optional<uint32_t> origin_;  // the first tag's time: the file starts at 0
  uint32_t last_timestamp_ = 0;
  std::string end_reason_;  // why end() closed the connection
  bool start_posted_ = false;
  Subscription approval_;
  std::shared_ptr<FlvViewer> in_flight_;  // from begin() until the response takes over or it stops
};

}  // namespace mmids::http_viewers
