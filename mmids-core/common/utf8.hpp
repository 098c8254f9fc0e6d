#pragma once
// UTF-8 checks and a printable rendition of untrusted text, for the config language's
// messages, log fields and stream keys. Header-only: common has no sources.
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace mmids::utf8 {

inline bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at text[pos], or 0 when the bytes
// there are not one (overlong forms, surrogates and values past U+10FFFF included).
inline std::size_t sequence_length(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  if (byte(pos + 1) < low || byte(pos + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (!is_continuation(byte(pos + i))) return 0;
  return length;
}

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
inline std::size_t find_invalid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t length = sequence_length(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

// `text` with control bytes, invalid UTF-8 and the bytes in `also` written as \xNN, cut
// after max_characters code points with "...": safe to put in a message or a log line.
inline std::string printable(std::string_view text, std::size_t max_characters = std::string_view::npos,
                             std::string_view also = {}) {
  std::string out;
  std::size_t characters = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (characters++ == max_characters) return out + "...";
    auto byte = static_cast<unsigned char>(text[pos]);
    const bool plain = byte >= 0x20 && byte != 0x7F && also.find(static_cast<char>(byte)) == std::string_view::npos;
    std::size_t length = plain ? sequence_length(text, pos) : 0;
    if (length == 0) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", byte);
      out += buffer;
      ++pos;
    } else {
      out += text.substr(pos, length);
      pos += length;
    }
  }
  return out;
}

}  // namespace mmids::utf8
