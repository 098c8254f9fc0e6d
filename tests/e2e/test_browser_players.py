"""A real browser plays a stream from a playback node (issue 15): headless Chromium opens the
node's player page, which plays the key with hls.js (HLS) and with mpegts.js (HTTP-FLV),
both from the npm packages installed by scripts/install-deps.sh; the video's currentTime
must advance with no player error. Driven by tests/e2e/browser_play.js (playwright-core)."""

import json
import os
import shutil
import subprocess

import harness
from cluster import Cluster

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser_play.js")


def play_in_chromium(url, profile_dir, seconds=3):
    """What the player page reported: {"currentTime", "errors", "firstFrameSeconds", ...}."""
    done = subprocess.run(["node", DRIVER, url, str(seconds), profile_dir], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, CHROMIUM=CHROMIUM))
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"the browser driver said nothing (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])


class BrowserPlayersTest(harness.E2ETestCase):
    def test_chromium_plays_hls_and_http_flv_from_a_playback_node(self):
        self.assertTrue(os.path.exists(os.path.join(harness.binary_dir(), "web", "hls.min.js")),
                        "the build did not copy hls.js (scripts/install-deps.sh installs it)")
        cluster = Cluster(self, ingestion=1, playback=1, grace=1)
        cluster.publish("browser", 1)
        for protocol in ("hls", "flv"):
            result = play_in_chromium(cluster.player_page("browser", 1, protocol),
                                      os.path.join(self.tmp, f"profile-{protocol}"))
            self.assertEqual(result.get("errors"), [], f"{protocol}: {result}")
            self.assertGreaterEqual(result["currentTime"], 3, f"{protocol}: {result}")
            print(f"{protocol}: first frame {result['firstFrameSeconds']:.2f} s after the page opened")
        self.assertIn("proto=hls] playing", cluster.playback[1].log())
        self.assertIn("proto=flv] playing", cluster.playback[1].log())


if __name__ == "__main__":
    harness.main()
