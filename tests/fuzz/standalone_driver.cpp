// Runs a libFuzzer-style target without libFuzzer (for gcc builds and CI):
// every file of the given corpus directories is fed as is, then --runs=N inputs made
// by deterministic mutations of them (and of nothing, for pure garbage). A crash, an
// abort or a sanitizer report fails the ctest test; the seed is fixed, so a failure
// repeats. Clang builds with MMIDS_LIBFUZZER=ON use real coverage-guided libFuzzer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Input = std::vector<uint8_t>;

Input read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(in), {});
}

Input mutate(Input input, std::mt19937_64& rng) {
  auto pick = [&](size_t bound) { return bound == 0 ? 0 : static_cast<size_t>(rng() % bound); };
  int edits = 1 + static_cast<int>(pick(8));
  for (int i = 0; i < edits; ++i) {
    switch (pick(6)) {
      case 0:  // flip a bit
        if (!input.empty()) input[pick(input.size())] ^= static_cast<uint8_t>(1u << pick(8));
        break;
      case 1:  // set a byte to an interesting value
        if (!input.empty()) {
          static constexpr uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, 0x03, 0x08, 0x12};
          input[pick(input.size())] = interesting[pick(sizeof interesting)];
        }
        break;
      case 2:  // insert random bytes
        for (size_t n = pick(16), at = pick(input.size() + 1); n > 0; --n)
          input.insert(input.begin() + static_cast<long>(at), static_cast<uint8_t>(rng()));
        break;
      case 3:  // erase a range
        if (!input.empty()) {
          size_t at = pick(input.size());
          size_t n = 1 + pick(std::min<size_t>(32, input.size() - at));
          input.erase(input.begin() + static_cast<long>(at), input.begin() + static_cast<long>(at + n));
        }
        break;
      case 4:  // duplicate a range (repeats structures)
        if (!input.empty() && input.size() < 1 << 16) {
          size_t at = pick(input.size());
          size_t n = 1 + pick(std::min<size_t>(64, input.size() - at));
          Input copy(input.begin() + static_cast<long>(at), input.begin() + static_cast<long>(at + n));
          input.insert(input.begin() + static_cast<long>(pick(input.size() + 1)), copy.begin(), copy.end());
        }
        break;
      default:  // truncate
        input.resize(pick(input.size() + 1));
        break;
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 10000;
  std::vector<Input> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--runs=", 0) == 0) {
      runs = std::atol(arg.c_str() + 7);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) corpus.push_back(read_file(entry.path()));
    } else if (std::filesystem::exists(arg)) {
      corpus.push_back(read_file(arg));
    }
  }
  for (const auto& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());
  corpus.push_back({});
  std::mt19937_64 rng(0x6d6d696473ULL);
  for (long i = 0; i < runs; ++i) {
    Input input = mutate(corpus[rng() % corpus.size()], rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("fuzz: %zu corpus inputs and %ld mutations ran without a crash\n", corpus.size() - 1, runs);
  return 0;
}
