#!/usr/bin/env python3
"""The soak's sampler (bench/soak.sh): one CSV row every --interval seconds.

Per process (--process NAME=PID): RSS (KiB), open file descriptors and threads, from
/proc, and "alive" (0 once it is gone). Per node (--node NAME=API_URL): its viewers
(`mmids_viewers` of GET /metrics, every protocol) and its reactor-created pull workflows
(GET /workflows, the names starting with ingest_). The lookup server (--lookup URL): its
live streams (`mmids_lookup_streams`). The load (--status FILE of bench/soak_load.py):
viewers and publishers alive. --phase FILE holds the soak's phase, copied into each row.
SIGUSR1 takes a row at once; runs until SIGTERM.
"""
import argparse
import csv
import json
import os
import re
import signal
import time
import urllib.request


def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--interval", type=float, default=10)
    p.add_argument("--process", action="append", default=[], metavar="NAME=PID")
    p.add_argument("--node", action="append", default=[], metavar="NAME=API_URL")
    p.add_argument("--lookup", required=True, metavar="URL")
    p.add_argument("--status", required=True)
    p.add_argument("--phase", required=True)
    return p.parse_args()


def pairs(items):
    return [tuple(item.split("=", 1)) for item in items]


def proc_sample(pid):
    """(rss KiB, fds, threads), or None when the process is gone."""
    try:
        status = open(f"/proc/{pid}/status").read()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None
    rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
    threads = re.search(r"^Threads:\s+(\d+)", status, re.M)
    return int(rss.group(1)) if rss else 0, fds, int(threads.group(1)) if threads else 0


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return None


def metric_sum(text, name):
    """The sum of every series of metric `name` in a Prometheus text answer, or "" when absent."""
    if text is None:
        return ""
    values = [float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})?\s+(\S+)$", text, re.M)]
    return int(sum(values)) if values else ""


def pull_count(base):
    text = get(base + "/workflows")
    if text is None:
        return ""
    try:
        return sum(1 for w in json.loads(text) if w.get("name", "").startswith("ingest_"))
    except (ValueError, AttributeError):
        return ""


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main():
    args = parse_arguments()
    processes, nodes = pairs(args.process), pairs(args.node)
    header = ["time_s", "phase"]
    for name, _ in processes:
        header += [f"{name}_alive", f"{name}_rss_kib", f"{name}_fds", f"{name}_threads"]
    for name, _ in nodes:
        header += [f"{name}_viewers", f"{name}_pulls"]
    header += ["lookup_streams", "load_viewers", "load_publishers", "viewer_sessions", "viewer_failures"]
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    now = [False]  # SIGUSR1: sample at once (the soak's checkpoints)
    signal.signal(signal.SIGUSR1, lambda *_: now.__setitem__(0, True))
    start = time.monotonic()
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        next_at = start
        while running[0]:
            phase = (open(args.phase).read().strip() if os.path.exists(args.phase) else "")
            row = [f"{time.monotonic() - start:.1f}", phase]
            for _, pid in processes:
                sample = proc_sample(pid)
                row += [0, "", "", ""] if sample is None else [1, *sample]
            for _, base in nodes:
                row += [metric_sum(get(base + "/metrics"), "mmids_viewers"), pull_count(base)]
            status = read_json(args.status)
            row += [metric_sum(get(args.lookup + "/metrics"), "mmids_lookup_streams"),
                    status.get("viewers_alive", ""), status.get("publishers_alive", ""),
                    status.get("viewer_sessions", ""), sum(status.get("viewer_failures", {}).values())]
            writer.writerow(row)
            f.flush()
            next_at += args.interval
            while running[0] and not now[0] and time.monotonic() < next_at:
                time.sleep(0.1)
            if now[0]:
                now[0] = False
                next_at = time.monotonic()


if __name__ == "__main__":
    main()
