#!/usr/bin/env python3
"""The soak's load (bench/soak.sh): publishers that reconnect and viewers that churn.

Every client is one `mmids-bench` process, so each viewer has its own connection, its own
lifetime and its own JSON summary (failures by cause, stalls):

- publisher k sends stream <prefix>k to one ingestion node for a random lifetime, then,
  after --gap seconds, reconnects to the next ingestion node (so streams move between
  nodes and the playback nodes' pulls have to follow);
- --viewers slots each run a viewer of a random stream on a random playback node for a
  random lifetime, then start a new one: viewers keep joining and leaving. The last
  stream gets only --rare-share of them, so on each playback node it often has none and
  its pull stops and starts again during the run.

Signals: SIGUSR1 stops starting viewers (the running ones end at their lifetime, so the
nodes see every viewer leave by itself); SIGUSR2 also stops the publishers (by PID);
SIGTERM ends everything and writes the totals. --status is rewritten every second with
what is alive and the totals so far (JSON).
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time


def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True, help="the mmids-bench program")
    p.add_argument("--out", required=True, help="directory for every client's JSON and log")
    p.add_argument("--status", required=True, help="JSON file rewritten every second")
    p.add_argument("--ingest", nargs="+", required=True, help="publish URL prefixes (rtmp://node/ingest)")
    p.add_argument("--play", nargs="+", required=True, help="play URL prefixes (rtmp://node/live)")
    p.add_argument("--streams", type=int, default=4)
    p.add_argument("--prefix", default="soak")
    p.add_argument("--kbps", type=int, default=400)
    p.add_argument("--publisher-life", type=float, nargs=2, default=(40, 120), metavar=("MIN", "MAX"))
    p.add_argument("--gap", type=float, default=0.5, help="seconds between a publisher's end and its reconnect")
    p.add_argument("--viewers", type=int, default=200)
    p.add_argument("--viewer-life", type=float, nargs=2, default=(10, 60), metavar=("MIN", "MAX"))
    p.add_argument("--rare-share", type=float, default=0.01,
                   help="share of viewers that pick the last stream: it has so few that its pulls start and stop")
    p.add_argument("--ramp", type=float, default=10, help="viewers started per second at the start")
    p.add_argument("--seed", type=int, default=None)
    return p.parse_args()


class Client:
    """One mmids-bench process and where its summary goes."""

    def __init__(self, kind, argv, out_dir, number):
        self.kind = kind
        self.json_path = os.path.join(out_dir, f"{kind}-{number}.json")
        with open(self.json_path, "w") as out, open(os.path.join(out_dir, f"{kind}-{number}.log"), "w") as err:
            self.process = subprocess.Popen(argv, stdout=out, stderr=err)
        self.stopped = False

    def done(self):
        return self.process.poll() is not None

    def summary(self):
        try:
            with open(self.json_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def stop(self):
        self.stopped = self.process.poll() is None  # ended by us: it writes no summary
        if self.stopped:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Totals:
    """What every finished client reported."""

    def __init__(self):
        self.viewer_sessions = self.viewers_playing = self.viewer_stalls = self.stalled_viewers = 0
        self.viewer_failures = {}
        self.first_keyframe_ms = []
        self.stall_gaps_ms = []  # the longest gap of each session that stalled
        self.publisher_sessions = self.publishers_publishing = 0
        self.publisher_failures = {}
        self.missing_summaries = 0  # clients that ended by themselves without one
        self.stopped_clients = 0  # publishers stopped at the end (and clients stopped on an abort)

    def add(self, client):
        summary = client.summary()
        if summary is None:
            if client.stopped:
                self.stopped_clients += 1
            else:
                self.missing_summaries += 1
            return
        failures = self.viewer_failures if client.kind == "viewer" else self.publisher_failures
        for cause, count in summary.get("failures", {}).items():
            failures[cause] = failures.get(cause, 0) + count
        if client.kind == "viewer":
            self.viewer_sessions += summary.get("players", 0)
            self.viewers_playing += summary.get("playing", 0)
            stalls = summary.get("stalls", {})
            self.viewer_stalls += stalls.get("count", 0)
            self.stalled_viewers += stalls.get("players", 0)
            for player in summary.get("per_player", []):
                if player.get("first_keyframe_ms") is not None:
                    self.first_keyframe_ms.append(player["first_keyframe_ms"])
                if player.get("stalls"):
                    self.stall_gaps_ms.append(player["longest_gap_ms"])
        else:
            self.publisher_sessions += summary.get("publishers", 0)
            self.publishers_publishing += summary.get("publishing", 0)

    def to_json(self):
        def percentile(values, q):
            values = sorted(values)
            return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None

        return {
            "viewer_sessions": self.viewer_sessions,
            "viewers_playing": self.viewers_playing,
            "viewer_failures": self.viewer_failures,
            "viewer_stalls": self.viewer_stalls,
            "stalled_viewers": self.stalled_viewers,
            "first_keyframe_ms_p50": percentile(self.first_keyframe_ms, 0.5),
            "first_keyframe_ms_p99": percentile(self.first_keyframe_ms, 0.99),
            "stall_gap_ms_p50": percentile(self.stall_gaps_ms, 0.5),
            "stall_gap_ms_max": percentile(self.stall_gaps_ms, 1.0),
            "publisher_sessions": self.publisher_sessions,
            "publishers_publishing": self.publishers_publishing,
            "publisher_failures": self.publisher_failures,
            "missing_summaries": self.missing_summaries,
            "stopped_clients": self.stopped_clients,
        }


class Load:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)
        self.totals = Totals()
        self.viewers = [None] * args.viewers  # slot -> Client
        self.publishers = [None] * args.streams  # stream -> Client
        self.publisher_node = [k % len(args.ingest) for k in range(args.streams)]
        self.publisher_next_start = [time.monotonic() + 0.5 * k for k in range(args.streams)]
        self.started = 0
        self.viewers_on = True
        self.publishers_on = True
        self.finished = False
        self.moves = 0
        os.makedirs(args.out, exist_ok=True)

    def number(self):
        self.started += 1
        return self.started

    def start_publisher(self, stream):
        a = self.args
        node = self.publisher_node[stream]
        life = self.random.uniform(*a.publisher_life)
        url = f"{a.ingest[node]}/{a.prefix}{stream}"
        argv = [a.bench, "publish", url, "-n", "1", "--bitrate", str(a.kbps), "-d", f"{life:.1f}", "--json"]
        self.publishers[stream] = Client("publisher", argv, a.out, self.number())

    def start_viewer(self, slot):
        a = self.args
        life = self.random.uniform(*a.viewer_life)
        rare = a.streams > 1 and self.random.random() < a.rare_share
        stream = a.streams - 1 if rare else self.random.randrange(max(1, a.streams - 1))
        url = f"{self.random.choice(a.play)}/{a.prefix}{stream}"
        argv = [a.bench, "play", url, "-n", "1", "-d", f"{life:.1f}", "--timeout", "10000", "--json"]
        self.viewers[slot] = Client("viewer", argv, a.out, self.number())

    def step(self, now, ramp_start):
        a = self.args
        for stream, client in enumerate(self.publishers):
            if client is not None and client.done():
                self.totals.add(client)
                self.publishers[stream] = None
                self.publisher_node[stream] = (self.publisher_node[stream] + 1) % len(a.ingest)
                self.publisher_next_start[stream] = now + a.gap
                self.moves += 1
            if self.publishers[stream] is None and self.publishers_on and now >= self.publisher_next_start[stream]:
                self.start_publisher(stream)
        allowed = len(self.viewers) if a.ramp <= 0 else int((now - ramp_start) * a.ramp)
        for slot, client in enumerate(self.viewers):
            if client is not None and client.done():
                self.totals.add(client)
                self.viewers[slot] = None
            if self.viewers[slot] is None and self.viewers_on and slot < allowed:
                self.start_viewer(slot)

    def alive(self, clients):
        return sum(1 for c in clients if c is not None and not c.done())

    def write_status(self):
        status = {"viewers_alive": self.alive(self.viewers), "publishers_alive": self.alive(self.publishers),
                  "viewers_on": self.viewers_on, "publishers_on": self.publishers_on,
                  "clients_started": self.started, "publisher_moves": self.moves, **self.totals.to_json()}
        temporary = self.args.status + ".tmp"
        with open(temporary, "w") as f:
            json.dump(status, f, indent=1)
        os.replace(temporary, self.args.status)

    def stop_publishers(self):
        self.publishers_on = False
        for stream, client in enumerate(self.publishers):
            if client is not None:
                client.stop()
                self.totals.add(client)
                self.publishers[stream] = None

    def run(self):
        signal.signal(signal.SIGUSR1, lambda *_: setattr(self, "viewers_on", False))
        signal.signal(signal.SIGUSR2, lambda *_: setattr(self, "publishers_on", False))
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "finished", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "finished", True))
        ramp_start = time.monotonic() + 3  # the publishers first
        last_status = 0.0
        while not self.finished:
            now = time.monotonic()
            if not self.publishers_on and any(self.publishers):
                self.stop_publishers()
            self.step(now, ramp_start)
            if now - last_status >= 1:
                self.write_status()
                last_status = now
            time.sleep(0.1)
        for client in self.viewers:
            if client is not None:
                client.stop()
                self.totals.add(client)
        self.viewers = [None] * len(self.viewers)
        self.stop_publishers()
        self.write_status()


if __name__ == "__main__":
    Load(parse_arguments()).run()
    sys.exit(0)
