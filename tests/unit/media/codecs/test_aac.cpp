// AAC framing both ways: ADTS frames lose their headers and give an AudioSpecificConfig;
// an AudioSpecificConfig gives the ADTS header of each raw frame. What ADTS cannot carry
// and what is malformed is refused with a reason.
#include "mmids-core/media/codecs/aac.hpp"

#include <catch2/catch.hpp>

using namespace mmids::media;
using Bytes = aac::Bytes;

namespace {
Bytes to_bytes(std::span<const uint8_t> span) { return {span.begin(), span.end()}; }
}  // namespace

TEST_CASE("codecs/aac: ADTS frames lose their headers and give the AudioSpecificConfig", "[media][codecs]") {
  // AAC LC (profile 1), 44.1 kHz (index 4), 2 channels, frame length 7 + 3, no CRC.
  const Bytes frame{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x5F, 0xFC, 0xAA, 0xBB, 0xCC};
  Bytes two = frame;
  two.insert(two.end(), frame.begin(), frame.end());
  auto frames = aac::split_adts(two);
  REQUIRE(frames);
  REQUIRE(frames->size() == 2);
  CHECK(to_bytes((*frames)[1].payload) == Bytes{0xAA, 0xBB, 0xCC});
  CHECK((*frames)[0].audio_specific_config == Bytes{0x12, 0x10});
  CHECK((*frames)[0].sample_rate == 44100);

  Bytes overrun = frame;
  overrun.pop_back();  // the header claims one byte more than there is
  CHECK(aac::split_adts(overrun).error() == "ADTS frame length runs past the packet");
  Bytes bad_rate = frame;
  bad_rate[2] = 0x7C;  // frequency index 15
  CHECK(aac::split_adts(bad_rate).error() == "ADTS header with a reserved sample rate");
  CHECK_FALSE(aac::split_adts(Bytes{0xFF, 0xF1, 0x50}));
}

TEST_CASE("codecs/aac: an AudioSpecificConfig gives object type, sample rate and channels", "[media][codecs]") {
  auto lc = aac::parse_audio_specific_config(Bytes{0x12, 0x10});  // LC, 44.1 kHz, stereo
  REQUIRE(lc);
  CHECK(lc->object_type == 2);
  CHECK(lc->core_object_type == 2);
  CHECK(lc->sample_rate_index == 4);
  CHECK(lc->sample_rate == 44100);
  CHECK(lc->channel_config == 2);

  auto mono_48k = aac::parse_audio_specific_config(Bytes{0x11, 0x88});  // LC, 48 kHz, mono
  REQUIRE(mono_48k);
  CHECK(mono_48k->sample_rate == 48000);
  CHECK(mono_48k->channel_config == 1);

  // HE-AAC, explicit signalling: SBR (5), core 24 kHz (6), stereo, extension 48 kHz (3), core LC.
  auto he_aac = aac::parse_audio_specific_config(Bytes{0x2B, 0x11, 0x88, 0x00});
  REQUIRE(he_aac);
  CHECK(he_aac->object_type == 5);
  CHECK(he_aac->core_object_type == 2);
  CHECK(he_aac->sample_rate == 24000);

  // Escaped object type (31 + 6 bits): 32 + 10 = 42 (USAC), 48 kHz, stereo.
  auto escaped = aac::parse_audio_specific_config(Bytes{0xF9, 0x46, 0x40});
  REQUIRE(escaped);
  CHECK(escaped->object_type == 42);
}

TEST_CASE("codecs/aac: a malformed AudioSpecificConfig is refused with a reason", "[media][codecs]") {
  CHECK(aac::parse_audio_specific_config(Bytes{}).error() == "AudioSpecificConfig truncated");
  CHECK(aac::parse_audio_specific_config(Bytes{0x12}).error() == "AudioSpecificConfig truncated");
  CHECK(aac::parse_audio_specific_config(Bytes{0x16, 0x90}).error() ==
        "AudioSpecificConfig with a reserved sample rate index");
  CHECK(aac::parse_audio_specific_config(Bytes{0x2B, 0x11}).error() == "HE-AAC AudioSpecificConfig truncated");
  CHECK(aac::parse_audio_specific_config(Bytes{0x02, 0x10}).error() == "AudioSpecificConfig with object type 0 (null)");
}

TEST_CASE("codecs/aac: the ADTS header of a raw frame is built from the AudioSpecificConfig", "[media][codecs]") {
  auto adts = aac::adts_config_from(*aac::parse_audio_specific_config(Bytes{0x12, 0x10}));
  REQUIRE(adts);
  auto header = aac::adts_header(*adts, 3);
  REQUIRE(header);
  CHECK(Bytes(header->begin(), header->end()) == Bytes{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x5F, 0xFC});

  // What the header says reads back as the same configuration and frame.
  Bytes frame(header->begin(), header->end());
  frame.insert(frame.end(), {0xAA, 0xBB, 0xCC});
  auto split = aac::split_adts(frame);
  REQUIRE(split);
  CHECK((*split)[0].audio_specific_config == Bytes{0x12, 0x10});
  CHECK((*split)[0].payload.size() == 3);

  CHECK(aac::adts_header(*adts, 8191 - 7));
  CHECK_FALSE(aac::adts_header(*adts, 8191 - 6));  // 13-bit frame length

  // HE-AAC is carried as its LC core; USAC and PCE channel layouts cannot be.
  auto he = aac::adts_config_from(*aac::parse_audio_specific_config(Bytes{0x2B, 0x11, 0x88, 0x00}));
  REQUIRE(he);
  CHECK(he->profile == 1);
  CHECK(he->sample_rate_index == 6);
  CHECK(aac::adts_config_from(*aac::parse_audio_specific_config(Bytes{0xF9, 0x46, 0x40})).error() ==
        "AAC object type 42 cannot be carried in ADTS");
  CHECK_FALSE(aac::adts_config_from(*aac::parse_audio_specific_config(Bytes{0x12, 0x00})));
}
