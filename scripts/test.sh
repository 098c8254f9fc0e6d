#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, fuzz, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh Release
ctest --test-dir build --output-on-failure -j 2 "$@"
