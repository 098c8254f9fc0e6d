#include "mmids-core/rtmp/protocol/amf0.hpp"

// Amf0Value and the AMF0 writer. The reader is in amf0_reader.cpp.
#include <algorithm>
#include <cstring>

#include "mmids-core/rtmp/protocol/amf0_markers.hpp"
#include "mmids-core/common/byte_io.hpp"

namespace mmids::rtmp {

namespace marker = amf0_marker;

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
