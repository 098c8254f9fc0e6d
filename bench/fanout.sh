#!/usr/bin/env bash
# Fan-out benchmark: one ffmpeg publisher (640x360 30 fps H.264 + AAC) into one node,
# N rtmpdump viewers (librtmp, no decoding: the node's cost is what is measured) on
# rtmp_watch. Prints the node's CPU time and peak memory over the measured seconds,
# and how many bytes each viewer received.
#   bench/fanout.sh [VIEWERS=50] [SECONDS=20] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
viewers="${1:-50}" seconds="${2:-20}" build="${3:-build}"
port=$(( 20000 + RANDOM % 20000 ))
dir=$(mktemp -d /tmp/mmids-bench-XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
cat >"$dir/node.config" <<CONFIG
settings {
    bind_address 127.0.0.1
}
workflow fanout {
    rtmp_receive rtmp_app=publish stream_key=* port=$port
    rtmp_watch rtmp_app=watch stream_key=* port=$port
}
CONFIG
"$build/apps/mmids" --config "$dir/node.config" --log-level warn >"$dir/node.log" 2>&1 &
node=$!; pids+=($node)
sleep 0.5
ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine \
  -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -b:v 1500k -c:a aac -f flv \
  "rtmp://127.0.0.1:$port/publish/bench" >"$dir/publisher.log" 2>&1 &
pids+=($!)
sleep 2
for i in $(seq "$viewers"); do
  rtmpdump -q -v -r "rtmp://127.0.0.1:$port/watch/bench" -o "$dir/viewer$i.flv" >/dev/null 2>&1 &
  pids+=($!)
done
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$node/stat"; }
start_ticks=$(ticks); start_bytes=$(cat "$dir"/viewer*.flv | wc -c)
sleep "$seconds"
end_ticks=$(ticks); end_bytes=$(cat "$dir"/viewer*.flv | wc -c)
hz=$(getconf CLK_TCK)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$node/status")
cpu=$(echo "scale=1; 100 * ($end_ticks - $start_ticks) / $hz / $seconds" | bc)
mbit=$(echo "scale=2; 8 * ($end_bytes - $start_bytes) / $seconds / 1000000" | bc)
per_viewer=$(echo "scale=2; $mbit / $viewers" | bc)
echo "viewers=$viewers seconds=$seconds node_cpu=${cpu}% node_peak_rss=${rss}KiB out=${mbit}Mbit/s per_viewer=${per_viewer}Mbit/s"
