#pragma once
// NodeSettings: the `settings { ... }` block of a node config, typed and checked
// (SPEC.md section 3).
#include "mmids-core/config/definitions.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmids::settings {

// One per core the process may run on (its CPU affinity), at least one.
[[nodiscard]] uint32_t default_worker_threads();

struct NodeSettings {
  std::string ffmpeg_path = "ffmpeg";        // found on PATH unless a path is given
  std::optional<uint16_t> http_api_port;     // no port: no HTTP API
  std::string http_api_address = "127.0.0.1";
  std::string http_api_token;                // bearer token the API requires (needed off loopback)
  std::string tls_cert_path;                 // PEM certificate, or PFX with a password
  std::string tls_key_path;                  // PEM key
  std::string tls_cert_password;             // PFX password
  std::string bind_address;                  // local IP for RTMP listeners and outgoing requests; empty = any
  // The RTMP port through which ffmpeg processes (ffmpeg_push/hls/transcode) exchange media
  // with the node, on bind_address (or 127.0.0.1), under private app names.
  uint16_t internal_rtmp_port = 1935;
  // Where the browser player's scripts are (hls.min.js, mpegts.js); empty: the build's web/.
  std::string http_player_path;
  // Merged writes to RTMP viewers: a viewer's media of this many milliseconds leaves in one
  // write (one system call per batch instead of per message); the latency it may add.
  // 0: every message is written at once.
  uint32_t write_batch_ms = 100;
  // Paced reads of RTMP publishers: what a publisher sent within this many milliseconds is
  // read at once (one wake and one system call per tick instead of per message); the
  // latency it may add. 0: every message is read when it arrives.
  uint32_t read_batch_ms = 20;
  // I/O threads RTMP connections are spread over, the main one (workflows, reactors, the
  // API, HTTP viewers) included. Default: one per core.
  uint32_t worker_threads = default_worker_threads();
  // A publisher that sends nothing this long is closed (rtmp_receive's publish_timeout
  // argument overrides it per step).
  std::chrono::milliseconds publish_timeout{5000};
  // RTMP connections past these are closed at accept (abuse limits).
  size_t max_connections = 10000;
  size_t max_connections_per_address = 1000;
  // Reports to the lookup server (its POST /node_report, shown on its dashboard): where,
  // how often, and who this node is. No report_url: no reports.
  std::string report_url;
  std::chrono::seconds report_interval{10};
  std::string node_role;  // "ingestion" or "playback"; required with report_url
  std::string node_name;  // empty: the lookup server shows the node by its address
  std::string report_secret;       // signs the reports (as a reactor's `secret`)
  std::string report_secret_file;  // or: the file holding that secret

  // The address local ffmpeg processes connect to: bind_address, or loopback when unset.
  [[nodiscard]] std::string local_rtmp_host() const {
    return bind_address.empty() || bind_address == "0.0.0.0" || bind_address == "::" ? "127.0.0.1" : bind_address;
  }
};

struct SettingsResult {
  NodeSettings settings;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

[[nodiscard]] SettingsResult read_node_settings(const config::NodeConfig& config);

}  // namespace mmids::settings
