# bench/lib.sh: what every scenario script shares (sourced, not run). Servers start
# pinned to SERVER_CORE, the client (mmids-bench, ffmpeg) to CLIENT_CORE; every process
# started here is remembered and killed by its PID when the script exits.
#
# Environment: BUILD (default build), SERVER_CORE (0), CLIENT_CORE (1), BENCH_KEEP=1 keeps
# the temporary directory (logs, JSON of every run), BENCH_CACHE (where the encoded clip
# is kept between runs, default /tmp/mmids-bench-cache), MMIDS_WRITE_BATCH_MS and
# MMIDS_READ_BATCH_MS (every mmids node's write_batch_ms and read_batch_ms; unset: the
# defaults), MMIDS_WORKER_THREADS (the relay's
# worker_threads; unset: the default, one per core).

set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$BENCH_ROOT/build}"
SERVER_CORE="${SERVER_CORE:-0}"
CLIENT_CORE="${CLIENT_CORE:-1}"
BENCH_CACHE="${BENCH_CACHE:-/tmp/mmids-bench-cache}"
MMIDS="$BUILD/apps/mmids"
MMIDS_LOOKUP="$BUILD/apps/mmids-lookup"
MMIDS_BENCH="$BUILD/apps/mmids-bench"
NGINX_RTMP_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so

BENCH_DIR="$(mktemp -d /tmp/mmids-bench-XXXXXX)"
BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.3
  for pid in "${BENCH_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $BENCH_DIR" >&2; else rm -rf "$BENCH_DIR"; fi
}
trap bench_cleanup EXIT

# parse_options "$@": every --some-name VALUE sets $some_name, for the names listed in
# $OPTION_NAMES (their defaults set before); -h/--help prints usage(); anything else is
# an error.
parse_options() {
  local name
  while [[ $# -gt 0 ]]; do
    name="${1#--}" name="${name//-/_}"
    if [[ "$1" == -h || "$1" == --help ]]; then
      usage
      exit 0
    elif [[ "$1" == --* && " $OPTION_NAMES " == *" $name "* && $# -ge 2 ]]; then
      printf -v "$name" '%s' "$2"
      shift 2
    else
      usage >&2
      exit 2
    fi
  done
}

require_programs() {
  local program
  for program in "$MMIDS" "$MMIDS_BENCH"; do
    [[ -x "$program" ]] || { echo "$program is not built (cmake --build $BUILD)" >&2; exit 1; }
  done
  [[ -f "$NGINX_RTMP_MODULE" ]] || { echo "nginx-rtmp is missing: apt-get install nginx libnginx-mod-rtmp" >&2; exit 1; }
  for program in ffmpeg taskset python3; do
    command -v "$program" >/dev/null || { echo "$program is missing" >&2; exit 1; }
  done
}

# spawn NAME COMMAND...: runs COMMAND in the background, output in $BENCH_DIR/NAME.log;
# its PID is in $SPAWNED.
spawn() {
  local name="$1"; shift
  "$@" >"$BENCH_DIR/$name.log" 2>&1 &
  SPAWNED=$!
  BENCH_PIDS+=("$SPAWNED")
}

# stop_pid PID: ends one process this script started, and waits for it.
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {  # HOST PORT
  for _ in $(seq 100); do
    if python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2)' "$1" "$2" \
      2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on $1:$2" >&2
  exit 1
}

# start_mmids NAME CONFIG_FILE [VAR=VALUE...]: an mmids node on SERVER_CORE, the
# variables in its environment (the role configs read theirs); PID in $SPAWNED.
start_mmids() {
  local name="$1" config="$2"; shift 2
  spawn "$name" env "$@" taskset -c "$SERVER_CORE" "$MMIDS" --config "$config" --log-level warn
}

# relay_config PORT: the path of a node config that takes publishers on /publish and
# serves players on /watch.
relay_config() {
  local path="$BENCH_DIR/relay-$1.config"
  cat >"$path" <<CONFIG
settings {
    bind_address 127.0.0.1
    write_batch_ms ${MMIDS_WRITE_BATCH_MS:-100}
    read_batch_ms ${MMIDS_READ_BATCH_MS:-20}
${MMIDS_WORKER_THREADS:+    worker_threads $MMIDS_WORKER_THREADS}
    # Every player and the publisher come from 127.0.0.1: above the default of 1000.
    max_connections_per_address 20000
}
workflow relay {
    rtmp_receive rtmp_app=publish stream_key=* port=$1
    rtmp_watch rtmp_app=watch stream_key=* port=$1
}
CONFIG
  echo "$path"
}

# start_mmids_chain PORT: mmids-lookup, an ingestion node and a playback node from
# configs/ingestion.config and configs/playback.config, each on its own 127.0.N.x address
# as tests/e2e/cluster.py runs them, all on SERVER_CORE. Sets CHAIN_INGEST (publishers'
# URL prefix), CHAIN_PLAY (players'), CHAIN_SOURCE (where the playback node pulls from:
# a probe there does not warm the playback node), CHAIN_PIDS (lookup, ingestion, playback).
start_mmids_chain() {
  local port="$1" net=$(( 50 + $$ % 150 )) lookup_port
  local lookup_host="127.0.$net.10" ingest_host="127.0.$net.11" play_host="127.0.$net.21"
  lookup_port=$(free_port)
  spawn chain-lookup taskset -c "$SERVER_CORE" "$MMIDS_LOOKUP" --listen "$lookup_host:$lookup_port" \
    --rtmp-port "$port" --log-level warn
  CHAIN_PIDS=("$SPAWNED")
  wait_port "$lookup_host" "$lookup_port"
  local role host
  for role in ingestion playback; do
    host=$ingest_host
    [[ $role == playback ]] && host=$play_host
    start_mmids "chain-$role" "$BENCH_ROOT/configs/$role.config" MMIDS_BIND_ADDRESS="$host" \
      MMIDS_API_ADDRESS="$host" MMIDS_API_PORT="$(free_port)" MMIDS_LOOKUP_URL="http://$lookup_host:$lookup_port" \
      MMIDS_RTMP_PORT="$port" MMIDS_IDLE_GRACE=5
    CHAIN_PIDS+=("$SPAWNED")
    wait_port "$host" "$port"
  done
  CHAIN_INGEST="rtmp://$ingest_host:$port/ingest" CHAIN_PLAY="rtmp://$play_host:$port/live"
  CHAIN_SOURCE="rtmp://$ingest_host:$port/pull_source"
}

# start_nginx_chain: an nginx-rtmp origin and an edge that pulls from it on demand (the
# nearest nginx-rtmp has to a playback node). Sets CHAIN_INGEST, CHAIN_PLAY, CHAIN_SOURCE,
# CHAIN_PIDS.
start_nginx_chain() {
  local origin_port edge_port
  origin_port=$(free_port)
  start_nginx nginx-origin "$origin_port"
  CHAIN_PIDS=("$SPAWNED")
  edge_port=$(free_port)
  start_nginx nginx-edge "$edge_port" "rtmp://127.0.0.1:$origin_port/live"
  CHAIN_PIDS+=("$SPAWNED")
  wait_port 127.0.0.1 "$origin_port"
  wait_port 127.0.0.1 "$edge_port"
  CHAIN_INGEST="rtmp://127.0.0.1:$origin_port/live" CHAIN_PLAY="rtmp://127.0.0.1:$edge_port/live"
  CHAIN_SOURCE="$CHAIN_INGEST"
}

# start_relay SERVER NAME: one server, mmids (relay_config) or nginx, on a free port of
# 127.0.0.1, ready. Sets RELAY_PID, RELAY_PUBLISH and RELAY_PLAY (URL prefixes to which
# a stream key is appended: /publish and /watch for mmids, /live for both with nginx).
start_relay() {
  local port
  port=$(free_port)
  if [[ "$1" == mmids ]]; then
    start_mmids "$2" "$(relay_config "$port")"
    RELAY_PUBLISH="rtmp://127.0.0.1:$port/publish" RELAY_PLAY="rtmp://127.0.0.1:$port/watch"
  else
    start_nginx "$2" "$port"
    RELAY_PUBLISH="rtmp://127.0.0.1:$port/live" RELAY_PLAY="$RELAY_PUBLISH"
  fi
  RELAY_PID=$SPAWNED
  wait_port 127.0.0.1 "$port"
}

# start_fed_relay SERVER NAME: start_relay, and the ffmpeg publisher of the clip on key
# "bench", live. Sets the RELAY_* variables, PLAY_URL (the stream's) and PUBLISHER_PID.
start_fed_relay() {
  start_relay "$1" "$2"
  start_ffmpeg_publisher "$2-publisher" "$RELAY_PUBLISH/bench"
  PUBLISHER_PID=$SPAWNED PLAY_URL="$RELAY_PLAY/bench"
  wait_stream "$PLAY_URL"
}

# start_nginx NAME PORT [PULL_URL]: nginx-rtmp (worker_processes 1, no master, no daemon:
# the PID is the one worker) on SERVER_CORE, application "live"; with PULL_URL an edge
# that pulls from there when its first player arrives. PID in $SPAWNED.
start_nginx() {
  local name="$1" port="$2" pull="${3:-}" prefix="$BENCH_DIR/$1"
  mkdir -p "$prefix/logs"
  cat >"$prefix/nginx.conf" <<CONF
load_module $NGINX_RTMP_MODULE;
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 20000; }
rtmp {
    server {
        listen 127.0.0.1:$port;
        application live {
            live on;
            ${pull:+pull $pull;}
        }
    }
}
CONF
  spawn "$name" taskset -c "$SERVER_CORE" nginx -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/nginx.conf"
}

# The clip every fan-out publisher sends: 1 Mbit/s H.264 (GOP 1 s, 30 fps, 640x360) + AAC,
# encoded once and cached; `ffmpeg -c copy` then costs the client core almost nothing.
clip_path() {
  local clip="$BENCH_CACHE/clip-1mbps-gop1.flv"
  if [[ ! -s "$clip" ]]; then
    mkdir -p "$BENCH_CACHE"
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440 \
      -t 30 -c:v libx264 -preset veryfast -profile:v main -b:v 900k -maxrate 1000k -bufsize 1000k \
      -g 30 -keyint_min 30 -sc_threshold 0 -c:a aac -b:a 96k -f flv "$clip.tmp" && mv "$clip.tmp" "$clip"
  fi
  echo "$clip"
}

# start_ffmpeg_publisher NAME URL: the clip, looped, in real time, on CLIENT_CORE.
start_ffmpeg_publisher() {
  spawn "$1" taskset -c "$CLIENT_CORE" ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$(clip_path)" \
    -c copy -f flv "$2"
}

# bench NAME ARGS...: mmids-bench on CLIENT_CORE, its JSON summary in $BENCH_DIR/NAME.json.
bench() {
  local name="$1"; shift
  taskset -c "$CLIENT_CORE" "$MMIDS_BENCH" "$@" --json >"$BENCH_DIR/$name.json" 2>"$BENCH_DIR/$name.log"
}

# bench_background NAME ARGS...: the same, in the background (PID in $SPAWNED).
bench_background() {
  local name="$1"; shift
  taskset -c "$CLIENT_CORE" "$MMIDS_BENCH" "$@" --json >"$BENCH_DIR/$name.json" 2>"$BENCH_DIR/$name.log" &
  SPAWNED=$!  # taskset execs mmids-bench: the same PID
  BENCH_PIDS+=("$SPAWNED")
}

# wait_stream URL: until a player gets a keyframe of URL (the publisher is live).
wait_stream() {
  local probe
  for probe in $(seq 20); do
    if taskset -c "$CLIENT_CORE" "$MMIDS_BENCH" play "$1" -n 1 -d 1.5 --timeout 1000 --json 2>/dev/null |
      python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["time_to_first_keyframe_ms"]["count"] else 1)'; then
      return 0
    fi
    sleep 0.5
  done
  echo "no stream at $1" >&2
  exit 1
}

# field NAME EXPRESSION: a value of run NAME's JSON summary, e.g.
#   field fanout-500 'd["servers"][0]["cpu_seconds_per_gbit"]'
# (d is the summary; fmt(x) writes a number as the tables do). "-" when absent.
field() {
  python3 - "$BENCH_DIR/$1.json" "$2" <<'PY'
import json, sys
def fmt(x):
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"
try:
    d = json.load(open(sys.argv[1]))
    value = eval(sys.argv[2], {"d": d, "fmt": fmt})
except (OSError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError):
    value = None
print("-" if value is None else fmt(value) if isinstance(value, float) else value)
PY
}

# dist RUN KEY [PERCENTILES]: "p50/p99" (or the percentiles named, e.g. "p50 p90 p99
# max") of distribution KEY of run RUN (e.g. time_to_first_keyframe_ms).
dist() {
  local keys="${3:-p50 p99}"
  field "$1" "'/'.join(fmt(d['$2'][k]) for k in '$keys'.split()) if d['$2']['count'] else None"
}

# failures RUN: "cause:count,..." or "-".
failures() {
  field "$1" '",".join("%s:%d" % kv for kv in d["failures"].items()) or None'
}

# first_video RUN: how many players' first video message was a sequence header, a
# keyframe, an interframe ("SH/K/I").
first_video() {
  field "$1" '"/".join(str(d["first_video"].get(k, 0)) for k in ("sequence_header", "keyframe", "interframe"))'
}

# The machine and its load, printed above every table (figures depend on both).
machine_note() {
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores," \
    "kernel $(uname -r); load average$(uptime | sed 's/.*load average//')"
}
