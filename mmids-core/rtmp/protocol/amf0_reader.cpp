// Amf0Reader and amf0_decode: the defensive AMF0 (and tolerated AMF3) decoder.
#include <algorithm>
#include <string>

#include "mmids-core/rtmp/protocol/amf0.hpp"
#include "mmids-core/rtmp/protocol/amf0_markers.hpp"
#include "mmids-core/common/byte_io.hpp"

namespace mmids::rtmp {

namespace {

namespace marker = amf0_marker;

std::string hex_byte(uint8_t b) {
  static constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}

}  // namespace

// ---------------------------------------------------------------------------- reader

Amf0Reader::Amf0Reader(std::span<const uint8_t> bytes, Amf0Limits limits) : bytes_(bytes), limits_(limits) {}

Result<Amf0Value> Amf0Reader::read() {
  if (at_end()) return Error("AMF0: no value left to read");
  return read_value(0);
}

Status Amf0Reader::count_value() {
  if (++values_ > limits_.max_values)
    return Error("AMF0: more than " + std::to_string(limits_.max_values) + " values");
  return {};
}

Result<std::string> Amf0Reader::read_string(size_t length_bytes) {
  if (remaining() < length_bytes) return Error("AMF0: truncated string length");
  size_t length = length_bytes == 2 ? byte_io::read_u16be(&bytes_[offset_]) : byte_io::read_u32be(&bytes_[offset_]);
  offset_ += length_bytes;
  if (length > remaining())
    return Error("AMF0: string declares " + std::to_string(length) + " bytes, only " +
                          std::to_string(remaining()) + " remain");
  std::string text(reinterpret_cast<const char*>(&bytes_[offset_]), length);
  offset_ += length;
  return text;
}

Result<Amf0Value> Amf0Reader::read_value(size_t depth) {
  if (depth > limits_.max_depth)
    return Error("AMF0: nesting deeper than " + std::to_string(limits_.max_depth));
  if (at_end()) return Error("AMF0: truncated value (no marker)");
  if (auto counted = count_value(); !counted) return Error{counted.error()};
  const uint8_t type = bytes_[offset_++];
  switch (type) {
    case marker::number:
      if (remaining() < 8) return Error("AMF0: truncated number");
      offset_ += 8;
      return Amf0Value::number(byte_io::read_f64be(&bytes_[offset_ - 8]));
    case marker::boolean:
      if (remaining() < 1) return Error("AMF0: truncated boolean");
      return Amf0Value::boolean(bytes_[offset_++] != 0);
    case marker::string:
    case marker::long_string:
    case marker::xml_document: {
      auto text = read_string(type == marker::string ? 2 : 4);
      if (!text) return std::move(text).take_error();
      return Amf0Value::string(std::move(*text));
    }
    case marker::object:
      return read_properties(Amf0Value::object(), depth, false);
    case marker::typed_object: {
      auto class_name = read_string(2);  // dropped: see the header comment
      if (!class_name) return std::move(class_name).take_error();
      return read_properties(Amf0Value::object(), depth, false);
    }
    case marker::ecma_array:
      // The count is only a hint (writers get it wrong); the object-end marker decides.
      if (remaining() < 4) return Error("AMF0: truncated ECMA array count");
      offset_ += 4;
      return read_properties(Amf0Value::ecma_array(), depth, true);
    case marker::strict_array: {
      if (remaining() < 4) return Error("AMF0: truncated strict array count");
      const uint32_t count = byte_io::read_u32be(&bytes_[offset_]);
      offset_ += 4;
      // Every element takes at least one byte: refuse impossible counts before reserving.
      if (count > remaining())
        return Error("AMF0: strict array declares " + std::to_string(count) + " elements, only " +
                              std::to_string(remaining()) + " bytes remain");
      Amf0Value::Elements elements;
      elements.reserve(std::min<size_t>(count, 1024));
      for (uint32_t i = 0; i < count && !opaque_tail_; ++i) {
        auto element = read_value(depth + 1);
        if (!element) return element;
        elements.push_back(std::move(*element));
      }
      return Amf0Value::strict_array(std::move(elements));
    }
    case marker::date: {
      if (remaining() < 10) return Error("AMF0: truncated date");
      const double ms = byte_io::read_f64be(&bytes_[offset_]);
      const auto tz = static_cast<int16_t>(byte_io::read_u16be(&bytes_[offset_ + 8]));
      offset_ += 10;
      return Amf0Value::date(ms, tz);
    }
    case marker::null:
      return Amf0Value::null();
    case marker::undefined:
      return Amf0Value::undefined();
    case marker::unsupported:
      return Amf0Value::unsupported(marker::unsupported);
    case marker::reference:
      if (remaining() < 2) return Error("AMF0: truncated reference");
      offset_ += 2;
      return Amf0Value::unsupported(marker::reference);
    case marker::avmplus:
      return read_amf3();
    case marker::object_end:
      return Error("AMF0: object-end marker outside an object");
    case marker::movie_clip:
    case marker::record_set:
      return Error("AMF0: reserved marker " + hex_byte(type) + " has no defined encoding");
    default:
      return Error("AMF0: unknown marker " + hex_byte(type));
  }
}

Result<Amf0Value> Amf0Reader::read_properties(Amf0Value container, size_t depth, bool lenient_end) {
  Amf0Value::Properties properties;
  for (;;) {
    if (opaque_tail_) break;  // an AMF3 value took the rest of the input: end here
    if (lenient_end && at_end()) break;
    if (remaining() < 2) return Error("AMF0: object not terminated (truncated key)");
    const size_t key_length = byte_io::read_u16be(&bytes_[offset_]);
    if (key_length == 0 && remaining() >= 3 && bytes_[offset_ + 2] == marker::object_end) {
      offset_ += 3;
      break;
    }
    auto key = read_string(2);
    if (!key) return std::move(key).take_error();
    auto value = read_value(depth + 1);
    if (!value) return value;
    properties.push_back(Amf0Property{std::move(*key), std::move(*value)});
  }
  return container.is_ecma_array() ? Amf0Value::ecma_array(std::move(properties))
                                   : Amf0Value::object(std::move(properties));
}

Result<uint32_t> Amf0Reader::read_u29() {
  // AMF3 variable-length integer: up to three 7-bit groups with a continuation bit,
  // then a full 8-bit group.
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    if (at_end()) return Error("AMF3: truncated integer");
    const uint8_t b = bytes_[offset_++];
    if (i == 3) return (value << 8) | b;
    value = (value << 7) | (b & 0x7F);
    if ((b & 0x80) == 0) return value;
  }
  return value;
}

Result<Amf0Value> Amf0Reader::read_amf3() {
  if (at_end()) return Error("AMF3: truncated value after the avmplus marker");
  const uint8_t type = bytes_[offset_++];
  switch (type) {
    case 0x00:
      return Amf0Value::undefined();
    case 0x01:
      return Amf0Value::null();
    case 0x02:
      return Amf0Value::boolean(false);
    case 0x03:
      return Amf0Value::boolean(true);
    case 0x04: {  // 29-bit signed integer
      auto raw = read_u29();
      if (!raw) return std::move(raw).take_error();
      int32_t v = static_cast<int32_t>(*raw);
      if (v & 0x10000000) v -= 0x20000000;
      return Amf0Value::number(v);
    }
    case 0x05:
      if (remaining() < 8) return Error("AMF3: truncated double");
      offset_ += 8;
      return Amf0Value::number(byte_io::read_f64be(&bytes_[offset_ - 8]));
    case 0x06: {  // string: U29 (length << 1 | inline flag)
      auto header = read_u29();
      if (!header) return std::move(header).take_error();
      if ((*header & 1) == 0) return Amf0Value::unsupported(marker::avmplus);  // string table reference
      const size_t length = *header >> 1;
      if (length > remaining()) return Error("AMF3: string longer than the input");
      std::string text(reinterpret_cast<const char*>(&bytes_[offset_]), length);
      offset_ += length;
      return Amf0Value::string(std::move(text));
    }
    case 0x08: {  // date: U29 (inline flag) then a double
      auto header = read_u29();
      if (!header) return std::move(header).take_error();
      if ((*header & 1) == 0) return Amf0Value::unsupported(marker::avmplus);
      if (remaining() < 8) return Error("AMF3: truncated date");
      offset_ += 8;
      return Amf0Value::date(byte_io::read_f64be(&bytes_[offset_ - 8]));
    }
    default:
      if (type > 0x11) return Error("AMF3: unknown marker " + hex_byte(type));
      // A complex value: cannot be measured without a full AMF3 implementation.
      offset_ = bytes_.size();
      opaque_tail_ = true;
      return Amf0Value::unsupported(marker::avmplus);
  }
}

Result<std::vector<Amf0Value>> amf0_decode(std::span<const uint8_t> bytes, Amf0Limits limits) {
  Amf0Reader reader(bytes, limits);
  std::vector<Amf0Value> values;
  while (!reader.at_end()) {
    auto value = reader.read();
    if (!value) return std::move(value).take_error();
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace mmids::rtmp
