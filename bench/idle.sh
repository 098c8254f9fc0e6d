#!/usr/bin/env bash
# Idle connections: N TCP connections to the RTMP port that never send a byte (not even
# the handshake), what each costs the server in resident memory; mmids and nginx-rtmp in
# the same run, the server on SERVER_CORE, mmids-bench idle on CLIENT_CORE. The memory
# is read while every connection is still open: mmids closes an unhandshaken connection
# after its connect timeout (10 s), so the run opens them all and samples within 7 s.
usage() {
  cat <<'USAGE'
usage: bench/idle.sh [--connections 5000] [--servers "mmids nginx"]
  --connections N  idle connections (default 5000; the open-file limit is raised for them)
  --servers LIST   mmids and/or nginx (default both)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
connections=5000 servers="mmids nginx"
OPTION_NAMES="connections servers"
parse_options "$@"
require_programs
# Every connection is a descriptor on both sides; servers and the client inherit this.
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) > connections + 100 )) || { echo "open-file limit $(ulimit -n) is too low" >&2; exit 1; }
ramp=$(( connections / 4 + 1 ))  # all open within 4 s

for server in $servers; do
  start_relay "$server" "$server"
  pid=$RELAY_PID
  sleep 1  # the server's own start-up allocations settle
  address="${RELAY_PLAY#rtmp://}"
  bench "idle-$server" idle "${address%%/*}" -n "$connections" -r "$ramp" -d 6 --pid "$pid"
  stop_pid "$pid"
done

machine_note
printf '%-6s %11s %7s %14s %12s %13s %s\n' server connections opened "RSS start MiB" "RSS end MiB" "KiB/connection" \
  failures
for server in $servers; do
  run="idle-$server"
  printf '%-6s %11s %7s %14s %12s %13s %s\n' "$server" "$connections" "$(field "$run" 'd["opened"]')" \
    "$(field "$run" 'd["servers"][0]["rss_start_kib"] / 1024')" "$(field "$run" 'd["servers"][0]["rss_end_mib"]')" \
    "$(field "$run" 'd["servers"][0]["rss_growth_per_client_kib"]')" "$(failures "$run")"
done
