#pragma once
// LibavPullSource: any non-RTMP location libavformat opens (a local file, http(s), HLS,
// SRT, ...) pulled in process. A worker thread demuxes (libavformat calls block) and
// posts FLV tag bodies to the io_context, so the rest of the node relays them like an
// RTMP publisher's: H.264 as legacy FLV AVC, AAC as FLV AAC; other codecs are skipped.
// Reading is paced at real time (like ffmpeg -re). A local file loops: at its end it
// starts again with timestamps continuing upward, and no end is reported; a read error
// or the end of a live source is reported once through on_ended.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/logging/log.hpp"
#include "steps/ffmpeg_pull/pull_source.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace mmids::steps {

class LibavPullSource : public PullSource {
 public:
  // A live source whose read blocks longer than `media_timeout` (opening it: `open_timeout`)
  // ends the attempt ("no data for N ms"); local files have no such bound.
  LibavPullSource(asio::io_context& io, std::string location, log::Fields fields = {},
                  std::chrono::milliseconds media_timeout = std::chrono::seconds(2),
                  std::chrono::milliseconds open_timeout = std::chrono::seconds(10));
  ~LibavPullSource() override;
  LibavPullSource(const LibavPullSource&) = delete;
  LibavPullSource& operator=(const LibavPullSource&) = delete;

  void start(Handlers handlers) override;
  // Interrupts any blocking libavformat call, joins the worker; no handler runs after.
  // Call it on the io thread (where the handlers run).
  void stop() override;

  // Whether `location` names a local file (no URL scheme, or file:), which loops.
  [[nodiscard]] static bool is_local_file(const std::string& location);

  struct Attempt;  // state shared by the worker and the handlers it posts

 private:
  asio::io_context& io_;
  std::string location_;
  log::Fields fields_;
  std::chrono::milliseconds media_timeout_;
  std::chrono::milliseconds open_timeout_;
  std::shared_ptr<Attempt> attempt_;
  std::thread worker_;
};

}  // namespace mmids::steps
