// Runs a libFuzzer-style target without libFuzzer (for gcc builds and CI):
// every file of the given corpus directories is fed as is, then --runs=N inputs made
// by deterministic mutations of them (and of nothing, for pure garbage). A crash, an
// abort or a sanitizer report fails the ctest test; the seed is fixed, so a failure
// repeats, and the input that failed is written to <target>-crash.bin in the working
// directory (build/tests/ under ctest) to replay and add to the corpus. Clang builds with
// MMIDS_LIBFUZZER=ON use real coverage-guided libFuzzer (scripts/fuzz.sh).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
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

// Sanitizers call this before they end the program (gcc's and clang's runtimes alike).
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace {

using Input = std::vector<uint8_t>;

// The input being run and where it goes if the run dies (set before any signal can come).
const Input* current_input = nullptr;
std::string crash_path;

// Only async-signal-safe calls: the process is dying.
void save_current_input() {
  static bool saved = false;
  if (saved || current_input == nullptr) return;
  saved = true;
  const int fd = ::open(crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    (void)!::write(fd, current_input->data(), current_input->size());
    ::close(fd);
  }
  static const char message[] = "\nfuzz: the failing input is in ";
  (void)!::write(2, message, sizeof message - 1);
  (void)!::write(2, crash_path.data(), crash_path.size());
  (void)!::write(2, "\n", 1);
}

extern "C" void on_fatal_signal(int signal_number) {
  save_current_input();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void run(const Input& input) {
  current_input = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
  current_input = nullptr;
}

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
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--runs=", 0) == 0) {
      runs = std::atol(arg.c_str() + 7);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (std::filesystem::exists(arg)) {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());  // the same order everywhere: the same mutations
  std::vector<Input> corpus;
  for (const auto& file : files) corpus.push_back(read_file(file));

  crash_path = (std::filesystem::current_path() / std::filesystem::path(argv[0]).filename()).string() + "-crash.bin";
  for (int signal_number : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(signal_number, on_fatal_signal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(save_current_input);

  for (const auto& input : corpus) run(input);
  corpus.push_back({});
  std::mt19937_64 rng(0x6d6d696473ULL);
  for (long i = 0; i < runs; ++i) run(mutate(corpus[rng() % corpus.size()], rng));
  std::printf("fuzz: %zu corpus inputs and %ld mutations ran without a crash\n", corpus.size() - 1, runs);
  return 0;
}
