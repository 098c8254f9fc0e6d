#pragma once
// reactor: the [reactor=NAME stream=S] fields of every reactor log line. Stream names
// come from publishers and viewers: control characters are replaced and long names cut,
// so a name can neither forge log lines nor flood them.
#include "mmids-core/logging/log.hpp"

#include <string>
#include <string_view>

namespace mmids::reactor {

inline std::string printable_stream_name(std::string_view name) {
  constexpr std::size_t kMaxShown = 160;
  std::string shown;
  for (char c : name.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    shown.push_back(byte < 0x20 || byte == 0x7f ? '?' : c);
  }
  if (name.size() > kMaxShown) shown += "...";
  return shown;
}

inline log::Fields reactor_fields(std::string_view reactor, std::string_view stream) {
  return log::Fields().with("reactor", reactor).with("stream", printable_stream_name(stream));
}

}  // namespace mmids::reactor
