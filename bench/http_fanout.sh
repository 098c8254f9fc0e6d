#!/usr/bin/env bash
# HTTP-FLV fan-out, beside bench/fanout.sh's RTMP figure: one publisher, N curl HTTP-FLV
# viewers (no decoding: the node's cost is what is measured). Prints the node's CPU time
# and peak memory over the measured seconds, and what the viewers received.
#   bench/http_fanout.sh [VIEWERS=50] [SECONDS=20] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
viewers="${1:-50}" seconds="${2:-20}" build="${3:-build}"
source bench/node.sh
for i in $(seq "$viewers"); do
  curl -s -N -o "$dir/viewer$i.flv" "http://127.0.0.1:$http_port/live/bench.flv" &
  pids+=($!)
done
sleep 2
measure "$node" "$seconds" "$viewers" mmids_http_flv
