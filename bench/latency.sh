#!/usr/bin/env bash
# Added latency per hop. mmids-bench publish stamps each generated video frame with its
# send time (an SEI NAL unit servers relay untouched); mmids-bench play reads the stamp on
# arrival (one machine, one clock) and reports how long the frame took. Paths:
#   mmids  1 hop   publisher -> node -> players
#   mmids  2 hops  publisher -> ingestion node -> playback node (a pull) -> players
#   nginx  1 hop   publisher -> nginx-rtmp -> players
#   nginx  2 hops  publisher -> nginx-rtmp origin -> edge (pull) -> players
# A hop's cost is the 2-hop figure minus the 1-hop one. Servers on SERVER_CORE, the
# publisher and players on CLIENT_CORE.
usage() {
  cat <<'USAGE'
usage: bench/latency.sh [--players 10] [--seconds 20] [--kbps 1000] [--servers "mmids nginx"]
  --players N    players on each path (default 10)
  --seconds S    measured window (default 20; 5 s before it are not counted)
  --kbps K       the stamped stream's bitrate (default 1000, GOP 1 s, 30 fps)
  --servers LIST mmids and/or nginx (default both)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
players=10 seconds=20 kbps=1000 servers="mmids nginx"
OPTION_NAMES="players seconds kbps servers"
parse_options "$@"
require_programs
warmup=5

measure() {  # RUN PUBLISH_URL PLAY_URL PROBE_URL
  local publisher
  bench_background "$1-publisher" publish "$2" --bitrate "$kbps" -d 600
  publisher=$SPAWNED
  wait_stream "$4"
  bench "$1" play "$3" -n "$players" -d $((warmup + seconds)) --warmup "$warmup"
  stop_pid "$publisher"
}

for server in $servers; do
  start_relay "$server" "$server-1"
  measure "$server-1" "$RELAY_PUBLISH/lat" "$RELAY_PLAY/lat" "$RELAY_PLAY/lat"
  stop_pid "$RELAY_PID"
  if [[ "$server" == mmids ]]; then start_mmids_chain "$(free_port)"; else start_nginx_chain; fi
  measure "$server-2" "$CHAIN_INGEST/lat" "$CHAIN_PLAY/lat" "$CHAIN_SOURCE/lat"
  for pid in "${CHAIN_PIDS[@]}"; do stop_pid "$pid"; done
done

machine_note
printf '%-6s %5s %9s %30s %22s %s\n' server hops samples "latency ms p50/p90/p99/max" "added per hop p50/p99" \
  failures
for server in $servers; do
  for hops in 1 2; do
    run="$server-$hops"
    added=-
    if [[ $hops == 2 ]]; then
      added="$(python3 - "$BENCH_DIR/$server-1.json" "$BENCH_DIR/$run.json" <<'PY'
import json, sys
try:
    one, two = (json.load(open(p))["latency_ms"] for p in sys.argv[1:])
    print(f"{two['p50'] - one['p50']:.2f}/{two['p99'] - one['p99']:.2f}")
except (OSError, ValueError, KeyError):
    print("-")
PY
)"
    fi
    printf '%-6s %5s %9s %30s %22s %s\n' "$server" "$hops" "$(field "$run" 'd["latency_ms"]["count"]')" \
      "$(dist "$run" latency_ms "p50 p90 p99 max")" "$added" "$(failures "$run")"
  done
done
