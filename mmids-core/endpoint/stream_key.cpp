#include "mmids-core/endpoint/stream_key.hpp"

#include "mmids-core/common/utf8.hpp"

namespace mmids::endpoint {

namespace {

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

}  // namespace

std::optional<std::string> stream_key_problem(std::string_view key) {
  if (key.empty()) return "empty stream key";
  if (key.size() > kMaxStreamKeyBytes) {
    return "stream key of " + std::to_string(key.size()) + " bytes (at most " + std::to_string(kMaxStreamKeyBytes) +
           ")";
  }
  if (utf8::find_invalid(key) != std::string_view::npos) return "stream key is not UTF-8 text";
  if (key == "." || key == "..") return "stream key names a directory";
  for (char c : key) {
    auto byte = static_cast<unsigned char>(c);
    if (in_alphabet(c)) continue;
    if (byte < 0x20 || byte == 0x7F) return "stream key holds a control character";
    if (c == ' ') return "stream key holds a space";
    if (c == '/' || c == '\\') return "stream key holds a path separator";
    if (c == '"') return "stream key holds a quote";
    if (byte >= 0x80) return "stream key holds a non-ASCII character (allowed: A-Z a-z 0-9 _ . -)";
    return std::string("stream key holds '") + c + "' (allowed: A-Z a-z 0-9 _ . -)";
  }
  return std::nullopt;
}

}  // namespace mmids::endpoint
