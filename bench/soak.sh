#!/usr/bin/env bash
# Soak: a local cluster under churn for MINUTES, sampled for leaks (issue 13, part 6).
# mmids-lookup, 2 ingestion and PLAYBACK playback nodes from configs/*.config on their own
# 127.0.77.x addresses; STREAMS publishers (mmids-bench publish) that end after a random
# 40-120 s and reconnect to the other ingestion node; VIEWERS viewers (mmids-bench play,
# one process each) that each live a random 10-60 s on a random playback node and stream,
# then a new one starts (bench/soak_load.py). Every INTERVAL seconds bench/soak_sample.py
# writes a CSV row: every process's RSS, open FDs and threads (/proc), every node's viewers
# (/metrics mmids_viewers) and pull workflows (GET /workflows), the lookup server's streams.
# At the end: no new viewers, the running ones leave by themselves, the idle grace passes
# (pulls must be gone), then the publishers stop (FDs must be back to the baseline taken
# before any client). bench/soak_report.py prints the summary; exit 1 on a leak (FDs above
# baseline, a pull left, a process died).
usage() {
  cat <<'USAGE'
usage: bench/soak.sh MINUTES [--viewers 200] [--streams 4] [--playback 2] [--kbps 400] [--interval 10]
                             [--warmup 60] [--idle-grace 5] [--fd-slack 0]
  MINUTES          how long the load runs (publishers and churning viewers)
  --viewers N      viewers alive at once (default 200)
  --streams K      publishers, one stream each (default 4; the last one gets few viewers, so
                   its pulls stop and start during the run)
  --playback N     playback nodes, 1 or 2 (default 2)
  --kbps K         each publisher's bitrate (default 400)
  --interval S     seconds between samples (default 10)
  --warmup S       seconds of the load left out of the RSS slope (default 60)
  --idle-grace S   the playback nodes' idle_grace (default 5)
  --fd-slack N     FDs above baseline still counted as no leak (default 0)
Environment: BUILD (default build), BENCH_KEEP=1 keeps the directory with the CSV, the
load's totals and every log (its path is printed either way; the CSV and summary are copied
to SOAK_OUT, default /tmp/mmids-soak-<date>). Processes are not pinned to a core.
USAGE
}
if [[ $# -lt 1 || "$1" == -* ]]; then
  [[ "${1:-}" == -h || "${1:-}" == --help ]] && { usage; exit 0; }
  usage >&2
  exit 2
fi
minutes="$1"; shift
SERVER_CORE="${SERVER_CORE:-0-$(( $(nproc) - 1 ))}" CLIENT_CORE="${CLIENT_CORE:-0-$(( $(nproc) - 1 ))}"
source "$(dirname "$0")/lib.sh"
viewers=200 streams=4 playback=2 kbps=400 interval=10 warmup=60 idle_grace=5 fd_slack=0
OPTION_NAMES="viewers streams playback kbps interval warmup idle_grace fd_slack"
parse_options "$@"
[[ "$playback" == 1 || "$playback" == 2 ]] || { echo "soak: --playback is 1 or 2" >&2; exit 2; }
for program in "$MMIDS" "$MMIDS_LOOKUP" "$MMIDS_BENCH"; do
  [[ -x "$program" ]] || { echo "$program is not built (cmake --build $BUILD)" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 200 viewers and their pulls on loopback
out="${SOAK_OUT:-/tmp/mmids-soak-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
phase_file="$BENCH_DIR/phase" status_file="$BENCH_DIR/load-status.json" csv="$BENCH_DIR/soak.csv"
phase() { echo "$1" >"$phase_file"; echo "# $(date -u +%H:%M:%S) phase $1" >&2; }
phase starting

# Addresses of their own (127.0.77.x) and ports the OS says are free: nothing collides with
# tests run beside the soak.
net=127.0.77 rtmp_port=$(free_port) http_port=$(free_port) lookup_port=$(free_port)
lookup_url="http://$net.10:$lookup_port"
spawn lookup "$MMIDS_LOOKUP" --config "$BENCH_ROOT/configs/lookup.toml" --listen "$net.10:$lookup_port" \
  --rtmp-port "$rtmp_port" --publisher-ttl 30 --log-level info
lookup_pid=$SPAWNED
wait_port "$net.10" "$lookup_port"

processes=(--process "lookup=$lookup_pid") nodes=() ingest=() play=()
node() {  # node ROLE NAME ADDRESS: one node of configs/ROLE.config
  local api_port
  api_port=$(free_port)
  spawn "$2" env MMIDS_BIND_ADDRESS="$3" MMIDS_API_ADDRESS="$3" MMIDS_API_PORT="$api_port" \
    MMIDS_LOOKUP_URL="$lookup_url" MMIDS_RTMP_PORT="$rtmp_port" MMIDS_HTTP_PORT="$http_port" \
    MMIDS_PUBLISHER_REFRESH=10 MMIDS_IDLE_GRACE="$idle_grace" MMIDS_WRITE_BATCH_MS="${MMIDS_WRITE_BATCH_MS:-100}" MMIDS_READ_BATCH_MS="${MMIDS_READ_BATCH_MS:-20}" \
    "$MMIDS" --config "$BENCH_ROOT/configs/$1.config" --log-level info
  processes+=(--process "$2=$SPAWNED")
  nodes+=(--node "$2=http://$3:$api_port")
  wait_port "$3" "$rtmp_port"
  wait_port "$3" "$api_port"
}
for i in 1 2; do
  node ingestion "ingest$i" "$net.1$i"
  ingest+=("rtmp://$net.1$i:$rtmp_port/ingest")
done
for i in $(seq "$playback"); do
  node playback "play$i" "$net.2$i"
  play+=("rtmp://$net.2$i:$rtmp_port/live")
done

phase baseline
spawn sampler python3 "$BENCH_ROOT/bench/soak_sample.py" --out "$csv" --interval "$interval" "${processes[@]}" \
  "${nodes[@]}" --lookup "$lookup_url" --status "$status_file" --phase "$phase_file"
sampler_pid=$SPAWNED
sleep "$(( interval < 5 ? 5 : interval ))"
kill -USR1 "$sampler_pid"  # the baseline row
sleep 1

phase load
spawn load python3 "$BENCH_ROOT/bench/soak_load.py" --bench "$MMIDS_BENCH" --out "$BENCH_DIR/clients" \
  --status "$status_file" --ingest "${ingest[@]}" --play "${play[@]}" --streams "$streams" --kbps "$kbps" \
  --viewers "$viewers"
load_pid=$SPAWNED
end=$(( $(date +%s) + minutes * 60 ))
while [[ $(date +%s) -lt $end ]]; do
  kill -0 "$load_pid" 2>/dev/null || { echo "soak: the load driver ended early; see $BENCH_DIR/load.log" >&2; break; }
  sleep 1
done

viewers_alive() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("viewers_alive", 0))' "$status_file" \
    2>/dev/null || echo 0
}
phase drain
kill -USR1 "$load_pid" 2>/dev/null || true  # no new viewers; the running ones end at their lifetime
for _ in $(seq 90); do
  sleep 1
  [[ "$(viewers_alive)" == 0 ]] && break
done
# Every viewer has left: the pulls must end after the idle grace (and the reactor's forget).
phase idle
sleep "$(( idle_grace + 10 ))"
kill -USR1 "$sampler_pid"
sleep 2

phase stopped
kill -USR2 "$load_pid" 2>/dev/null || true  # the publishers stop
sleep 15  # unpublish grace, the lookup's DELETE, closed sockets
kill -USR1 "$sampler_pid"
sleep 2
stop_pid "$load_pid"
stop_pid "$sampler_pid"
cp "$status_file" "$out/load-status.json"
cp "$csv" "$out/soak.csv"
for log in "$BENCH_DIR"/{lookup,ingest*,play*}.log; do
  name=$(basename "$log" .log)
  echo "$name: $(grep -c . "$log") log lines, $(grep -cE ' (warning|error|critical) ' "$log") warning/error," \
    "pull starts $(grep -c 'pull of .* started' "$log"), pull ends $(grep -c 'pull of .* ended' "$log")"
  { grep -E ' (error|critical) ' "$log" || true; } | head -5 | sed 's/^/    /'
done | tee "$out/logs.txt"
if [[ "${BENCH_KEEP:-0}" == 1 ]]; then cp "$BENCH_DIR"/*.log "$out/"; fi

machine_note | tee "$out/summary.txt"
echo "# bench/soak.sh $minutes --viewers $viewers --streams $streams --playback $playback --kbps $kbps" | tee -a "$out/summary.txt"
status=0
python3 "$BENCH_ROOT/bench/soak_report.py" "$csv" "$status_file" --warmup "$warmup" --fd-slack "$fd_slack" \
  ${SOAK_MARKDOWN:+--markdown} | tee -a "$out/summary.txt" || status=1  # pipefail: the report's status
echo "CSV and summary: $out"
exit "$status"
