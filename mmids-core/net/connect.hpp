#pragma once
// net: making an outgoing TCP connection the one way the node does it (RTMP pulls, HTTP
// requests): resolve the host, then try every address it resolves to in turn, skipping
// those of another family than the bind address (a node bound to an IPv4 address cannot
// reach an IPv6 one), each socket bound to the bind address first so the peer sees the
// node's own address. Bounded by a deadline covering resolve and every attempt.
#include "mmids-core/common/result.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>

namespace mmids::net {

struct ConnectOptions {
  std::string bind_address;                  // local IP to connect from; empty = any
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// The connected socket (tuned: no delay, keepalive), or why not ("cannot connect to
// host:port: reason", "timed out connecting to host:port", ...).
boost::asio::awaitable<Result<boost::asio::ip::tcp::socket>> connect(std::string host, uint16_t port,
                                                                    ConnectOptions options);

}  // namespace mmids::net
