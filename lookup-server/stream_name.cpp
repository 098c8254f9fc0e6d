#include "lookup-server/stream_name.hpp"

#include "mmids-core/endpoint/stream_key.hpp"
#include "mmids-core/net/address.hpp"

#include <nlohmann/json.hpp>

namespace mmids::lookup {

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
  if (auto problem = endpoint::stream_key_problem(name)) return Error("stream_name: " + *problem);
  LookupBody result{name, {}, {}, false};
  if (auto client = json.find("client_address"); client != json.end() && !client->is_null()) {
    if (!client->is_string() || !net::parse_address(client->get_ref<const std::string&>()).ok()) {
      return Error("client_address must be a string holding an IP address");
    }
    result.client_address = client->get<std::string>();
  }
  if (auto query = json.find("query"); query != json.end() && !query->is_null()) {
    if (!query->is_string()) return Error("query must be a string");
    result.query = query->get<std::string>();
    if (!result.query.empty() && result.query.front() == '?') result.query.erase(0, 1);
  }
  if (auto refresh = json.find("refresh"); refresh != json.end() && !refresh->is_null()) {
    if (!refresh->is_boolean()) return Error("refresh must be true or false");
    result.refresh = refresh->get<bool>();
  }
  return result;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    auto equals = pair.find('=');
    auto key = percent_decode(pair.substr(0, equals));
    if (key && *key == name) {
      if (equals == std::string_view::npos) return std::string();
      return percent_decode(pair.substr(equals + 1));
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace mmids::lookup
