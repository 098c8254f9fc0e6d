#include "steps/common/ffmpeg_stream_name.hpp"

#include <algorithm>

namespace mmids::steps {

bool is_safe_stream_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

std::string printable_stream_name(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string result;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\') {
      result += "\\x";
      result += kHex[byte >> 4];
      result += kHex[byte & 0xf];
    } else {
      result += c;
    }
    if (result.size() >= 160) return result + "...";
  }
  return result;
}

}  // namespace mmids::steps
