#pragma once
// mmids-core/http: one-shot outgoing requests over http:// and https:// (the reactor's
// simple_http executor, tests). One request per connection; everything bounded by a timeout.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/result.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mmids::http {

struct ClientOptions {
  std::string bind_address;                  // empty = any; else the local IP requests are made from
  std::chrono::milliseconds timeout{10000};  // bounds resolve+connect+TLS+write+read
  std::string ca_file;                       // extra CA (PEM) besides the system store, for https
  std::size_t max_response_bytes = 8 << 20;  // a bigger response body is an error
};

struct ClientResponse {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};
// A response (any status), or why none arrived.
using ClientResult = Result<ClientResponse>;

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::string content_type;  // sent when not empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using ClientCallback = std::function<void(ClientResult)>;

// https verifies the certificate chain against the system store plus ca_file, and the host
// name (or IP address) of the URL against the certificate. Connections are made through
// net::connect (every resolved address in turn, from bind_address). The callback runs
// exactly once, on the io_context's thread; errors (bad URL, DNS, connect, TLS, timeout,
// malformed response) come back as the result's error, never as exceptions.
void request(boost::asio::io_context& io, ClientRequest request, ClientOptions options,
             ClientCallback callback);
void post(boost::asio::io_context& io, const std::string& url, std::string body,
          std::string content_type, ClientOptions options, ClientCallback callback);
void get(boost::asio::io_context& io, const std::string& url, ClientOptions options,
         ClientCallback callback);

// Runs one request on a private io_context and waits for it (tests, command-line tools;
// never from an io thread).
ClientResult request_sync(ClientRequest request, ClientOptions options = {});

}  // namespace mmids::http
