#pragma once
// net: what every TCP connection of the node gets, accepted or made: no Nagle delay (media
// and replies go out as written) and TCP keepalive, so a peer whose host vanished without
// a FIN or RST is found by the kernel even when no deadline of ours is running.
#include <boost/asio/ip/tcp.hpp>

#include <chrono>

namespace mmids::net {

struct KeepAlive {
  std::chrono::seconds idle{15};      // silence before the first probe
  std::chrono::seconds interval{5};   // between probes
  int probes = 3;                     // unanswered probes before the connection is dropped
};

// Sets TCP_NODELAY and keepalive. Failures are ignored: a socket without them still works.
void tune_socket(boost::asio::ip::tcp::socket& socket, const KeepAlive& keepalive = {});

}  // namespace mmids::net
