"""The e2e harness itself: a sanitizer report in the log of any process a test started
fails that test, whatever the process's exit status, so the test command's sanitizer
tree (scripts/test.sh) turns a memory error in a node into a red test."""

import sys
import unittest

import harness

# What ASan and UBSan write when they stop a program (abbreviated real reports).
ASAN_REPORT = ("==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n"
               "READ of size 1 at 0x602000000010 thread T0\n"
               "    #0 0x55d1 in mmids::rtmp::ChunkDecoder::feed(...)\n")
UBSAN_REPORT = "mmids-core/media/tag_inspection.cpp:19:40: runtime error: left shift of negative value -1\n"


def program_printing(text, exit_code):
    """A stand-in for a node that prints `text` and exits with `exit_code`."""
    return [sys.executable, "-c", f"import sys; sys.stderr.write({text!r}); sys.exit({exit_code})"]


def verdict(output, exit_code):
    """(failed, messages) of an E2ETestCase whose only process prints `output` and exits."""
    class Inner(harness.E2ETestCase):
        def test_program(self):
            process = self.start("node", program_printing(output, exit_code))
            harness.wait_until(lambda: not process.alive(), timeout=20, message="the stand-in to exit")

    result = unittest.TestResult()
    Inner("test_program").run(result)
    problems = result.failures + result.errors
    return bool(problems), "\n".join(text for _, text in problems)


class HarnessTest(unittest.TestCase):
    def test_an_asan_report_fails_the_test_even_after_a_clean_exit(self):
        failed, messages = verdict("starting\n" + ASAN_REPORT, 0)
        self.assertTrue(failed)
        self.assertIn("a sanitizer found a bug", messages)
        self.assertIn("heap-use-after-free", messages)

    def test_an_ubsan_report_fails_the_test(self):
        failed, messages = verdict(UBSAN_REPORT, 1)
        self.assertTrue(failed)
        self.assertIn("runtime error: left shift", messages)

    def test_a_clean_log_passes(self):
        failed, messages = verdict("mmids started\n[warn] a runtime error: in prose is not a report\n", 0)
        self.assertFalse(failed, messages)


if __name__ == "__main__":
    harness.main()
