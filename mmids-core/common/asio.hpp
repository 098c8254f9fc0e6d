#pragma once
// The one way the project includes Asio. Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>, so <utility> must come first.
#include <utility>

#include <boost/asio.hpp>

namespace mmids {
namespace asio = boost::asio;
}  // namespace mmids
