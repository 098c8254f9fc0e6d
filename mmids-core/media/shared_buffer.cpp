#include "mmids-core/media/shared_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace mmids::media {

SharedBuffer SharedBuffer::adopt(std::vector<uint8_t>&& bytes) {
  SharedBuffer buffer;
  buffer.size_ = bytes.size();
  buffer.storage_ = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return buffer;
}

SharedBuffer SharedBuffer::copy_of(std::span<const uint8_t> bytes) {
  return adopt(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

SharedBuffer SharedBuffer::copy_of(std::string_view bytes) {
  const auto* begin = reinterpret_cast<const uint8_t*>(bytes.data());
  return adopt(std::vector<uint8_t>(begin, begin + bytes.size()));
}

SharedBuffer SharedBuffer::slice(size_t offset, size_t length) const {
  SharedBuffer view = *this;
  view.offset_ = offset_ + std::min(offset, size_);
  view.size_ = std::min(length, size_ - std::min(offset, size_));
  return view;
}

bool operator==(const SharedBuffer& a, const SharedBuffer& b) {
  return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace mmids::media
