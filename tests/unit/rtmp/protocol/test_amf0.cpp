// AMF0: every type round-trips, known encodings byte for byte, accessors, malformed
// input refused with a reason, and the AMF3 values Flash slips in.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "mmids-core/rtmp/protocol/amf0.hpp"
#include "tests/unit/rtmp/protocol/rtmp_protocol_test_support.hpp"

using namespace mmids;
using namespace mmids::rtmp;
using mmids::rtmp::testing::bytes;

namespace {

Amf0Value decode_one(const std::vector<uint8_t>& encoded) {
  auto values = amf0_decode(encoded);
  INFO("error: " << (values ? std::string("none") : values.error()));
  REQUIRE(values.ok());
  REQUIRE(values->size() == 1);
  return values->front();
}

std::string decode_error(const std::vector<uint8_t>& encoded, Amf0Limits limits = {}) {
  auto values = amf0_decode(encoded, limits);
  REQUIRE_FALSE(values.ok());
  return values.error();
}

}  // namespace

TEST_CASE("amf0: every type round-trips", "[rtmp]") {
  Amf0Value nested = Amf0Value::object({{"inner", Amf0Value::number(1)}, {"deeper", Amf0Value::object()}});
  const std::vector<Amf0Value> values = {
      Amf0Value::number(0),
      Amf0Value::number(-0.0),
      Amf0Value::number(1e300),
      Amf0Value::number(std::numeric_limits<double>::quiet_NaN()),
      Amf0Value::boolean(true),
      Amf0Value::boolean(false),
      Amf0Value::string(""),
      Amf0Value::string("r\xC3\xA9seau"),
      Amf0Value::string(std::string(70000, 'x')),  // long string
      Amf0Value::object({{"zeta", Amf0Value::string("z")}, {"alpha", Amf0Value::null()}, {"nested", nested}}),
      Amf0Value::null(),
      Amf0Value::undefined(),
      Amf0Value::ecma_array({{"width", Amf0Value::number(1280)}, {"height", Amf0Value::number(720)}}),
      Amf0Value::strict_array({Amf0Value::number(1), Amf0Value::string("two"), Amf0Value::strict_array()}),
      Amf0Value::date(1.6e12, -60),
      Amf0Value::unsupported(),
  };
  const auto encoded = amf0_encode(values);
  const auto decoded = amf0_decode(encoded);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("value " << i);
    CHECK((*decoded)[i] == values[i]);
  }
  // Property order is kept, not sorted.
  CHECK((*decoded)[9].properties()[0].key == "zeta");
  CHECK((*decoded)[9].properties()[2].key == "nested");
  CHECK(std::signbit(*(*decoded)[1].as_number()));
  CHECK(amf0_encode(*decoded) == encoded);
}

TEST_CASE("amf0: known encodings", "[rtmp]") {
  CHECK(amf0_encode({Amf0Value::number(1.0)}) == bytes({0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0}));
  CHECK(amf0_encode({Amf0Value::boolean(true)}) == bytes({0x01, 0x01}));
  CHECK(amf0_encode({Amf0Value::string("app")}) == bytes({0x02, 0x00, 0x03, 'a', 'p', 'p'}));
  CHECK(amf0_encode({Amf0Value::object({{"a", Amf0Value::boolean(true)}})}) ==
        bytes({0x03, 0x00, 0x01, 'a', 0x01, 0x01, 0x00, 0x00, 0x09}));
  CHECK(amf0_encode({Amf0Value::ecma_array({{"a", Amf0Value::null()}})}) ==
        bytes({0x08, 0, 0, 0, 1, 0x00, 0x01, 'a', 0x05, 0x00, 0x00, 0x09}));
  CHECK(amf0_encode({Amf0Value::strict_array({Amf0Value::undefined()})}) == bytes({0x0A, 0, 0, 0, 1, 0x06}));
  CHECK(amf0_encode({Amf0Value::date(0, 0)}) == bytes({0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(amf0_encode({Amf0Value::null(), Amf0Value::undefined()}) == bytes({0x05, 0x06}));
  const auto long_string = amf0_encode({Amf0Value::string(std::string(0x10000, 'y'))});
  CHECK(long_string[0] == 0x0C);
  CHECK(std::vector<uint8_t>(long_string.begin() + 1, long_string.begin() + 5) == bytes({0, 1, 0, 0}));
}

TEST_CASE("amf0: accessors", "[rtmp]") {
  Amf0Value object = Amf0Value::object();
  object.set("app", Amf0Value::string("live")).set("objectEncoding", Amf0Value::number(0));
  object.set("app", Amf0Value::string("other"));  // replaces, keeps position
  CHECK(object.properties().size() == 2);
  CHECK(object.properties()[0].key == "app");
  CHECK(object.get("app").as_string() == std::optional<std::string_view>("other"));
  CHECK(object.get("objectEncoding").number_or(-1) == 0);
  CHECK(object.get("missing").is_undefined());
  CHECK(object.get("missing").string_or("fallback") == "fallback");
  CHECK(object.find("missing") == nullptr);
  CHECK(object.get("app").number_or(7) == 7);
  CHECK_FALSE(object.get("app").as_bool().has_value());
  CHECK(Amf0Value::number(3).get("anything").is_undefined());  // get on a non-object
  CHECK(Amf0Value::boolean(true).bool_or(false));
  CHECK(Amf0Value::ecma_array({{"k", Amf0Value::number(2)}}).get("k").number_or(0) == 2);
  Amf0Value list;
  list.push_back(Amf0Value::number(1)).push_back(Amf0Value::number(2));
  CHECK(list.is_strict_array());
  CHECK(list.elements().size() == 2);
}

TEST_CASE("amf0: object-end handling", "[rtmp]") {
  // An empty key that is not followed by the end marker is an ordinary property.
  const auto value = decode_one(bytes({0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x09}));
  REQUIRE(value.properties().size() == 1);
  CHECK(value.properties()[0].key.empty());
  // An ECMA array may lack its end marker at the very end of the input.
  const auto ecma = decode_one(bytes({0x08, 0, 0, 0, 1, 0x00, 0x01, 'w', 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(ecma.get("w").number_or(0) == 2);
  // An object may not.
  CHECK_THAT(decode_error(bytes({0x03, 0x00, 0x01, 'a', 0x05})), Catch::Contains("not terminated"));
  // The end marker alone is not a value.
  CHECK_THAT(decode_error(bytes({0x09})), Catch::Contains("object-end"));
}

TEST_CASE("amf0: malformed input is refused with a reason", "[rtmp]") {
  CHECK_THAT(decode_error(bytes({0x00, 0x3F, 0xF0})), Catch::Contains("truncated number"));
  CHECK_THAT(decode_error(bytes({0x01})), Catch::Contains("truncated boolean"));
  CHECK_THAT(decode_error(bytes({0x02, 0x00})), Catch::Contains("truncated string"));
  CHECK_THAT(decode_error(bytes({0x02, 0x00, 0x05, 'a', 'b'})), Catch::Contains("declares 5 bytes"));
  CHECK_THAT(decode_error(bytes({0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 'a'})), Catch::Contains("declares 4294967295"));
  CHECK_THAT(decode_error(bytes({0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05})), Catch::Contains("4294967295 elements"));
  CHECK_THAT(decode_error(bytes({0x0A, 0, 0, 0, 3, 0x05, 0x05})), Catch::Contains("elements"));
  CHECK_THAT(decode_error(bytes({0x0A, 0, 0, 0, 2, 0x00, 0x3F})), Catch::Contains("truncated number"));
  CHECK_THAT(decode_error(bytes({0x0B, 0, 0})), Catch::Contains("truncated date"));
  CHECK_THAT(decode_error(bytes({0x20})), Catch::Contains("unknown marker 0x20"));
  CHECK_THAT(decode_error(bytes({0x04})), Catch::Contains("reserved marker 0x04"));
  CHECK_THAT(decode_error(bytes({0x0E})), Catch::Contains("reserved marker 0x0e"));
  CHECK_THAT(decode_error(bytes({0x08, 0, 0})), Catch::Contains("ECMA"));
  CHECK_THAT(decode_error(bytes({0x11})), Catch::Contains("AMF3"));
  CHECK_THAT(decode_error(bytes({0x11, 0x05, 0x00})), Catch::Contains("truncated double"));
}

TEST_CASE("amf0: nesting depth and value count are limited", "[rtmp]") {
  std::vector<uint8_t> deep;
  for (int i = 0; i < 100000; ++i) deep.insert(deep.end(), {0x0A, 0, 0, 0, 1});
  deep.push_back(0x05);
  CHECK_THAT(decode_error(deep), Catch::Contains("nesting deeper than 32"));

  std::vector<uint8_t> deep_objects;
  for (int i = 0; i < 40; ++i) deep_objects.insert(deep_objects.end(), {0x03, 0x00, 0x01, 'k'});
  deep_objects.push_back(0x05);
  CHECK_THAT(decode_error(deep_objects), Catch::Contains("nesting"));

  std::vector<uint8_t> many = {0x0A, 0, 0, 0, 100};
  many.insert(many.end(), 100, 0x05);
  Amf0Limits limits;
  limits.max_values = 50;
  CHECK_THAT(decode_error(many, limits), Catch::Contains("more than 50 values"));
  limits.max_values = 101;
  CHECK(amf0_decode(many, limits).ok());
}

TEST_CASE("amf0: tolerated markers decode to the nearest AMF0 type", "[rtmp]") {
  // typed object -> Object (class name dropped)
  const auto typed = decode_one(bytes({0x10, 0x00, 0x01, 'C', 0x00, 0x01, 'x', 0x01, 0x01, 0x00, 0x00, 0x09}));
  CHECK(typed.is_object());
  CHECK(typed.get("x").bool_or(false));
  // XML document -> String
  CHECK(decode_one(bytes({0x0F, 0, 0, 0, 2, '<', '>'})).string_or("") == "<>");
  // reference -> Unsupported(0x07)
  const auto reference = decode_one(bytes({0x07, 0x00, 0x01}));
  CHECK(reference.is_unsupported());
  CHECK(reference.unsupported_marker() == 0x07);
  // unsupported stays unsupported
  CHECK(decode_one(bytes({0x0D})).is_unsupported());
}

TEST_CASE("amf0: AMF3 values behind the avmplus marker", "[rtmp]") {
  CHECK(decode_one(bytes({0x11, 0x06, 0x07, 'f', 'o', 'o'})).string_or("") == "foo");
  CHECK(decode_one(bytes({0x11, 0x04, 0x81, 0x00})).number_or(0) == 128);
  CHECK(decode_one(bytes({0x11, 0x04, 0xFF, 0xFF, 0xFF, 0xFF})).number_or(0) == -1);
  CHECK(decode_one(bytes({0x11, 0x05, 0x40, 0x08, 0, 0, 0, 0, 0, 0})).number_or(0) == 3);
  CHECK(decode_one(bytes({0x11, 0x03})).bool_or(false));
  CHECK(decode_one(bytes({0x11, 0x01})).is_null());
  CHECK(decode_one(bytes({0x11, 0x00})).is_undefined());
  CHECK(decode_one(bytes({0x11, 0x06, 0x02})).is_unsupported());  // string table reference

  // A complex AMF3 value takes the rest of the input; the enclosing object ends there.
  const auto object = decode_one(bytes({0x03, 0x00, 0x03, 'a', 'p', 'p', 0x02, 0x00, 0x04, 'l', 'i', 'v', 'e',  //
                                        0x00, 0x06, 'c', 'u', 's', 't', 'o', 'm', 0x11, 0x0A, 0x0B, 0x01,
                                        0x03, 0x61, 0x04, 0x01, 0x01}));
  CHECK(object.get("app").string_or("") == "live");
  CHECK(object.get("custom").is_unsupported());
}

TEST_CASE("amf0: Amf0Reader reports offsets so callers can slice encoded values", "[rtmp]") {
  const auto encoded = amf0_encode({Amf0Value::string("onMetaData"), Amf0Value::ecma_array()});
  Amf0Reader reader(encoded);
  REQUIRE(reader.read().ok());
  CHECK(reader.offset() == 13);
  REQUIRE(reader.read().ok());
  CHECK(reader.offset() == encoded.size());
  CHECK(reader.at_end());
  CHECK_FALSE(reader.read().ok());
}
