#!/usr/bin/env bash
# The same RTMP fan-out as bench/fanout.sh, served by nginx-rtmp (Debian's nginx with
# libnginx-mod-rtmp, one worker process) instead of mmids: one ffmpeg publisher, N rtmpdump
# viewers. Prints the worker's CPU time and peak memory over the measured seconds, and what
# the viewers received, as bench/fanout.sh does (nginx-rtmp has no HTTP-FLV to compare).
#   bench/nginx_fanout.sh [VIEWERS=50] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
viewers="${1:-50}" seconds="${2:-20}"
source bench/common.sh
port=$(( 20000 + RANDOM % 20000 ))
cat >"$dir/nginx.conf" <<CONFIG
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
rtmp {
    access_log off;
    server {
        listen 127.0.0.1:$port;
        application live { live on; }
    }
}
CONFIG
nginx -c "$dir/nginx.conf" -p "$dir" -g "" 2>"$dir/nginx.log" &
pids+=($!)
sleep 0.5
worker=$(pgrep -P "${pids[0]}" | head -1)
publish "rtmp://127.0.0.1:$port/live/bench"
sleep 2
rtmp_viewers "rtmp://127.0.0.1:$port/live/bench" "$viewers"
sleep 2
measure "$worker" "$seconds" "$viewers" nginx_rtmp
