#include "mmids-core/containers/gather_list.hpp"

namespace mmids::containers {

void GatherList::append_copy(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  // Owned bytes back to back (a tag's trailer, the next tag's header) are one piece.
  if (!pieces_.empty() && pieces_.back().owned && pieces_.back().index + pieces_.back().length == owned_.size()) {
    pieces_.back().length += bytes.size();
  } else {
    pieces_.push_back(Piece{true, owned_.size(), bytes.size()});
  }
  owned_.insert(owned_.end(), bytes.begin(), bytes.end());
  total_bytes_ += bytes.size();
}

void GatherList::append_shared(const media::SharedBuffer& buffer) {
  if (buffer.empty()) return;
  pieces_.push_back(Piece{false, shared_.size(), buffer.size()});
  shared_.push_back(buffer);
  total_bytes_ += buffer.size();
}

void GatherList::spans_into(Spans& out) const {
  for (const auto& piece : pieces_) {
    if (piece.owned) {
      out.emplace_back(owned_.data() + piece.index, piece.length);
    } else {
      out.push_back(shared_[piece.index].span());
    }
  }
}

GatherList::Spans GatherList::spans() const {
  Spans out;
  out.reserve(pieces_.size());
  spans_into(out);
  return out;
}

std::vector<uint8_t> GatherList::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(total_bytes_);
  for (const auto& span : spans()) out.insert(out.end(), span.begin(), span.end());
  return out;
}

void GatherList::clear() {
  owned_.clear();
  shared_.clear();
  pieces_.clear();
  total_bytes_ = 0;
}

}  // namespace mmids::containers
