# Sourced by every benchmark: a scratch $dir, the $pids started (all stopped on exit), the
# test publisher and the fan-out measurement.
dir=$(mktemp -d /tmp/mmids-bench-XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT

# publish URL: the ffmpeg test publisher (640x360 30 fps H.264 at 1.5 Mbit/s + AAC, 1 s GOP,
# in real time) to URL.
publish() {
  ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -b:v 1500k -c:a aac -f flv "$1" >"$dir/publisher.log" 2>&1 &
  pids+=($!)
}

# cpu_ticks PID: user + system clock ticks PID has used.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure PID SECONDS VIEWERS LABEL: PID's CPU time and the bytes the viewers wrote to
# $dir/viewer*.flv over SECONDS, as one line (with the machine's load average, since the
# benchmark machine is shared).
measure() {
  local pid=$1 seconds=$2 viewers=$3 label=$4
  local start_ticks start_bytes end_ticks end_bytes rss cpu mbit per_viewer
  start_ticks=$(cpu_ticks "$pid"); start_bytes=$(cat "$dir"/viewer*.flv | wc -c)
  sleep "$seconds"
  end_ticks=$(cpu_ticks "$pid"); end_bytes=$(cat "$dir"/viewer*.flv | wc -c)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  cpu=$(echo "scale=1; 100 * ($end_ticks - $start_ticks) / $(getconf CLK_TCK) / $seconds" | bc)
  mbit=$(echo "scale=2; 8 * ($end_bytes - $start_bytes) / $seconds / 1000000" | bc)
  per_viewer=$(echo "scale=2; $mbit / $viewers" | bc)
  echo "$label viewers=$viewers seconds=$seconds cpu=${cpu}% peak_rss=${rss}KiB out=${mbit}Mbit/s" \
       "per_viewer=${per_viewer}Mbit/s load=$(cut -d' ' -f1-3 /proc/loadavg)"
}

# rtmp_viewers URL N: N rtmpdump (librtmp) viewers of URL, no decoding, writing $dir/viewer*.flv.
rtmp_viewers() {
  for i in $(seq "$2"); do
    rtmpdump -q -v -r "$1" -o "$dir/viewer$i.flv" >/dev/null 2>&1 &
    pids+=($!)
  done
}
