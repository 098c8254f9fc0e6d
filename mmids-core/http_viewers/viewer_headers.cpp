#include "mmids-core/http_viewers/viewer_headers.hpp"

namespace mmids::http_viewers {

http::Response with_viewer_headers(http::Response response, std::string_view cache_control) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  return response;
}

http::Response viewer_error(unsigned status, std::string_view message) {
  return with_viewer_headers(http::Response::error(status, message), kNoStore);
}

http::Response preflight_response() {
  http::Response response;
  response.status = 204;
  response.headers.emplace_back("Access-Control-Allow-Methods", "GET, OPTIONS");
  response.headers.emplace_back("Access-Control-Allow-Headers", "*");
  response.headers.emplace_back("Access-Control-Max-Age", "86400");
  return with_viewer_headers(std::move(response), kNoStore);
}

}  // namespace mmids::http_viewers
