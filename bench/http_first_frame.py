"""Time to first frame per protocol, and how far HLS runs behind the publisher. Used by
bench/http_first_frame.sh (which starts the node and the publisher).
  python3 bench/http_first_frame.py RTMP_PORT HTTP_PORT PUBLISH_STARTED_EPOCH RUNS"""

import re
import statistics
import subprocess
import sys
import time
import urllib.request

rtmp_port, http_port, publish_started, runs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
urls = {"rtmp": f"rtmp://127.0.0.1:{rtmp_port}/live/bench",
        "flv": f"http://127.0.0.1:{http_port}/live/bench.flv",
        "hls": f"http://127.0.0.1:{http_port}/live/bench.m3u8"}


def first_frame_seconds(url):
    """From starting ffmpeg to its first decoded frame (ffmpeg's own start-up included)."""
    started = time.monotonic()
    process = subprocess.Popen(["ffmpeg", "-hide_banner", "-nostats", "-i", url, "-frames:v", "1", "-vf", "showinfo",
                                "-f", "null", "-"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for line in process.stdout:
            if b"iskey:" in line:
                return time.monotonic() - started
    finally:
        process.kill()
        process.wait()
    return float("nan")


for protocol, url in urls.items():
    times = [first_frame_seconds(url) for _ in range(runs)]
    print(f"first_frame protocol={protocol} median={statistics.median(times):.2f}s "
          f"min={min(times):.2f}s max={max(times):.2f}s runs={runs}")

# HLS behind the publisher: when a segment first appears in the playlist, how long after
# its last frame left the publisher. The publisher runs in real time from publish_started,
# so media time t left it at about publish_started + t (ffmpeg's start-up makes this a
# slight over-estimate); a segment's media time is its first PTS less the muxer's 0.7 s
# decode delay (TsMuxer::kDecodeDelay90khz).
DECODE_DELAY = 0.7
base = f"http://127.0.0.1:{http_port}/live/"


def first_pts(url):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                          "-read_intervals", "%+#1", "-of", "csv=p=0", url], capture_output=True, text=True).stdout
    return float(out.split()[0].rstrip(","))


variant = [l for l in urllib.request.urlopen(base + "bench.m3u8").read().decode().splitlines() if not l.startswith("#")][0]
seen, behind = None, []
deadline = time.time() + 15
while time.time() < deadline and len(behind) < 8:
    text = urllib.request.urlopen(base + variant).read().decode()
    now = time.time()
    entries = re.findall(r"#EXTINF:([\d.]+),\n(\S+)", text)
    if seen is None:
        seen = {uri for _, uri in entries}  # already there when we came: their listing time is unknown
    for duration, uri in entries:
        if uri in seen:
            continue
        seen.add(uri)
        media_end = first_pts(base + uri) - DECODE_DELAY + float(duration)
        behind.append(now - (publish_started + media_end))
    time.sleep(0.02)
if behind:
    edge = statistics.median(behind)
    print(f"hls_segment_listed_after_its_last_frame_left_the_publisher median={edge:.2f}s over {len(behind)} segments")
