#pragma once
// The client URLs of a run from one URL: "{n}" (or printf's "%d") in it is replaced by
// the client's index modulo the number of streams, so `-n 200` publishers get 200 keys,
// and `-n 1000 --streams 50` players watch 50 streams, 20 each.
#include "mmids-core/common/result.hpp"
#include "mmids-core/rtmp/client/rtmp_url.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mmids::bench {

[[nodiscard]] std::string expand_url_template(std::string_view url, size_t index);
[[nodiscard]] bool is_url_template(std::string_view url);

// Every client's URL, parsed (the first bad one is the error). `streams` 0: one per client.
[[nodiscard]] Result<std::vector<rtmp::RtmpUrl>> client_urls(std::string_view url, size_t clients, size_t streams);

}  // namespace mmids::bench
