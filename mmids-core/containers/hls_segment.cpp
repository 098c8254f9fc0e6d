#include "mmids-core/containers/hls_segment.hpp"

namespace mmids::containers {

size_t HlsSegment::size() const {
  size_t total = 0;
  for (const auto& part : parts) total += part.bytes.size();
  return total;
}

std::vector<std::span<const uint8_t>> HlsSegment::spans() const {
  std::vector<std::span<const uint8_t>> out;
  out.reserve(parts.size());
  for (const auto& part : parts) out.push_back(part.bytes.span());
  return out;
}

std::vector<uint8_t> HlsSegment::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(size());
  for (const auto& part : parts) out.insert(out.end(), part.bytes.span().begin(), part.bytes.span().end());
  return out;
}

}  // namespace mmids::containers
