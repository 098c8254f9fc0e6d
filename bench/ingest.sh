#!/usr/bin/env bash
# Ingest: many mmids-bench publishers (each its own key, the generated H.264/AAC stream
# at a fixed bitrate) into one server, nobody watching, for mmids and nginx-rtmp in the
# same run. The server pinned to SERVER_CORE, the publishers on CLIENT_CORE. Per run: the
# server's CPU seconds per received Gbit, RSS growth per publisher, Publish.Start times,
# and how far behind the server let the publishers' queues grow.
usage() {
  cat <<'USAGE'
usage: bench/ingest.sh [--publishers 200] [--kbps 500] [--seconds 20] [--ramp 100] [--servers "mmids nginx"]
  --publishers N   publishers, one key each (default 200)
  --kbps K         each publisher's total bitrate (default 500: 436 video + 64 AAC)
  --seconds S      measured window, after every publisher has started (default 20)
  --ramp R         publishers started per second (default 100)
  --servers LIST   mmids and/or nginx (default both)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
publishers=200 kbps=500 seconds=20 ramp=100 servers="mmids nginx"
OPTION_NAMES="publishers kbps seconds ramp servers"
parse_options "$@"
require_programs

for server in $servers; do
  start_relay "$server" "$server"
  pid=$RELAY_PID
  warmup=$(( (publishers + ramp - 1) / ramp + 3 ))
  bench "ingest-$server" publish "$RELAY_PUBLISH/ingest{n}" -n "$publishers" --bitrate "$kbps" -r "$ramp" \
    -d $((warmup + seconds)) --warmup "$warmup" --pid "$pid"
  stop_pid "$pid"
done

machine_note
printf '%-6s %10s %10s %8s %9s %7s %8s %9s %15s %16s %8s %s\n' server publishers publishing Mbit/s "s/Gbit" "cpu%" kernel% \
  "KiB/pub" "start p50/p99" "backlog KiB p99" client% failures
for server in $servers; do
  run="ingest-$server"
  printf '%-6s %10s %10s %8s %9s %7s %8s %9s %15s %16s %8s %s\n' "$server" "$publishers" \
    "$(field "$run" 'd["publishing"]')" "$(field "$run" 'd["sent_mbps"]')" \
    "$(field "$run" 'd["servers"][0]["cpu_seconds_per_gbit"]')" \
    "$(field "$run" '100 * d["servers"][0]["cpu_seconds"] / d["window_s"]')" \
    "$(field "$run" '100 * d["servers"][0]["system_share"]')" \
    "$(field "$run" 'd["servers"][0]["rss_growth_per_client_kib"]')" \
    "$(dist "$run" time_to_publish_start_ms)" "$(field "$run" 'd["max_backlog_kib"]["p99"]')" \
    "$(field "$run" 'd["client"]["cpu_percent"]')" "$(failures "$run")"
done
