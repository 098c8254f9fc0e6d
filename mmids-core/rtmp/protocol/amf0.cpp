#include "mmids-core/rtmp/protocol/amf0.hpp"

#include <algorithm>
#include <cstring>

#include "mmids-core/rtmp/protocol/byte_io.hpp"

namespace mmids::rtmp {

namespace {

namespace marker {
constexpr uint8_t number = 0x00;
constexpr uint8_t boolean = 0x01;
constexpr uint8_t string = 0x02;
constexpr uint8_t object = 0x03;
constexpr uint8_t movie_clip = 0x04;
constexpr uint8_t null = 0x05;
constexpr uint8_t undefined = 0x06;
constexpr uint8_t reference = 0x07;
constexpr uint8_t ecma_array = 0x08;
constexpr uint8_t object_end = 0x09;
constexpr uint8_t strict_array = 0x0A;
constexpr uint8_t date = 0x0B;
constexpr uint8_t long_string = 0x0C;
constexpr uint8_t unsupported = 0x0D;
constexpr uint8_t record_set = 0x0E;
constexpr uint8_t xml_document = 0x0F;
constexpr uint8_t typed_object = 0x10;
constexpr uint8_t avmplus = 0x11;
}  // namespace marker

std::string hex_byte(uint8_t b) {
  static constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}

}  // namespace

// ---------------------------------------------------------------------------- value

Amf0Value::Amf0Value() = default;

Amf0Value Amf0Value::number(double value) {
  Amf0Value v;
  v.type_ = Amf0Type::Number;
  v.number_ = value;
  return v;
}
Amf0Value Amf0Value::boolean(bool value) {
  Amf0Value v;
  v.type_ = Amf0Type::Boolean;
  v.boolean_ = value;
  return v;
}
Amf0Value Amf0Value::string(std::string value) {
  Amf0Value v;
  v.type_ = Amf0Type::String;
  v.string_ = std::move(value);
  return v;
}
Amf0Value Amf0Value::object(Properties properties) {
  Amf0Value v;
  v.type_ = Amf0Type::Object;
  v.properties_ = std::move(properties);
  return v;
}
Amf0Value Amf0Value::object() { return object(Properties()); }
Amf0Value Amf0Value::ecma_array() { return ecma_array(Properties()); }
Amf0Value Amf0Value::strict_array() { return strict_array(Elements()); }
Amf0Value Amf0Value::null() { return Amf0Value(); }
Amf0Value Amf0Value::undefined() {
  Amf0Value v;
  v.type_ = Amf0Type::Undefined;
  return v;
}
Amf0Value Amf0Value::ecma_array(Properties properties) {
  Amf0Value v;
  v.type_ = Amf0Type::EcmaArray;
  v.properties_ = std::move(properties);
  return v;
}
Amf0Value Amf0Value::strict_array(Elements elements) {
  Amf0Value v;
  v.type_ = Amf0Type::StrictArray;
  v.elements_ = std::move(elements);
  return v;
}
Amf0Value Amf0Value::date(double milliseconds_since_epoch, int16_t timezone_minutes) {
  Amf0Value v;
  v.type_ = Amf0Type::Date;
  v.number_ = milliseconds_since_epoch;
  v.timezone_ = timezone_minutes;
  return v;
}
Amf0Value Amf0Value::unsupported(uint8_t marker) {
  Amf0Value v;
  v.type_ = Amf0Type::Unsupported;
  v.marker_ = marker;
  return v;
}

std::optional<double> Amf0Value::as_number() const {
  if (!is_number()) return std::nullopt;
  return number_;
}
double Amf0Value::number_or(double fallback) const { return is_number() ? number_ : fallback; }
std::optional<bool> Amf0Value::as_bool() const {
  if (!is_boolean()) return std::nullopt;
  return boolean_;
}
bool Amf0Value::bool_or(bool fallback) const { return is_boolean() ? boolean_ : fallback; }
std::optional<std::string_view> Amf0Value::as_string() const {
  if (!is_string()) return std::nullopt;
  return std::string_view(string_);
}
std::string_view Amf0Value::string_or(std::string_view fallback) const {
  return is_string() ? std::string_view(string_) : fallback;
}

const Amf0Value* Amf0Value::find(std::string_view key) const {
  for (const auto& property : properties_)
    if (property.key == key) return &property.value;
  return nullptr;
}

const Amf0Value& Amf0Value::get(std::string_view key) const {
  static const Amf0Value missing = Amf0Value::undefined();
  const Amf0Value* found = find(key);
  return found ? *found : missing;
}

Amf0Value& Amf0Value::set(std::string key, Amf0Value value) {
  if (!has_properties()) *this = Amf0Value::object();
  for (auto& property : properties_) {
    if (property.key == key) {
      property.value = std::move(value);
      return *this;
    }
  }
  properties_.push_back(Amf0Property{std::move(key), std::move(value)});
  return *this;
}

Amf0Value& Amf0Value::push_back(Amf0Value element) {
  if (!is_strict_array()) *this = Amf0Value::strict_array();
  elements_.push_back(std::move(element));
  return *this;
}

bool operator==(const Amf0Value& a, const Amf0Value& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Amf0Type::Number:
      return std::memcmp(&a.number_, &b.number_, sizeof a.number_) == 0;
    case Amf0Type::Boolean:
      return a.boolean_ == b.boolean_;
    case Amf0Type::String:
      return a.string_ == b.string_;
    case Amf0Type::Object:
    case Amf0Type::EcmaArray:
      return a.properties_ == b.properties_;
    case Amf0Type::StrictArray:
      return a.elements_ == b.elements_;
    case Amf0Type::Date:
      return std::memcmp(&a.number_, &b.number_, sizeof a.number_) == 0 && a.timezone_ == b.timezone_;
    case Amf0Type::Unsupported:
      return a.marker_ == b.marker_;
    case Amf0Type::Null:
    case Amf0Type::Undefined:
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------- reader

Amf0Reader::Amf0Reader(std::span<const uint8_t> bytes, Amf0Limits limits) : bytes_(bytes), limits_(limits) {}

Result<Amf0Value> Amf0Reader::read() {
  if (at_end()) return protocol_error("AMF0: no value left to read");
  return read_value(0);
}

Status Amf0Reader::count_value() {
  if (++values_ > limits_.max_values)
    return protocol_error("AMF0: more than " + std::to_string(limits_.max_values) + " values");
  return {};
}

Result<std::string> Amf0Reader::read_string(size_t length_bytes) {
  if (remaining() < length_bytes) return protocol_error("AMF0: truncated string length");
  size_t length = length_bytes == 2 ? byte_io::read_u16be(&bytes_[offset_]) : byte_io::read_u32be(&bytes_[offset_]);
  offset_ += length_bytes;
  if (length > remaining())
    return protocol_error("AMF0: string declares " + std::to_string(length) + " bytes, only " +
                          std::to_string(remaining()) + " remain");
  std::string text(reinterpret_cast<const char*>(&bytes_[offset_]), length);
  offset_ += length;
  return text;
}

Result<Amf0Value> Amf0Reader::read_value(size_t depth) {
  if (depth > limits_.max_depth)
    return protocol_error("AMF0: nesting deeper than " + std::to_string(limits_.max_depth));
  if (at_end()) return protocol_error("AMF0: truncated value (no marker)");
  if (auto counted = count_value(); !counted) return ProtocolError{counted.error()};
  const uint8_t type = bytes_[offset_++];
  switch (type) {
    case marker::number:
      if (remaining() < 8) return protocol_error("AMF0: truncated number");
      offset_ += 8;
      return Amf0Value::number(byte_io::read_f64be(&bytes_[offset_ - 8]));
    case marker::boolean:
      if (remaining() < 1) return protocol_error("AMF0: truncated boolean");
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
      if (remaining() < 4) return protocol_error("AMF0: truncated ECMA array count");
      offset_ += 4;
      return read_properties(Amf0Value::ecma_array(), depth, true);
    case marker::strict_array: {
      if (remaining() < 4) return protocol_error("AMF0: truncated strict array count");
      const uint32_t count = byte_io::read_u32be(&bytes_[offset_]);
      offset_ += 4;
      // Every element takes at least one byte: refuse impossible counts before reserving.
      if (count > remaining())
        return protocol_error("AMF0: strict array declares " + std::to_string(count) + " elements, only " +
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
      if (remaining() < 10) return protocol_error("AMF0: truncated date");
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
      if (remaining() < 2) return protocol_error("AMF0: truncated reference");
      offset_ += 2;
      return Amf0Value::unsupported(marker::reference);
    case marker::avmplus:
      return read_amf3();
    case marker::object_end:
      return protocol_error("AMF0: object-end marker outside an object");
    case marker::movie_clip:
    case marker::record_set:
      return protocol_error("AMF0: reserved marker " + hex_byte(type) + " has no defined encoding");
    default:
      return protocol_error("AMF0: unknown marker " + hex_byte(type));
  }
}

Result<Amf0Value> Amf0Reader::read_properties(Amf0Value container, size_t depth, bool lenient_end) {
  Amf0Value::Properties properties;
  for (;;) {
    if (opaque_tail_) break;  // an AMF3 value took the rest of the input: end here
    if (lenient_end && at_end()) break;
    if (remaining() < 2) return protocol_error("AMF0: object not terminated (truncated key)");
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
    if (at_end()) return protocol_error("AMF3: truncated integer");
    const uint8_t b = bytes_[offset_++];
    if (i == 3) return (value << 8) | b;
    value = (value << 7) | (b & 0x7F);
    if ((b & 0x80) == 0) return value;
  }
  return value;
}

Result<Amf0Value> Amf0Reader::read_amf3() {
  if (at_end()) return protocol_error("AMF3: truncated value after the avmplus marker");
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
      if (remaining() < 8) return protocol_error("AMF3: truncated double");
      offset_ += 8;
      return Amf0Value::number(byte_io::read_f64be(&bytes_[offset_ - 8]));
    case 0x06: {  // string: U29 (length << 1 | inline flag)
      auto header = read_u29();
      if (!header) return std::move(header).take_error();
      if ((*header & 1) == 0) return Amf0Value::unsupported(marker::avmplus);  // string table reference
      const size_t length = *header >> 1;
      if (length > remaining()) return protocol_error("AMF3: string longer than the input");
      std::string text(reinterpret_cast<const char*>(&bytes_[offset_]), length);
      offset_ += length;
      return Amf0Value::string(std::move(text));
    }
    case 0x08: {  // date: U29 (inline flag) then a double
      auto header = read_u29();
      if (!header) return std::move(header).take_error();
      if ((*header & 1) == 0) return Amf0Value::unsupported(marker::avmplus);
      if (remaining() < 8) return protocol_error("AMF3: truncated date");
      offset_ += 8;
      return Amf0Value::date(byte_io::read_f64be(&bytes_[offset_ - 8]));
    }
    default:
      if (type > 0x11) return protocol_error("AMF3: unknown marker " + hex_byte(type));
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

// ---------------------------------------------------------------------------- encoder

namespace {

void put_key(std::vector<uint8_t>& out, const std::string& key) {
  const size_t length = std::min<size_t>(key.size(), 0xFFFF);
  byte_io::put_u16be(out, static_cast<uint16_t>(length));
  out.insert(out.end(), key.begin(), key.begin() + static_cast<std::ptrdiff_t>(length));
}

void put_properties(std::vector<uint8_t>& out, const Amf0Value::Properties& properties) {
  for (const auto& property : properties) {
    put_key(out, property.key);
    amf0_encode(property.value, out);
  }
  out.insert(out.end(), {0x00, 0x00, marker::object_end});
}

}  // namespace

void amf0_encode(const Amf0Value& value, std::vector<uint8_t>& out) {
  switch (value.type()) {
    case Amf0Type::Number:
      out.push_back(marker::number);
      byte_io::put_f64be(out, *value.as_number());
      return;
    case Amf0Type::Boolean:
      out.push_back(marker::boolean);
      out.push_back(*value.as_bool() ? 1 : 0);
      return;
    case Amf0Type::String: {
      const std::string_view text = *value.as_string();
      if (text.size() <= 0xFFFF) {
        out.push_back(marker::string);
        byte_io::put_u16be(out, static_cast<uint16_t>(text.size()));
      } else {
        out.push_back(marker::long_string);
        byte_io::put_u32be(out, static_cast<uint32_t>(text.size()));
      }
      out.insert(out.end(), text.begin(), text.end());
      return;
    }
    case Amf0Type::Object:
      out.push_back(marker::object);
      put_properties(out, value.properties());
      return;
    case Amf0Type::EcmaArray:
      out.push_back(marker::ecma_array);
      byte_io::put_u32be(out, static_cast<uint32_t>(value.properties().size()));
      put_properties(out, value.properties());
      return;
    case Amf0Type::StrictArray:
      out.push_back(marker::strict_array);
      byte_io::put_u32be(out, static_cast<uint32_t>(value.elements().size()));
      for (const auto& element : value.elements()) amf0_encode(element, out);
      return;
    case Amf0Type::Date:
      out.push_back(marker::date);
      byte_io::put_f64be(out, value.date_milliseconds());
      byte_io::put_u16be(out, static_cast<uint16_t>(value.date_timezone()));
      return;
    case Amf0Type::Null:
      out.push_back(marker::null);
      return;
    case Amf0Type::Undefined:
      out.push_back(marker::undefined);
      return;
    case Amf0Type::Unsupported:
      // Whatever we could not decode goes back out as the AMF0 "unsupported" marker.
      out.push_back(marker::unsupported);
      return;
  }
}

std::vector<uint8_t> amf0_encode(std::span<const Amf0Value> values) {
  std::vector<uint8_t> out;
  for (const auto& value : values) amf0_encode(value, out);
  return out;
}

std::vector<uint8_t> amf0_encode(std::initializer_list<Amf0Value> values) {
  return amf0_encode(std::span<const Amf0Value>(values.begin(), values.size()));
}

}  // namespace mmids::rtmp
