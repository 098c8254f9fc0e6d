// Every reader of addresses and URLs takes text from the network or from operators: pull
// locations in reactor answers, reactor and lookup URLs, X-Forwarded-For, IP rules. Each
// must take any bytes without crashing and say why it refuses; what it accepts must be
// whole (a host, a port, an app and a key) and print back to something it accepts again.
#include "mmids-core/http/url.hpp"
#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <cstdlib>
#include <string_view>

namespace {

template <typename T>
void expect_reason(const mmids::Result<T>& result) {
  if (!result.ok() && result.error().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto rtmp = mmids::rtmp::parse_rtmp_url(text);
  expect_reason(rtmp);
  if (rtmp) {
    if (rtmp->host.empty() || rtmp->app.empty() || rtmp->stream_key.empty() || rtmp->port == 0) std::abort();
    if (!mmids::net::parse_host_port(mmids::net::host_port_text(rtmp->host, rtmp->port)).ok()) std::abort();
    (void)rtmp->tc_url();
  }

  auto http = mmids::http::parse_url(text);
  expect_reason(http);
  if (http && (http->host.empty() || http->port == 0 || http->target.empty() || http->target.front() != '/')) {
    std::abort();
  }
  if (http && !mmids::http::parse_url(http->scheme + "://" + http->authority() + http->target).ok()) std::abort();

  auto host = mmids::net::parse_host_port(text);
  expect_reason(host);
  if (host) {
    if (host->host.empty()) std::abort();
    auto again = mmids::net::parse_host_port(host->port ? mmids::net::host_port_text(host->host, *host->port)
                                                        : mmids::net::bracketed(host->host));
    if (!again.ok() || again->host != host->host || again->port != host->port) std::abort();
  }

  auto ranges = mmids::net::parse_address_ranges(text);
  expect_reason(ranges);
  if (ranges) {
    for (const auto& range : *ranges) {
      auto again = mmids::net::parse_address_range(range.to_string());
      if (!again.ok() || again->network != range.network || again->prefix_length != range.prefix_length) std::abort();
    }
  }
  expect_reason(mmids::net::parse_address(text));
  expect_reason(mmids::net::parse_port(text));
  return 0;
}
