"""Real media tools for end-to-end tests: ffmpeg publishers, ffmpeg/ffplay/rtmpdump
viewers, and mmids nodes started from a config text. Built on harness.py.

A viewer's decoded frames are read from ffmpeg's `showinfo` filter: one line per frame,
with its number, timestamp and whether it is a keyframe.
"""

import os
import re
import subprocess
import time

import harness

FFMPEG = "ffmpeg"
SHOWINFO_LINE = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(\S+).*?\bs:(\d+)x(\d+).*?\biskey:(\d)")


class DecodedFrame:
    def __init__(self, number, pts_time, width, height, keyframe):
        self.number = number
        self.pts_time = pts_time
        self.width = width
        self.height = height
        self.keyframe = keyframe

    def __repr__(self):
        return f"frame {self.number} t={self.pts_time} {self.width}x{self.height} key={self.keyframe}"


def parse_showinfo(text):
    """The frames a showinfo filter reported, in order."""
    frames = []
    for match in SHOWINFO_LINE.finditer(text):
        number, _, pts_time, width, height, key = match.groups()
        frames.append(DecodedFrame(int(number), float(pts_time), int(width), int(height), key == "1"))
    return frames


def start_publisher(test, name, url, seconds=None, size="640x360", extra_output_args=()):
    """An ffmpeg test-pattern publisher (video + audio, 1 s GOP) as a managed process."""
    args = [FFMPEG, "-hide_banner", "-nostats", "-loglevel", "warning", "-re",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30",
            "-c:a", "aac"]
    if seconds:
        args += ["-t", str(seconds)]
    args += list(extra_output_args) + ["-f", "flv", url]
    return test.start(name, args)


def decode_with_ffmpeg(url, seconds=3.0, timeout=20.0, rw_timeout=8.0):
    """Plays `url` for `seconds` of media with ffmpeg into the null muxer; returns
    (frames, elapsed seconds until exit, the tool's output). `rw_timeout` None: ffmpeg
    waits on a silent server for ever (a viewer held by the server)."""
    io_timeout = ["-rw_timeout", str(int(rw_timeout * 1e6))] if rw_timeout else []
    args = [FFMPEG, "-hide_banner", "-nostats", *io_timeout, "-i", url,
            "-t", str(seconds), "-vf", "showinfo", "-f", "null", "-"]
    return _run_viewer(args, timeout)


def decode_with_ffplay(url, seconds=3.0, timeout=20.0):
    """Plays `url` with ffplay on SDL's dummy drivers (no display needed)."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    args = ["ffplay", "-hide_banner", "-nostats", "-autoexit", "-t", str(seconds), "-vf", "showinfo", url]
    return _run_viewer(args, timeout, env=env, stop_after_media_seconds=seconds)


def _run_viewer(args, timeout, env=None, stop_after_media_seconds=None):
    started = time.monotonic()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env)
    output = []
    deadline = started + timeout
    first_pts = None
    try:
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace")
            output.append(line)
            if stop_after_media_seconds is not None:
                # ffplay shows `-t` seconds and then waits: stop it once it has.
                frames = parse_showinfo(line)
                if frames:
                    first_pts = frames[0].pts_time if first_pts is None else first_pts
                    if frames[0].pts_time - first_pts >= stop_after_media_seconds - 0.1:
                        break
            if time.monotonic() > deadline:
                break
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
    text = "".join(output)
    return parse_showinfo(text), time.monotonic() - started, text


def start_node(test, config_text, name="mmids", rtmp_host="127.0.0.1", rtmp_port=None, env=None):
    """Writes the config to the test's directory and starts an mmids node with it. When
    rtmp_port is given, waits until the node accepts RTMP connections there."""
    path = os.path.join(test.tmp, f"{name}.config")
    with open(path, "w") as f:
        f.write(config_text)
    node = test.start(name, [harness.program("mmids"), "--config", path, "--log-level", "debug"],
                      extra_env=env)
    if rtmp_port:
        harness.wait_for_port(rtmp_host, rtmp_port, timeout=10, process=node)
    return node


def count_log(process, text):
    return process.log().count(text)
