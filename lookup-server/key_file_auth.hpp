#pragma once
// lookup-server: publishers (or viewers) authorised by a key file, one stream per line:
//
//   # stream_name secret
//   cam1 s3cret-one
//   cam2 another-secret
//
// The client puts the secret in its RTMP URL's query: rtmp://host/ingest/cam1?key=s3cret-one.
// The file is read again when its modification time or size changes (checked at most
// once a second), so keys are added and revoked without a restart; a file that no longer
// parses keeps the previous keys and says so in the log.
#include "lookup-server/client_auth.hpp"
#include "mmids-core/common/result.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <unordered_map>

namespace mmids::lookup {

inline constexpr std::size_t kMaxKeyFileBytes = 16 << 20;

// stream -> secret. Errors name the file and line.
Result<std::unordered_map<std::string, std::string>> parse_key_file(std::string_view text, const std::string& path);

class KeyFileAuthoriser : public ClientAuthoriser {
 public:
  explicit KeyFileAuthoriser(std::string path) : path_(std::move(path)) {}
  // Reads the file now (at startup: a broken file is a config error).
  Status load();
  void authorise(const AuthQuery& query, AuthCallback done) override;
  [[nodiscard]] std::string_view mode() const override { return "key_file"; }

 private:
  void reload_if_changed();

  std::string path_;
  std::unordered_map<std::string, std::string> keys_;
  std::filesystem::file_time_type loaded_time_{};
  std::uintmax_t loaded_size_ = 0;
  std::chrono::steady_clock::time_point last_check_{};
};

}  // namespace mmids::lookup
