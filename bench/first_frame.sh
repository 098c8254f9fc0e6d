#!/usr/bin/env bash
# Time to first frame, mmids and nginx-rtmp in the same run (servers on SERVER_CORE, the
# client on CLIENT_CORE):
#   warm   viewers joining, one every half second, a server already serving --viewers
#          players of one 1 Mbit/s stream (ffmpeg -c copy, GOP 1 s);
#   cold   the first viewer of a stream on a playback node: mmids' lookup + ingestion +
#          playback chain (configs/*.config), beside an nginx-rtmp edge pulling from an
#          origin; ten streams, their first viewers one per second;
#   storm  the first viewers of --streams streams arriving at once on one playback node,
#          twice: "storm-first" is the playback process's first storm (the memory it needs
#          is new to it, and each new page costs a fault); "storm" comes once every pull of
#          the first has stopped, so its streams are as cold, on a process that has served.
# The cold and storm streams are mmids-bench publishers (1 Mbit/s, GOP 1 s).
usage() {
  cat <<'USAGE'
usage: bench/first_frame.sh [--viewers 1000] [--joins 20] [--streams 50] [--parts "warm cold storm"] [--servers "mmids nginx"]
  --viewers N    players already on the server in the warm case (default 1000)
  --joins J      viewers measured joining it, 2 per second (default 20)
  --streams S    streams of the storm, one first viewer each, all at once (default 50)
  --parts LIST   which cases (default "warm cold storm")
  --servers LIST mmids and/or nginx (default both)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
viewers=1000 joins=20 streams=50 parts="warm cold storm" servers="mmids nginx"
cold_streams=10  # the cold case: first viewers of this many streams, one per second
OPTION_NAMES="viewers joins streams parts servers"
parse_options "$@"
require_programs
[[ -x "$MMIDS_LOOKUP" ]] || { echo "$MMIDS_LOOKUP is not built" >&2; exit 1; }

warm() {  # SERVER
  local base ramp=250 settle
  start_fed_relay "$1" "warm-$1"
  settle=$(( (viewers + ramp - 1) / ramp + 3 ))
  bench_background "warm-base-$1" play "$PLAY_URL" -n "$viewers" -r "$ramp" -d $((settle + joins / 2 + 10))
  base=$SPAWNED
  sleep "$settle"
  bench "warm-$1" play "$PLAY_URL" -n "$joins" -r 2 -d $((joins / 2 + 3)) --pid "$RELAY_PID"
  stop_pid "$base"
  stop_pid "$PUBLISHER_PID"
  stop_pid "$RELAY_PID"
}

cold_and_storm() {  # SERVER PARTS
  local pid publishers=()
  if [[ "$1" == mmids ]]; then start_mmids_chain "$(free_port)"; else start_nginx_chain; fi
  bench_background "cold-publishers-$1" publish "$CHAIN_INGEST/cold{n}" -n "$cold_streams" --bitrate 1000 -d 600
  publishers+=("$SPAWNED")
  bench_background "storm-publishers-$1" publish "$CHAIN_INGEST/storm{n}" -n "$streams" --bitrate 1000 -d 600
  publishers+=("$SPAWNED")
  # Probes where the playback node pulls from, so that it stays cold.
  wait_stream "$CHAIN_SOURCE/cold$((cold_streams - 1))"
  wait_stream "$CHAIN_SOURCE/storm$((streams - 1))"
  if [[ " $2 " == *" cold "* ]]; then
    bench "cold-$1" play "$CHAIN_PLAY/cold{n}" -n "$cold_streams" -r 1 -d $((cold_streams + 3)) --pid "${CHAIN_PIDS[-1]}"
  fi
  if [[ " $2 " == *" storm "* ]]; then
    bench "storm-first-$1" play "$CHAIN_PLAY/storm{n}" -n "$streams" -d 5 --pid "${CHAIN_PIDS[-1]}"
    # The pulls end idle_grace (5 s) after their last viewer: the streams are cold again.
    sleep 8
    bench "storm-$1" play "$CHAIN_PLAY/storm{n}" -n "$streams" -d 5 --pid "${CHAIN_PIDS[-1]}"
  fi
  for pid in "${publishers[@]}" "${CHAIN_PIDS[@]}"; do stop_pid "$pid"; done
}

for server in $servers; do
  [[ " $parts " == *" warm "* ]] && warm "$server"
  [[ " $parts " == *" cold "* || " $parts " == *" storm "* ]] && cold_and_storm "$server" "$parts"
done

machine_note
printf '%-11s %-6s %8s %26s %16s %12s %s\n' case server viewers "first keyframe ms p50/p90/p99/max" \
  "Play.Start p50/p99" "first SH/K/I" failures
for part in ${parts/storm/storm-first storm}; do
  for server in $servers; do
    run="$part-$server"
    printf '%-11s %-6s %8s %26s %16s %12s %s\n' "$part" "$server" "$(field "$run" 'd["players"]')" \
      "$(dist "$run" time_to_first_keyframe_ms "p50 p90 p99 max")" "$(dist "$run" time_to_play_start_ms)" \
      "$(first_video "$run")" "$(failures "$run")"
  done
done
