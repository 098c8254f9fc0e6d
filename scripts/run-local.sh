#!/usr/bin/env bash
# Installs what is missing, builds, and runs a whole cluster on this machine:
# a lookup server, ingestion and playback nodes on their own 127.0.x.y addresses, and a
# test publisher (ffmpeg) per stream. Prints where to watch (RTMP, and browser URLs: each
# playback node serves HLS, HTTP-FLV and a player page on port 8080); Ctrl-C stops all of it.
#
#   scripts/run-local.sh [--ingestion N] [--playback N] [--streams N] [--viewers N]
#                        [--duration SECONDS] [--no-build]
#
#   --ingestion N   ingestion nodes (default 2), at 127.0.1.1, 127.0.1.2, ...
#   --playback N    playback nodes (default 2), at 127.0.2.1, 127.0.2.2, ...
#   --streams N     test publishers (default 2): stream1 into ingestion 1, stream2 into 2, ...
#   --viewers N     ffplay viewers to start (default 0), spread over streams and playback
#                   nodes (windowless when there is no display)
#   --duration S    stop by itself after S seconds (default: run until Ctrl-C)
#   --no-build      use the programs already in build/
set -euo pipefail
cd "$(dirname "$0")/.."

ingestion=2 playback=2 streams=2 viewers=0 duration=0 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --ingestion) ingestion="$2"; shift 2 ;;
    --playback) playback="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --viewers) viewers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-local: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

[ "$build" = 1 ] && bash scripts/build.sh Release
bin="${MMIDS_BIN_DIR:-$PWD/build/apps}"  # programs (tests point it at their build)
run_dir="$(mktemp -d /tmp/mmids-local-XXXXXX)"
lookup_address=127.0.0.10
lookup_port=8080
pids=()

cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping the cluster (logs kept in $run_dir)"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {  # start NAME COMMAND...: runs in the background, output in $run_dir/NAME.log
  local name="$1"; shift
  "$@" >"$run_dir/$name.log" 2>&1 &
  pids+=($!)
}

wait_for_port() {  # wait_for_port HOST PORT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run-local: nothing listens on $1:$2; see $run_dir" >&2
  exit 1
}

start lookup "$bin/mmids-lookup" --config configs/lookup.toml --listen "$lookup_address:$lookup_port" \
  --publisher-ttl 30
wait_for_port "$lookup_address" "$lookup_port"

node() {  # node ROLE INDEX ADDRESS
  MMIDS_BIND_ADDRESS="$3" MMIDS_API_ADDRESS="$3" MMIDS_LOOKUP_URL="http://$lookup_address:$lookup_port" \
    MMIDS_PUBLISHER_REFRESH=10 MMIDS_NODE_NAME="$1-$2" MMIDS_REPORT_INTERVAL=5 start "$1-$2" "$bin/mmids" --config "configs/$1.config"
}
for i in $(seq "$ingestion"); do node ingestion "$i" "127.0.1.$i"; done
for i in $(seq "$playback"); do node playback "$i" "127.0.2.$i"; done
for i in $(seq "$ingestion"); do wait_for_port "127.0.1.$i" 1935; done
for i in $(seq "$playback"); do wait_for_port "127.0.2.$i" 1935; wait_for_port "127.0.2.$i" 8080; done

for s in $(seq "$streams"); do
  target="127.0.1.$(( (s - 1) % ingestion + 1 ))"
  start "publisher-stream$s" ffmpeg -hide_banner -nostats -loglevel warning -re \
    -f lavfi -i "testsrc2=size=640x360:rate=30" -f lavfi -i "sine=frequency=$((300 + 100 * s))" \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -c:a aac -f flv "rtmp://$target/ingest/stream$s"
done

# Viewers only once the lookup server knows every stream (else they would be refused).
for s in $(seq "$streams"); do
  i=$(( (s - 1) % ingestion + 1 ))
  for _ in $(seq 100); do
    grep -q "stream=stream$s\] publishing" "$run_dir/ingestion-$i.log" && break
    sleep 0.1
  done
done

for v in $(seq "$viewers"); do
  s=$(( (v - 1) % streams + 1 ))
  p=$(( (v - 1) / streams % playback + 1 ))
  if [ -n "${DISPLAY:-}" ]; then
    start "viewer$v" ffplay -hide_banner -window_title "stream$s via playback $p" "rtmp://127.0.2.$p/live/stream$s"
  else
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy start "viewer$v" \
      ffplay -hide_banner -vf showinfo "rtmp://127.0.2.$p/live/stream$s"
  fi
done

echo
echo "mmids local cluster is running (logs: $run_dir)"
echo "  lookup server and dashboard: http://$lookup_address:$lookup_port/"
for i in $(seq "$ingestion"); do echo "  ingestion $i: rtmp://127.0.1.$i/ingest/<key>   API http://127.0.1.$i:9011/workflows"; done
for i in $(seq "$playback"); do
  echo "  playback $i:  rtmp://127.0.2.$i/live/<key>     http://127.0.2.$i:8080/live/<key>.m3u8 (.flv)   API http://127.0.2.$i:9011/workflows"
done
echo "Watch:"
for s in $(seq "$streams"); do
  for p in $(seq "$playback"); do echo "  ffplay rtmp://127.0.2.$p/live/stream$s"; done
done
echo "Watch in a browser (HLS; protocol=flv for HTTP-FLV), or any HLS/HTTP-FLV player:"
for s in $(seq "$streams"); do
  p=$(( (s - 1) % playback + 1 ))
  echo "  http://127.0.2.$p:8080/?stream=live/stream$s"
  echo "  ffplay http://127.0.2.$p:8080/live/stream$s.m3u8     ffplay http://127.0.2.$p:8080/live/stream$s.flv"
done
echo "Ctrl-C stops everything."

if [ "$duration" != 0 ]; then
  sleep "$duration"
else
  wait -n "${pids[@]}" || true
  echo "run-local: a process of the cluster exited; see $run_dir" >&2
fi
