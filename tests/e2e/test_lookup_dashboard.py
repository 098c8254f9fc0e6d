"""The mmids-lookup dashboard in headless Chromium: two lookup servers share one Redis; a
stream published through one and watched through the other shows up on both dashboards
with its ingestion node and the playback node serving it. Then the cluster view: nodes
report their streams and viewers, and the page shows the stream's codec and bitrate, each
playback node's viewers, the total, the nodes with when they were heard from, and a drawn
chart (checked in the DOM Chromium renders after the page's script ran; a screenshot is
saved as <build>/dashboard.png, the one in docs/ is such a screenshot)."""

import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile_dir, *args):
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={profile_dir}", "--virtual-time-budget=5000", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    if done.returncode != 0:
        raise AssertionError(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def rendered_dom(url, profile_dir):
    """The DOM of url after its scripts ran (fetches included), as Chromium dumps it."""
    return chromium(profile_dir, "--dump-dom", url)


def node_report(name, role, stream, viewers, bitrate=0):
    return {"node": name, "role": role, "interval_seconds": 5,
            "streams": [{"name": stream, "source": "rtmp",
                         "video": {"codec": "h264", "width": 1280, "height": 720, "fps": 30},
                         "audio": {"codec": "aac"}, "bitrate_in_bps": bitrate, "uptime_seconds": 95,
                         "viewers": viewers, "viewers_by_protocol": {"rtmp": viewers}}]}


@unittest.skipUnless(CHROMIUM, "chromium is not installed (scripts/install-deps.sh)")
class DashboardTest(harness.E2ETestCase):
    def start_lookup(self, name, store):
        port = harness.free_port()
        process = self.start(name, [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{port}",
                                    "--store", store])
        base = f"http://127.0.0.1:{port}"
        harness.wait_for_http(base + "/healthz", status=200, process=process)
        return base

    def test_dashboards_show_a_stream_published_through_either_server(self):
        _, redis_port = harness.start_redis(self.processes)
        store = f"redis://127.0.0.1:{redis_port}"
        first = self.start_lookup("lookup-a", store)
        second = self.start_lookup("lookup-b", store)

        published = harness.post_json(first + "/publisher_lookup", {"stream_name": "dash_cam"},
                                      source_address="127.0.0.2")
        self.assertEqual(published.status, 200)
        answers = [harness.post_json(base + "/watcher_lookup", {"stream_name": "dash_cam"},
                                     source_address="127.0.0.3").text for base in (first, second)]
        self.assertEqual(answers[0], answers[1])
        self.assertIn("rtmp://127.0.0.2/pull_source/dash_cam ", answers[0])

        for index, base in enumerate((second, first)):
            dom = rendered_dom(base + "/", os.path.join(self.tmp, f"profile-{index}"))
            row = re.search(r'<tr class="stream" data-stream="dash_cam">(.*?)</tr>', dom, re.S)
            self.assertIsNotNone(row, f"no row for dash_cam in the dashboard of {base}:\n{dom[-3000:]}")
            self.assertIn('<td class="ingestion">127.0.0.2</td>', row.group(1))
            self.assertIn("127.0.0.3 (asked", row.group(1))
            self.assertIn("1 live stream", dom)
            self.assertNotIn("cannot load streams", dom)


    def test_cluster_view_from_node_reports_with_viewers_and_charts(self):
        base = self.start_lookup("lookup", "memory")
        self.assertEqual(harness.post_json(base + "/publisher_lookup", {"stream_name": "show"},
                                           source_address="127.0.0.2").status, 200)
        for node in ("127.0.0.3", "127.0.0.4"):
            harness.post_json(base + "/watcher_lookup", {"stream_name": "show"}, source_address=node)
        # Three rounds of reports, a sample spacing apart, so the chart has a history.
        for round_, (first, second) in enumerate([(2, 1), (5, 3), (7, 4)]):
            if round_:
                time.sleep(2.1)
            reports = [("127.0.0.2", node_report("ingest-1", "ingestion", "show", 2, 2_500_000 + 100_000 * round_)),
                       ("127.0.0.3", node_report("play-1", "playback", "show", first)),
                       ("127.0.0.4", node_report("play-2", "playback", "show", second))]
            for address, report in reports:
                self.assertEqual(harness.post_json(base + "/node_report", report, source_address=address).status, 200)

        dom = rendered_dom(base + "/", os.path.join(self.tmp, "profile-cluster"))
        row = re.search(r'<tr class="stream" data-stream="show">(.*?)</tr>', dom, re.S)
        self.assertIsNotNone(row, f"no row for the stream:\n{dom[-3000:]}")
        self.assertIn('<td class="ingestion">127.0.0.2</td>', row.group(1))
        self.assertIn('<td class="media">h264 1280x720 30 fps / aac</td>', row.group(1))
        self.assertIn('<td class="bitrate">2.70 Mbit/s</td>', row.group(1))
        self.assertIn("play-1: 7 viewers", row.group(1))
        self.assertIn("play-2: 4 viewers", row.group(1))
        self.assertIn('<b id="total-viewers">11</b>', dom)
        paths = re.findall(r'<path class="viewers" d="([^"]*)"', row.group(1))
        self.assertEqual(len(paths), 1)
        self.assertGreaterEqual(paths[0].count(" L "), 3, paths[0])  # three samples and now: a drawn line
        nodes = re.findall(r'<tr class="node[^"]*" data-node="([^"]+)">', dom)
        self.assertEqual(sorted(nodes), ["127.0.0.2", "127.0.0.3", "127.0.0.4"])
        self.assertRegex(dom, r'<td class="heard">\d+ s ago</td>')
        self.assertNotIn("cannot load streams", dom)

        screenshot = os.path.join(harness.binary_dir(), "dashboard.png")
        chromium(os.path.join(self.tmp, "profile-shot"), "--window-size=1500,700", f"--screenshot={screenshot}",
                 "--hide-scrollbars", base + "/")
        with open(screenshot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    harness.main()
