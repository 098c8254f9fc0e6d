#!/usr/bin/env bash
# Installs what is missing, configures and builds mmids-cpp.
#   scripts/build.sh [Release|Debug|Sanitize]
# Build dirs: build/ (Release, the default), build-debug/, build-sanitize/. Sanitize is the
# test command's second tree: ASan + UBSan, compiled by clang at -O1 without debug info,
# which keeps its cold build short (CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
build_type="${1:-Release}"
build_dir="build"
[ "$build_type" = "Release" ] || build_dir="build-$(echo "$build_type" | tr '[:upper:]' '[:lower:]')"
compiler=()
[ "$build_type" = "Sanitize" ] && compiler=(-DCMAKE_CXX_COMPILER=clang++)
bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "${compiler[@]}" >/dev/null
# Two cores: two jobs.
cmake --build "$build_dir" -j 2
