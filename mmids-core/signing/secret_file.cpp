#include "mmids-core/signing/secret_file.hpp"

#include <fstream>
#include <iterator>

namespace mmids::signing {

Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("cannot read secret file " + path);
  std::string secret;
  // Read one byte past the limit, so a too-long file is seen without reading all of it.
  secret.resize(kMaxSecretBytes + 1);
  in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  secret.resize(static_cast<std::size_t>(in.gcount()));
  if (secret.size() > kMaxSecretBytes) {
    return Error("secret file " + path + " is longer than " + std::to_string(kMaxSecretBytes) + " bytes");
  }
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ' ||
                             secret.back() == '\t')) {
    secret.pop_back();
  }
  if (auto checked = check_secret(secret, "secret file " + path); !checked.ok()) return std::move(checked).take_error();
  return secret;
}

Status check_secret(std::string_view secret, std::string_view what) {
  if (secret.empty()) return Error(std::string(what) + " is empty");
  if (secret.size() > kMaxSecretBytes) {
    return Error(std::string(what) + " is longer than " + std::to_string(kMaxSecretBytes) + " bytes");
  }
  return {};
}

}  // namespace mmids::signing
