"""The README's first command as a user runs it (minus install and build): the local
cluster comes up, its test publishers stream, and ffplay viewers on both playback nodes
decode both streams from a keyframe, and the browser URLs it prints play (ffmpeg decodes the
printed HLS URL while it runs); it stops by itself and leaves nothing running."""

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
        process = subprocess.Popen(["bash", script, "--no-build", "--duration", "9", "--viewers", "4"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(process.kill)
        printed = ""
        for line in process.stdout:  # up to the end of what it prints once the cluster is up
            printed += line
            if line.startswith("Ctrl-C stops everything"):
                break
        self.assertIn("http://127.0.2.1:8080/?stream=live/stream1", printed)
        hls_url = re.search(r"ffplay (http://127\.0\.2\.\d+:8080/live/stream1\.m3u8)", printed).group(1)
        frames, _, output = mt.decode_with_ffmpeg(hls_url, seconds=2, timeout=20)
        self.assertGreaterEqual(len(frames), 30, f"{hls_url}: {output[-1500:]}")
        self.assertTrue(frames[0].keyframe, f"{hls_url} started on {frames[0]}")
        rest, errors = process.communicate(timeout=90)
        self.assertEqual(process.returncode, 0, printed + rest + errors)
        self.assertIn("ffplay rtmp://127.0.2.2/live/stream2", printed)
        run_dir = re.search(r"logs: (/tmp/mmids-local-\S+)\)", printed).group(1)
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
