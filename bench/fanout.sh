#!/usr/bin/env bash
# Fan-out: one 1 Mbit/s H.264/AAC stream (GOP 1 s, published by ffmpeg -c copy) and N
# mmids-bench players of it on one server, for mmids and nginx-rtmp in the same run. Each
# server (and each N) starts fresh, pinned to SERVER_CORE; ffmpeg and mmids-bench run on
# CLIENT_CORE. Per run: the server's CPU seconds per delivered Gbit and its RSS growth
# per player over the measured window, time to first keyframe, stalls, failures.
usage() {
  cat <<'USAGE'
usage: bench/fanout.sh [--players "250 500 1000"] [--seconds 20] [--ramp 250] [--servers "mmids nginx"]
  --players LIST   player counts, one run each (default "250 500 1000")
  --seconds S      measured window, after the players have joined (default 20)
  --ramp R         players started per second (default 250); the window opens 3 s after the last
  --servers LIST   mmids and/or nginx (default both)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
players="250 500 1000" seconds=20 ramp=250 servers="mmids nginx"
OPTION_NAMES="players seconds ramp servers"
parse_options "$@"
require_programs

run_fanout() {  # SERVER PLAYERS
  local server="$1" count="$2" warmup
  start_fed_relay "$server" "$server-$count"
  warmup=$(( (count + ramp - 1) / ramp + 3 ))
  bench "$server-$count" play "$PLAY_URL" -n "$count" -r "$ramp" -d $((warmup + seconds)) --warmup "$warmup" \
    --pid "$RELAY_PID"
  thread_cpu "$RELAY_PID" >"$BENCH_DIR/$server-$count.threads"
  stop_pid "$PUBLISHER_PID"
  stop_pid "$RELAY_PID"
}

thread_cpu() {  # PID: the CPU seconds of each of its threads since it started, busiest first
  local stat ticks=()
  for stat in /proc/"$1"/task/*/stat; do
    # Fields after the ")" that ends the name: utime and stime are the 12th and 13th.
    ticks+=("$(sed 's/.*) //' "$stat" | awk '{print $12 + $13}')")
  done
  printf '%s\n' "${ticks[@]}" | sort -rn | awk -v hz="$(getconf CLK_TCK)" \
    '$1 > 0 {printf "%s%.1f", (n++ ? " " : ""), $1 / hz} END {print ""}'
}

row() {  # SERVER PLAYERS
  local run="$1-$2"
  printf '%-6s %7s %7s %9s %8s %9s %7s %7s %9s %13s %12s %6s %8s %s\n' "$1" "$2" \
    "$(field "$run" 'd["playing"]')" "$(field "$run" 'd["full_rate_players"]')" \
    "$(field "$run" 'd["delivered_mbps"]')" "$(field "$run" 'd["servers"][0]["cpu_seconds_per_gbit"]')" \
    "$(field "$run" '100 * d["servers"][0]["cpu_seconds"] / d["window_s"]')" \
    "$(field "$run" '100 * d["servers"][0]["system_share"]')" \
    "$(field "$run" 'd["servers"][0]["rss_growth_per_client_kib"]')" \
    "$(dist "$run" time_to_first_keyframe_ms)" \
    "$(first_video "$run")" \
    "$(field "$run" 'd["stalls"]["count"]')" "$(field "$run" 'd["client"]["cpu_percent"]')" "$(failures "$run")"
}

for server in $servers; do
  for count in $players; do run_fanout "$server" "$count"; done
done
machine_note
printf '%-6s %7s %7s %9s %8s %9s %7s %7s %9s %13s %12s %6s %8s %s\n' server players playing full-rate Mbit/s \
  "s/Gbit" "cpu%" kernel% "KiB/plyr" "ttfk p50/p99" "first SH/K/I" stalls client% failures
for server in $servers; do
  for count in $players; do row "$server" "$count"; done
done
echo "CPU seconds of each server thread over the whole run (threads that used any):"
for server in $servers; do
  for count in $players; do echo "  $server $count: $(cat "$BENCH_DIR/$server-$count.threads")"; done
done
