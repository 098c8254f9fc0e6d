#!/usr/bin/env bash
# Fan-out benchmark: one ffmpeg publisher (640x360 30 fps H.264 + AAC) into one node,
# N rtmpdump viewers (librtmp, no decoding: the node's cost is what is measured) on
# rtmp_watch. Prints the node's CPU time and peak memory over the measured seconds,
# and how many bytes the viewers received.
#   bench/fanout.sh [VIEWERS=50] [SECONDS=20] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
viewers="${1:-50}" seconds="${2:-20}" build="${3:-build}"
source bench/node.sh
rtmp_viewers "rtmp://127.0.0.1:$rtmp_port/live/bench" "$viewers"
sleep 2
measure "$node" "$seconds" "$viewers" mmids_rtmp
