#!/usr/bin/env bash
# Lookup server: requests per second of mmids-lookup (memory store) on SERVER_CORE under
# keep-alive load from CLIENT_CORE: mmids-bench lookup on /watcher_lookup (200 answers
# with a pull workflow; the keys are registered first) and /publisher_lookup, and wrk on
# /watcher_lookup with the same keys as a second, independent client.
usage() {
  cat <<'USAGE'
usage: bench/lookup.sh [--connections 16] [--seconds 10] [--streams 100]
  --connections C  keep-alive connections (default 16)
  --seconds S      measured window per client (default 10; one second before it is not counted)
  --streams K      distinct stream names (default 100)
Environment: BUILD, SERVER_CORE, CLIENT_CORE, BENCH_KEEP (bench/lib.sh).
USAGE
}
source "$(dirname "$0")/lib.sh"
connections=16 seconds=10 streams=100
OPTION_NAMES="connections seconds streams"
parse_options "$@"
[[ -x "$MMIDS_LOOKUP" && -x "$MMIDS_BENCH" ]] || { echo "build mmids-lookup and mmids-bench first" >&2; exit 1; }

port=$(free_port)
spawn lookup taskset -c "$SERVER_CORE" "$MMIDS_LOOKUP" --listen "127.0.0.1:$port" --log-level warn
pid=$SPAWNED
wait_port 127.0.0.1 "$port"
for route in watcher publisher; do
  bench "lookup-$route" lookup "http://127.0.0.1:$port" -c "$connections" -d $((seconds + 1)) --warmup 1 \
    --route "$route" --streams "$streams" --pid "$pid"
done

wrk_summary=-
if command -v wrk >/dev/null; then
  cat >"$BENCH_DIR/watcher.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"stream_name": "bench-lookup-' .. (n % $streams) .. '"}')
end
LUA
  taskset -c "$CLIENT_CORE" wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$BENCH_DIR/watcher.lua" \
    "http://127.0.0.1:$port/watcher_lookup" >"$BENCH_DIR/wrk.txt" 2>&1 || true
  wrk_summary="$(awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "%s req/s, p50 %s, p99 %s, non-2xx %s", rps, p50, p99, bad ? bad : 0}' "$BENCH_DIR/wrk.txt")"
fi
rss_mib=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")

machine_note
printf '%-28s %12s %22s %10s %s\n' "client, route" "requests/s" "latency ms p50/p99" "cpu%" "statuses / errors"
for route in watcher publisher; do
  run="lookup-$route"
  printf '%-28s %12s %22s %10s %s\n' "mmids-bench, ${route}_lookup" "$(field "$run" 'd["requests_per_second"]')" \
    "$(dist "$run" latency_ms)" "$(field "$run" '100 * d["servers"][0]["cpu_seconds"] / d["window_s"]')" \
    "$(field "$run" '" ".join(k + ":" + str(v["count"]) for k, v in d["latency_ms_by_status"].items()) + (" " + str(d["errors"]) if d["errors"] else "")')"
done
echo "wrk -t1 -c$connections, watcher_lookup: $wrk_summary"
echo "mmids-lookup RSS after the runs: $rss_mib MiB"
