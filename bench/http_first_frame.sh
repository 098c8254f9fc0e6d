#!/usr/bin/env bash
# Time to first frame for RTMP, HTTP-FLV and HLS viewers of one live stream (ffmpeg
# viewers, each started fresh, median of RUNS), and how far HLS runs behind the publisher.
#   bench/http_first_frame.sh [RUNS=5] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}" build="${2:-build}"
source bench/node.sh
python3 bench/http_first_frame.py "$rtmp_port" "$http_port" "$publish_started" "$runs"
