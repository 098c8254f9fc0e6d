#!/usr/bin/env bash
# HLS request rate: wrk against one HLS session's media playlist and against one segment
# (answers shared by every player: nothing is muxed or copied per request). SECONDS stays
# below the window (6 segments of 1 s), or the segment leaves it and answers 404 (non_2xx).
#   bench/http_hls_rate.sh [SECONDS=5] [CONNECTIONS=32] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}" connections="${2:-32}" build="${3:-build}"
source bench/node.sh
base="http://127.0.0.1:$http_port/live"
variant=$(curl -s "$base/bench.m3u8" | grep -v '^#')
sleep 3  # a few segments
# Keep the session present while wrk runs on the segment (it is the playlist that counts).
(while sleep 1; do curl -s -o /dev/null "$base/$variant"; done) &
pids+=($!)
for kind in playlist segment; do
  target=$variant
  # The newest segment, fetched just before: it stays in the window for the whole run.
  [ "$kind" = segment ] && target=$(curl -s "$base/$variant" | grep -v '^#' | tail -1)
  start_ticks=$(cpu_ticks "$node")
  result=$(wrk -t1 -c"$connections" -d"${seconds}s" "$base/$target")
  end_ticks=$(cpu_ticks "$node")
  cpu=$(echo "scale=1; 100 * ($end_ticks - $start_ticks) / $(getconf CLK_TCK) / $seconds" | bc)
  rate=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  latency=$(echo "$result" | awk '/Latency/ {print $2}')
  errors=$(echo "$result" | awk '/Non-2xx/ {print $5}')
  echo "$kind=${target%%\?*} requests_per_s=$rate mean_latency=$latency non_2xx=${errors:-0} node_cpu=${cpu}%" \
       "load=$(cut -d' ' -f1-3 /proc/loadavg)"
done
