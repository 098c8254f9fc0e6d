#pragma once
// AMF0 type markers (and the AMF3 switch), shared by the AMF0 reader and writer.
#include <cstdint>

namespace mmids::rtmp::amf0_marker {

inline constexpr uint8_t number = 0x00;
inline constexpr uint8_t boolean = 0x01;
inline constexpr uint8_t string = 0x02;
inline constexpr uint8_t object = 0x03;
inline constexpr uint8_t movie_clip = 0x04;
inline constexpr uint8_t null = 0x05;
inline constexpr uint8_t undefined = 0x06;
inline constexpr uint8_t reference = 0x07;
inline constexpr uint8_t ecma_array = 0x08;
inline constexpr uint8_t object_end = 0x09;
inline constexpr uint8_t strict_array = 0x0A;
inline constexpr uint8_t date = 0x0B;
inline constexpr uint8_t long_string = 0x0C;
inline constexpr uint8_t unsupported = 0x0D;
inline constexpr uint8_t record_set = 0x0E;
inline constexpr uint8_t xml_document = 0x0F;
inline constexpr uint8_t typed_object = 0x10;
inline constexpr uint8_t avmplus = 0x11;

}  // namespace mmids::rtmp::amf0_marker
