# Sourced by the mmids benchmarks: one node on 127.0.0.1 with a publisher feeding
# rtmp_watch, which serves RTMP on $rtmp_port (rtmp://127.0.0.1:$rtmp_port/live/bench) and
# HTTP-FLV + HLS on $http_port; the test publisher (bench/common.sh) on key `bench`.
# Everything started is stopped on exit. Needs $build (the build directory).
source bench/common.sh
rtmp_port=$(( 20000 + RANDOM % 20000 ))
http_port=$(( rtmp_port + 1 ))
cat >"$dir/node.config" <<CONFIG
settings {
    bind_address 127.0.0.1
}
workflow fanout {
    rtmp_receive rtmp_app=publish stream_key=* port=$rtmp_port
    rtmp_watch rtmp_app=live stream_key=* port=$rtmp_port http_port=$http_port
}
CONFIG
"$build/apps/mmids" --config "$dir/node.config" --log-level warn >"$dir/node.log" 2>&1 &
node=$!; pids+=($node)
sleep 0.5
publish_started=$(date +%s.%N)
publish "rtmp://127.0.0.1:$rtmp_port/publish/bench"
sleep 2
