#!/usr/bin/env python3
"""The soak's summary and verdict (bench/soak.sh), from the sampler's CSV and the load's totals.

Phases in the CSV: baseline (cluster up, no client), load (publishers and churning
viewers), drain (no new viewers; the running ones end), idle (no viewer; the idle grace
passes), stopped (publishers gone too). Per process: RSS and FDs at baseline, at the start
and end of the load, max, and the RSS slope (least squares, KiB per minute) over the load
after --warmup seconds. Leaks, each making the exit status 1: a process that died; a pull
(a playback node's ingest_ workflow, or a viewer of an ingestion node, which is what a pull
is there) left in the last idle row; a process whose FDs in the last stopped row are above
its baseline by more than --fd-slack; a stream the lookup server still lists then.

  soak_report.py CSV LOAD_STATUS_JSON [--warmup 60] [--fd-slack 0] [--markdown]
"""
import argparse
import csv
import json
import sys


def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv")
    p.add_argument("load_status")
    p.add_argument("--warmup", type=float, default=60)
    p.add_argument("--fd-slack", type=int, default=0)
    p.add_argument("--markdown", action="store_true", help="tables as Markdown (for bench/README.md)")
    return p.parse_args()


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def slope_per_minute(points):
    """Least-squares slope of (seconds, value) points, per minute; None under 3 points."""
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return None
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / var


def last(rows, phase):
    matching = [r for r in rows if r["phase"] == phase]
    return matching[-1] if matching else None


def first(rows, phase):
    matching = [r for r in rows if r["phase"] == phase]
    return matching[0] if matching else None


def mib(kib):
    return None if kib is None else kib / 1024


def fmt(value, digits=0):
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    else:
        widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
        lines = ["  ".join(str(c).rjust(w) for c, w in zip(row, widths)) for row in [header, *rows]]
    return "\n".join(lines)


def main():
    args = parse_arguments()
    rows = list(csv.DictReader(open(args.csv)))
    load = json.load(open(args.load_status))
    if not rows:
        print("soak: no samples", file=sys.stderr)
        return 1
    processes = [c[: -len("_rss_kib")] for c in rows[0] if c.endswith("_rss_kib")]
    nodes = [c[: -len("_pulls")] for c in rows[0] if c.endswith("_pulls")]
    baseline, load_start, load_end = last(rows, "baseline"), first(rows, "load"), last(rows, "load")
    idle, stopped = last(rows, "idle"), last(rows, "stopped")
    load_rows = [r for r in rows if r["phase"] == "load"]
    t0 = number(load_start["time_s"]) if load_start else 0
    leaks = []

    process_rows = []
    for p in processes:
        def value(row, what):
            return number(row[f"{p}_{what}"]) if row else None

        rss = [(number(r["time_s"]), number(r[f"{p}_rss_kib"])) for r in load_rows if number(r[f"{p}_rss_kib"]) is not None]
        fds = [(number(r["time_s"]), number(r[f"{p}_fds"])) for r in load_rows if number(r[f"{p}_fds"]) is not None]
        settled = [(t, v) for t, v in rss if t - t0 >= args.warmup]
        slope = slope_per_minute(settled)
        max_rss = max((v for _, v in rss), default=None)
        max_fds = max((v for _, v in fds), default=None)
        process_rows.append([p, *(fmt(mib(value(row, "rss_kib")), 1) for row in (baseline, load_start, load_end)),
                             fmt(mib(max_rss), 1), fmt(mib(value(stopped, "rss_kib")), 1), fmt(slope, 1),
                             fmt(value(baseline, "fds")), fmt(value(load_end, "fds")), fmt(max_fds),
                             fmt(value(stopped, "fds")), fmt(value(stopped, "threads"))])
        if any(r[f"{p}_alive"] == "0" for r in rows):
            died = next(r for r in rows if r[f"{p}_alive"] == "0")
            leaks.append(f"{p} died (first seen gone at {died['time_s']} s, phase {died['phase']})")
        base_fds, end_fds = value(baseline, "fds"), value(stopped, "fds")
        if base_fds is not None and end_fds is not None and end_fds > base_fds + args.fd_slack:
            leaks.append(f"{p}: {end_fds:.0f} open FDs once every client was gone, {base_fds:.0f} at baseline")

    lookup_streams = number(stopped["lookup_streams"]) if stopped else None
    if lookup_streams:
        leaks.append(f"lookup: {lookup_streams:.0f} stream(s) still listed once every publisher was gone")

    node_rows = []
    for n in nodes:
        pulls = [number(r[f"{n}_pulls"]) for r in load_rows if number(r[f"{n}_pulls"]) is not None]
        viewers = [number(r[f"{n}_viewers"]) for r in load_rows if number(r[f"{n}_viewers"]) is not None]
        idle_pulls = number(idle[f"{n}_pulls"]) if idle else None
        idle_viewers = number(idle[f"{n}_viewers"]) if idle else None
        node_rows.append([n, fmt(min(viewers, default=None)), fmt(max(viewers, default=None)),
                          fmt(min(pulls, default=None)), fmt(max(pulls, default=None)),
                          fmt(idle_viewers), fmt(idle_pulls)])
        if idle is None:
            leaks.append("no sample after the idle grace (the soak did not reach its end)")
        elif idle_pulls:
            leaks.append(f"{n}: {idle_pulls:.0f} pull workflow(s) left after every viewer left and the idle grace passed")
        elif idle_viewers:
            leaks.append(f"{n}: {idle_viewers:.0f} viewer(s) (pulls, on an ingestion node) left after the idle grace")

    print(table(["process", "RSS MiB baseline", "load start", "load end", "max", "stopped", "slope KiB/min",
                 "FDs baseline", "load end", "max", "stopped", "threads stopped"], process_rows, args.markdown))
    print()
    print(table(["node", "viewers min", "viewers max", "pulls min", "pulls max", "viewers idle", "pulls idle"],
                node_rows, args.markdown))
    print()
    failures = ", ".join(f"{cause}: {count}" for cause, count in sorted(load["viewer_failures"].items())) or "none"
    publisher_failures = ", ".join(f"{c}: {n}" for c, n in sorted(load["publisher_failures"].items())) or "none"
    print(f"viewers: {load['viewer_sessions']} sessions, {load['viewers_playing']} played, failures: {failures}; "
          f"stalls {load['viewer_stalls']} in {load['stalled_viewers']} sessions (their longest gap ms p50 "
          f"{load.get('stall_gap_ms_p50')}, max {load.get('stall_gap_ms_max')}); first keyframe ms "
          f"p50 {load['first_keyframe_ms_p50']} p99 {load['first_keyframe_ms_p99']}")
    print(f"publishers: {load['publisher_sessions']} sessions ({load['publisher_moves']} moves between ingestion "
          f"nodes), {load['publishers_publishing']} published, failures: {publisher_failures}; "
          f"stopped at the end: {load.get('stopped_clients', 0)}; summaries missing: {load['missing_summaries']}")
    print(f"slope: least squares over the load phase after its first {args.warmup:.0f} s")
    if leaks:
        print("LEAKS:\n  " + "\n  ".join(leaks))
        return 1
    print("no leak: every process alive, no pull left after the idle grace, FDs back to baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
