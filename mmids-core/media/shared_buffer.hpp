#pragma once
// SharedBuffer: an immutable, reference-counted byte range. One allocation per media
// packet serves every step and every viewer of a node; slices share the allocation
// (an aggregate message's sub-tags, a tag body inside a message).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace mmids::media {

class SharedBuffer {
 public:
  SharedBuffer() = default;

  // Takes ownership of the bytes without copying them.
  static SharedBuffer adopt(std::vector<uint8_t>&& bytes);
  static SharedBuffer copy_of(std::span<const uint8_t> bytes);
  static SharedBuffer copy_of(std::string_view bytes);

  [[nodiscard]] const uint8_t* data() const { return storage_ ? storage_->data() + offset_ : nullptr; }
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::span<const uint8_t> span() const { return {data(), size_}; }
  [[nodiscard]] uint8_t operator[](size_t i) const { return data()[i]; }

  // A view of [offset, offset + length) sharing this buffer's storage. Clamped to size().
  [[nodiscard]] SharedBuffer slice(size_t offset, size_t length) const;

  // How many SharedBuffers share the storage (tests use it to prove "no copies").
  [[nodiscard]] long use_count() const { return storage_.use_count(); }
  [[nodiscard]] bool shares_storage_with(const SharedBuffer& other) const {
    return storage_ && storage_ == other.storage_;
  }

  friend bool operator==(const SharedBuffer& a, const SharedBuffer& b);

 private:
  std::shared_ptr<const std::vector<uint8_t>> storage_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

}  // namespace mmids::media
