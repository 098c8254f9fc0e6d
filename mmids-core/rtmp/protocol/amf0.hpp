#pragma once
// AMF0: the value encoding of RTMP commands and data messages.
//
// Decoding is defensive: every declared length is checked against the bytes that remain
// before anything is allocated, nesting is depth-limited (no stack exhaustion) and the
// number of decoded values is capped, so a hostile 8 MiB data message cannot make the
// decoder allocate gigabytes of Amf0Value nodes.
//
// Tolerated on input (never produced on output):
// - typed object (0x10): decoded as a plain Object, the class name is dropped;
// - XML document (0x0F): decoded as a String;
// - reference (0x07): decoded as Unsupported (references into earlier values are a
//   Flash remoting feature no RTMP command relies on);
// - an ECMA array missing its object-end marker at the very end of the input (some
//   metadata writers omit it);
// - AMF3 values behind the avmplus marker (0x11), as Flash sends them with
//   objectEncoding 3: undefined, null, booleans, integers, doubles, inline strings
//   and inline dates are decoded into the matching AMF0 type. Complex AMF3 values
//   (objects, arrays, byte arrays, vectors, dictionaries, XML, references) cannot be
//   measured without a full AMF3 implementation, so they decode as Unsupported and the
//   reader treats the REST OF THE INPUT as consumed: enclosing objects end there, and
//   the command still parses. In practice such values only appear in the trailing
//   positions of a connect command object (e.g. a custom parameter), never in the
//   fields a server needs (app, tcUrl, flashVer, objectEncoding).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmids-core/common/result.hpp"

namespace mmids::rtmp {

enum class Amf0Type : uint8_t {
  Number,
  Boolean,
  String,  // short (0x02) and long (0x0C) strings alike; the encoder picks the form by length
  Object,
  Null,
  Undefined,
  EcmaArray,    // associative array; ordered like an object
  StrictArray,  // dense array
  Date,
  Unsupported,  // a marker we could not or would not decode; see unsupported_marker()
};

struct Amf0Property;

class Amf0Value {
 public:
  using Properties = std::vector<Amf0Property>;  // insertion order is kept (and re-encoded)
  using Elements = std::vector<Amf0Value>;

  Amf0Value();  // Null

  static Amf0Value number(double value);
  static Amf0Value boolean(bool value);
  static Amf0Value string(std::string value);
  // (No `= {}` defaults: the element types are incomplete here, which clang rejects.)
  static Amf0Value object();
  static Amf0Value object(Properties properties);
  static Amf0Value null();
  static Amf0Value undefined();
  static Amf0Value ecma_array();
  static Amf0Value ecma_array(Properties properties);
  static Amf0Value strict_array();
  static Amf0Value strict_array(Elements elements);
  static Amf0Value date(double milliseconds_since_epoch, int16_t timezone_minutes = 0);
  static Amf0Value unsupported(uint8_t marker = 0x0D);

  [[nodiscard]] Amf0Type type() const { return type_; }
  [[nodiscard]] bool is_number() const { return type_ == Amf0Type::Number; }
  [[nodiscard]] bool is_boolean() const { return type_ == Amf0Type::Boolean; }
  [[nodiscard]] bool is_string() const { return type_ == Amf0Type::String; }
  [[nodiscard]] bool is_object() const { return type_ == Amf0Type::Object; }
  [[nodiscard]] bool is_null() const { return type_ == Amf0Type::Null; }
  [[nodiscard]] bool is_undefined() const { return type_ == Amf0Type::Undefined; }
  [[nodiscard]] bool is_ecma_array() const { return type_ == Amf0Type::EcmaArray; }
  [[nodiscard]] bool is_strict_array() const { return type_ == Amf0Type::StrictArray; }
  [[nodiscard]] bool is_date() const { return type_ == Amf0Type::Date; }
  [[nodiscard]] bool is_unsupported() const { return type_ == Amf0Type::Unsupported; }
  // Object or ECMA array: both are key/value lists and clients use them interchangeably
  // (metadata arrives as either).
  [[nodiscard]] bool has_properties() const { return is_object() || is_ecma_array(); }

  // Typed access: nullopt / the fallback when the value has another type.
  [[nodiscard]] std::optional<double> as_number() const;
  [[nodiscard]] double number_or(double fallback) const;
  [[nodiscard]] std::optional<bool> as_bool() const;
  [[nodiscard]] bool bool_or(bool fallback) const;
  // The view lives as long as this value.
  [[nodiscard]] std::optional<std::string_view> as_string() const;
  [[nodiscard]] std::string_view string_or(std::string_view fallback) const;

  // Object / ECMA array members (empty for other types).
  [[nodiscard]] const Properties& properties() const { return properties_; }
  // First property with that key, or nullptr (also for non-object values).
  [[nodiscard]] const Amf0Value* find(std::string_view key) const;
  // Like find() but never null: a missing key yields a shared Undefined value, so
  // `command_object.get("app").string_or("")` needs no checks.
  [[nodiscard]] const Amf0Value& get(std::string_view key) const;
  // Replaces the first property with that key or appends one. Turns a non-object value
  // into an empty Object first. Returns *this for chaining.
  Amf0Value& set(std::string key, Amf0Value value);

  // Strict array members (empty for other types).
  [[nodiscard]] const Elements& elements() const { return elements_; }
  Amf0Value& push_back(Amf0Value element);  // turns a non-array into a StrictArray first

  [[nodiscard]] double date_milliseconds() const { return is_date() ? number_ : 0; }
  [[nodiscard]] int16_t date_timezone() const { return timezone_; }
  // The marker byte that made this value Unsupported (0x0D, 0x07 reference, 0x11 AMF3...).
  [[nodiscard]] uint8_t unsupported_marker() const { return marker_; }

  // Structural equality; numbers compare by bit pattern so NaN == NaN.
  friend bool operator==(const Amf0Value& a, const Amf0Value& b);

 private:
  Amf0Type type_ = Amf0Type::Null;
  bool boolean_ = false;
  uint8_t marker_ = 0;
  int16_t timezone_ = 0;
  double number_ = 0;  // Number, and Date milliseconds
  std::string string_;
  Properties properties_;
  Elements elements_;
};

struct Amf0Property {
  std::string key;
  Amf0Value value;
  friend bool operator==(const Amf0Property& a, const Amf0Property& b) {
    return a.key == b.key && a.value == b.value;
  }
};

struct Amf0Limits {
  size_t max_depth = 32;          // nested objects/arrays
  size_t max_values = 1u << 18;   // decoded values per reader (bounds memory to ~25 MiB)
};

// Reads consecutive AMF0 values from a byte span (not owned: it must outlive the reader).
class Amf0Reader {
 public:
  explicit Amf0Reader(std::span<const uint8_t> bytes, Amf0Limits limits = {});

  // Reads the next value. Precondition: !at_end().
  Result<Amf0Value> read();
  [[nodiscard]] bool at_end() const { return offset_ >= bytes_.size(); }
  // Bytes consumed so far: lets callers slice the encoded form of a value.
  [[nodiscard]] size_t offset() const { return offset_; }

 private:
  Result<Amf0Value> read_value(size_t depth);
  Result<Amf0Value> read_properties(Amf0Value container, size_t depth, bool lenient_end);
  Result<Amf0Value> read_amf3();
  Result<std::string> read_string(size_t length_bytes);
  Result<uint32_t> read_u29();
  Status count_value();
  [[nodiscard]] size_t remaining() const { return bytes_.size() - offset_; }

  std::span<const uint8_t> bytes_;
  Amf0Limits limits_;
  size_t offset_ = 0;
  size_t values_ = 0;
  // Set when a complex AMF3 value swallowed the rest of the input (see the file comment).
  bool opaque_tail_ = false;
};

// Decodes every value of the buffer (an empty buffer gives an empty vector).
Result<std::vector<Amf0Value>> amf0_decode(std::span<const uint8_t> bytes, Amf0Limits limits = {});

// Appends the AMF0 encoding of `value`. Strings over 65535 bytes use the long-string
// marker; object keys over 65535 bytes are truncated (AMF0 cannot express them).
void amf0_encode(const Amf0Value& value, std::vector<uint8_t>& out);
std::vector<uint8_t> amf0_encode(std::span<const Amf0Value> values);
std::vector<uint8_t> amf0_encode(std::initializer_list<Amf0Value> values);

}  // namespace mmids::rtmp
