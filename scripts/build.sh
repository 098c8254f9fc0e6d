#!/usr/bin/env bash
# Installs what is missing, configures and builds mmids-cpp.
#   scripts/build.sh [Release|Debug]   (default Release; build dir: build/ or build-debug/)
set -euo pipefail
cd "$(dirname "$0")/.."
build_type="${1:-Release}"
build_dir="build"
[ "$build_type" = "Release" ] || build_dir="build-$(echo "$build_type" | tr '[:upper:]' '[:lower:]')"
bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
# Two cores: two jobs.
cmake --build "$build_dir" -j 2
