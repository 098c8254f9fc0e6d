#!/usr/bin/env bash
# Installs what is missing, builds two trees and runs every test (unit, fuzz replay, end
# to end) in each: build/ (Release, what ships) and build-sanitize/ (ASan + UBSan: a memory
# error, a leak at exit or undefined behaviour anywhere fails a test). Arguments go to
# both ctest runs, e.g. scripts/test.sh -R e2e.pull
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
# Each phase says how long it took, so a slow CI run shows where the time went.
phase_started=$SECONDS
phase_done() { echo "test.sh: $1 took $((SECONDS - phase_started)) s"; phase_started=$SECONDS; }
bash scripts/build.sh Release
phase_done "install and Release build"
bash scripts/build.sh Sanitize
phase_done "Sanitize build"

failed=()
ctest --test-dir build --output-on-failure -j 2 "$@" || failed+=(Release)
phase_done "Release tests"
# Every report is fatal and says where: the e2e harness also fails a test whose processes
# wrote one (tests/e2e/harness.py). LeakSanitizer runs when a program exits.
(
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_init_order=1
  export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  ctest --test-dir build-sanitize --output-on-failure -j 2 "$@"
) || failed+=(Sanitize)
phase_done "Sanitize tests"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: tests failed in: ${failed[*]}"
  exit 1
fi
echo "test.sh: every test passed in both trees (Release, Sanitize)"
