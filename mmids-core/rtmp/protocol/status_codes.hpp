#pragma once
// NetConnection / NetStream status codes and levels, as clients match them: ffmpeg,
// OBS and librtmp wait for specific strings (e.g. ffmpeg's publisher waits for
// NetStream.Publish.Start, its player treats Play.StreamNotFound as fatal).
#include <string_view>

namespace mmids::rtmp::status {

// Levels (the "level" property of the information object).
inline constexpr std::string_view level_status = "status";
inline constexpr std::string_view level_warning = "warning";
inline constexpr std::string_view level_error = "error";

// NetConnection
inline constexpr std::string_view connect_success = "NetConnection.Connect.Success";
inline constexpr std::string_view connect_rejected = "NetConnection.Connect.Rejected";
inline constexpr std::string_view connect_failed = "NetConnection.Connect.Failed";
inline constexpr std::string_view connect_closed = "NetConnection.Connect.Closed";
inline constexpr std::string_view connect_invalid_app = "NetConnection.Connect.InvalidApp";
inline constexpr std::string_view connect_app_shutdown = "NetConnection.Connect.AppShutdown";
inline constexpr std::string_view call_failed = "NetConnection.Call.Failed";

// NetStream: publishing
inline constexpr std::string_view publish_start = "NetStream.Publish.Start";
inline constexpr std::string_view publish_bad_name = "NetStream.Publish.BadName";
inline constexpr std::string_view publish_denied = "NetStream.Publish.Denied";
inline constexpr std::string_view publish_idle = "NetStream.Publish.Idle";
inline constexpr std::string_view unpublish_success = "NetStream.Unpublish.Success";

// NetStream: playing
inline constexpr std::string_view play_reset = "NetStream.Play.Reset";
inline constexpr std::string_view play_start = "NetStream.Play.Start";
inline constexpr std::string_view play_stop = "NetStream.Play.Stop";
inline constexpr std::string_view play_failed = "NetStream.Play.Failed";
inline constexpr std::string_view play_stream_not_found = "NetStream.Play.StreamNotFound";
inline constexpr std::string_view play_publish_notify = "NetStream.Play.PublishNotify";
inline constexpr std::string_view play_unpublish_notify = "NetStream.Play.UnpublishNotify";
inline constexpr std::string_view play_insufficient_bw = "NetStream.Play.InsufficientBW";
inline constexpr std::string_view data_start = "NetStream.Data.Start";
inline constexpr std::string_view pause_notify = "NetStream.Pause.Notify";
inline constexpr std::string_view unpause_notify = "NetStream.Unpause.Notify";
inline constexpr std::string_view seek_notify = "NetStream.Seek.Notify";
inline constexpr std::string_view seek_failed = "NetStream.Seek.Failed";

// NetStream: generic
inline constexpr std::string_view stream_failed = "NetStream.Failed";

}  // namespace mmids::rtmp::status
