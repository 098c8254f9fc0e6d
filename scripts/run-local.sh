#!/usr/bin/env bash
# Installs what is missing, builds, and runs a local mmids node from
# configs/single-node.config with a test publisher (ffmpeg) streaming into it.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh Release

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

./build/apps/mmids --config configs/single-node.config &
pids+=($!)
sleep 1
ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine \
  -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -c:a aac -f flv rtmp://127.0.0.1/publish/test &
pids+=($!)
cat <<TXT

mmids is running.
  watch:     ffplay rtmp://127.0.0.1/watch/test
  workflows: curl http://127.0.0.1:9011/workflows
Ctrl-C stops it.
TXT
wait -n "${pids[@]}"
