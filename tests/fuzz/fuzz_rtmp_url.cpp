// Pull locations arrive in reactor answers from the network: the URL parser must take
// any bytes without crashing, and what it accepts must name a host, app and key.
#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto url = mmids::rtmp::parse_rtmp_url(std::string_view(reinterpret_cast<const char*>(data), size), &error);
  if (url && (url->host.empty() || url->app.empty() || url->stream_key.empty() || url->port == 0)) std::abort();
  if (!url && error.empty()) std::abort();
  if (url) (void)url->tc_url();
  return 0;
}
