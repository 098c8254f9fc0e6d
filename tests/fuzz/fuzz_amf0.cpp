// Fuzz target: AMF0 decoding of arbitrary bytes, then re-encoding of what decoded. The
// encoding must be a fixed point: decode(encode(v)) re-encodes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mmids-core/rtmp/protocol/amf0.hpp"

using namespace mmids::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Amf0Limits limits;
  limits.max_values = 1u << 14;
  const auto decoded = amf0_decode(std::span(data, size), limits);
  if (!decoded) {
    if (decoded.error().empty()) std::abort();  // every failure carries a reason
    return 0;
  }
  const auto encoded = amf0_encode(*decoded);
  // Every value re-encodes to exactly one value at the same depth: the same limits hold.
  const auto again = amf0_decode(encoded, limits);
  if (!again) std::abort();
  if (amf0_encode(*again) != encoded) std::abort();
  if (again->size() != decoded->size()) std::abort();
  return 0;
}
