#!/usr/bin/env bash
# Builds the fuzz targets with clang, libFuzzer, ASan and UBSan (build-fuzz/) and runs each
# for SECONDS over a working copy of its seed corpus (tests/fuzz/corpus/<target>/), each in
# one process on one core, JOBS targets at a time. New inputs that reach new code are merged back into the seed corpus
# (libFuzzer -merge=1: only those adding coverage), so the committed corpus grows but
# stays small. Stops at the first finding, prints how to reproduce it, and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: scripts/fuzz.sh [-j JOBS] [SECONDS] [TARGET...]
  JOBS      how many targets run at once (default 1)
  SECONDS   how long each target runs (default 60)
  TARGET    fuzz_<name> targets to run (default: every tests/fuzz/fuzz_*.cpp)
Builds in build-fuzz/ (clang, -DMMIDS_LIBFUZZER=ON). Findings go to build-fuzz/findings/.
Reproduce one:  build-fuzz/tests/<target> build-fuzz/findings/<target>/crash-...
After the fix, copy the input into tests/fuzz/corpus/<target>/ so ctest replays it.
EOF
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

jobs=1
if [ "${1:-}" = "-j" ]; then jobs="$2"; shift 2; fi
seconds=60
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

bash scripts/install-deps.sh
# -O1 with line tables: fast to build and to fuzz, and reports name file and line. Assertions stay on.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DMMIDS_LIBFUZZER=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
cmake --build build-fuzz -j 2 --target "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:print_stacktrace=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
# One target: fuzz, then merge what is new into the seed corpus. Writes its summary line
# to build-fuzz/<target>.summary; exits 1 on a finding.
fuzz_one() {
  local target="$1"
  local seeds="tests/fuzz/corpus/$target" work="build-fuzz/corpus/$target" findings="build-fuzz/findings/$target"
  local log="build-fuzz/$target.log"
  rm -rf "$work" "build-fuzz/$target.summary" && mkdir -p "$work" "$findings" "$seeds"
  cp -r "$seeds/." "$work/"
  echo "fuzz.sh: $target for ${seconds} s (log: $log)"
  # One process, one core: no -jobs/-fork. A finding ends the run with a non-zero status.
  if ! "build-fuzz/tests/$target" "$work" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -workers=1 -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1; then
    tail -n 60 "$log"
    local artifact
    artifact=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
    echo "fuzz.sh: $target found a problem. Reproduce it with:"
    echo "  build-fuzz/tests/$target ${artifact:-$findings/<input>}"
    return 1
  fi
  # Keep what reached new code (edges; hit counts would keep twice as many files), the
  # smallest inputs first, against what the seed corpus already reaches.
  "build-fuzz/tests/$target" -merge=1 -use_counters=0 "$seeds" "$work" >>"$log" 2>&1
  local runs files bytes
  runs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | grep -o "[0-9]*$" | tail -n 1 || true)
  files=$(find "$seeds" -type f | wc -l)
  bytes=$(du -sb "$seeds" | cut -f1)
  echo "$target: ${seconds} s, ${runs:-?} runs, nothing found; corpus $files files, $bytes bytes" \
    >"build-fuzz/$target.summary"
}

failed=0
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  [ "$failed" -eq 0 ] || break  # stop at the first finding
  fuzz_one "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
for target in "${targets[@]}"; do
  [ -f "build-fuzz/$target.summary" ] && echo "fuzz.sh: $(cat "build-fuzz/$target.summary")"
done
exit "$failed"
