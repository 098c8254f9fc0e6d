"""The README's first command as a user runs it (minus install and build): the local
cluster comes up, its test publishers stream, and ffplay viewers on both playback nodes
decode both streams from a keyframe; it stops by itself and leaves nothing running."""

import os
import re
import subprocess

import harness
import media_tools as mt


class LocalClusterScriptTest(harness.E2ETestCase):
    def test_run_local_serves_every_stream_on_every_playback_node(self):
        script = os.path.join(harness.source_dir(), "scripts", "run-local.sh")
        env = dict(os.environ, MMIDS_BIN_DIR=os.path.join(harness.binary_dir(), "apps"))
        env.pop("DISPLAY", None)
        result = subprocess.run(["bash", script, "--no-build", "--duration", "7", "--viewers", "4"],
                                capture_output=True, text=True, timeout=90, env=env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("ffplay rtmp://127.0.2.2/live/stream2", result.stdout)
        run_dir = re.search(r"logs: (/tmp/mmids-local-\S+)\)", result.stdout).group(1)
        self.addCleanup(subprocess.run, ["rm", "-rf", run_dir])
        for viewer in range(1, 5):
            with open(os.path.join(run_dir, f"viewer{viewer}.log"), errors="replace") as f:
                frames = mt.parse_showinfo(f.read())
            self.assertGreaterEqual(len(frames), 60, f"viewer{viewer} decoded too little")
            self.assertTrue(frames[0].keyframe, f"viewer{viewer} started on {frames[0]}")
        leftovers = subprocess.run(["pgrep", "-f", run_dir], capture_output=True, text=True).stdout
        self.assertEqual(leftovers.strip(), "", "processes of the cluster outlived the script")


if __name__ == "__main__":
    harness.main()
