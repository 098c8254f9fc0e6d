#include "mmids-core/http/beast_message.hpp"

#include "mmids-core/net/address.hpp"

#include <algorithm>
#include <cctype>

namespace mmids::http {

namespace bhttp = boost::beast::http;

Request request_from_beast(BeastRequest&& message, const boost::asio::ip::tcp::endpoint& peer) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = field.value();
    auto [it, inserted] = request.headers.try_emplace(std::move(name), value.data(), value.size());
    if (!inserted) it->second.append(", ").append(value.data(), value.size());
  }
  request.body = std::move(message.body());
  request.peer_address = net::normalize(peer.address());
  request.peer_port = peer.port();
  return request;
}

BeastResponse response_to_beast(Response&& response, unsigned version, bool keep_alive,
                                std::string_view server_header) {
  BeastResponse message;
  message.version(version);
  message.result(response.status);
  message.set(bhttp::field::server,
              boost::beast::string_view(server_header.data(), server_header.size()));
  if (!response.body.empty() || response.status != 204) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  message.body() = std::move(response.body);
  message.prepare_payload();
  return message;
}

BeastResponseHead head_to_beast(const Response& response, unsigned version, bool keep_alive,
                                std::string_view server_header) {
  BeastResponseHead message;
  message.version(version);
  message.result(response.status);
  message.set(bhttp::field::server, boost::beast::string_view(server_header.data(), server_header.size()));
  message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  if (response.stream) {
    message.keep_alive(false);
    if (version >= 11) message.chunked(true);
  } else {
    size_t length = 0;
    for (const auto& span : response.shared_body.spans) length += span.size();
    message.keep_alive(keep_alive);
    message.content_length(length);
  }
  return message;
}

}  // namespace mmids::http
