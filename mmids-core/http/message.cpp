#include "mmids-core/http/message.hpp"

#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <cctype>

namespace mmids::http {

std::string Request::header(std::string_view name) const {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

Response Response::json(unsigned status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Response::text(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response Response::error(unsigned status, std::string_view message) {
  return json(status, nlohmann::json{{"error", std::string(message)}});
}

Response Response::streaming(unsigned status, std::string content_type, std::shared_ptr<BodyStream> stream) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.stream = std::move(stream);
  return response;
}

Response Response::shared(unsigned status, std::string content_type, SharedBody body) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.shared_body = std::move(body);
  return response;
}

std::string_view reason_phrase(unsigned status) {
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  std::string_view text(reason.data(), reason.size());
  return text == "<unknown-status>" ? std::string_view() : text;
}

}  // namespace mmids::http
