#include "lookup-server/stream_name.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mmids::lookup {

bool is_valid_stream_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxStreamNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

Result<LookupBody> parse_lookup_body(std::string_view body) {
  // The server bounds the body size; nlohmann's parser and destructor are not recursive, so
  // deep nesting within that bound is harmless.
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception&) {
    return Error("body must be JSON: {\"stream_name\": \"...\"}");
  }
  if (!json.is_object()) {
    return Error("body must be a JSON object: {\"stream_name\": \"...\"}");
  }
  auto it = json.find("stream_name");
  if (it == json.end() || !it->is_string()) {
    return Error("body must have a string \"stream_name\"");
  }
  const auto& name = it->get_ref<const std::string&>();
  if (!is_valid_stream_name(name)) {
    return Error("stream_name must be 1 to 128 characters from A-Z a-z 0-9 _ . -");
  }
  return LookupBody{name};
}

}  // namespace mmids::lookup
