"""The mmids-lookup dashboard in headless Chromium: two lookup servers share one Redis; a
stream published through one and watched through the other shows up on both dashboards
with its ingestion node and the playback node serving it (checked in the DOM Chromium
renders after the page's script ran)."""

import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def rendered_dom(url, profile_dir):
    """The DOM of url after its scripts ran (fetches included), as Chromium dumps it."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={profile_dir}", "--virtual-time-budget=5000", "--dump-dom", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    if done.returncode != 0:
        raise AssertionError(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


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


if __name__ == "__main__":
    harness.main()
