"""mmids-bench against a real node: its publishers are accepted and its players play.
A smoke test of the tool itself (bench/ measures; nothing here asserts a timing)."""

import json
import subprocess

import harness
import media_tools as mt


def fanout_config(port):
    return f"""
settings {{
    bind_address 127.0.0.1
}}
workflow fanout {{
    rtmp_receive rtmp_app=publish stream_key=* port={port}
    rtmp_watch rtmp_app=watch stream_key=* port={port}
}}
"""


class BenchToolTest(harness.E2ETestCase):
    def bench(self, *args, timeout=60):
        result = subprocess.run([harness.program("mmids-bench"), *map(str, args)], capture_output=True, text=True,
                                timeout=timeout)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_publishers_and_players_on_one_node(self):
        port = harness.free_port()
        node = mt.start_node(self, fanout_config(port), rtmp_port=port)
        self.start("bench-publish", [harness.program("mmids-bench"), "publish", f"rtmp://127.0.0.1:{port}/publish/bench{{n}}",
                                     "-n", 2, "--bitrate", 500, "-d", 20])
        for key in ("bench0", "bench1"):
            harness.wait_until(lambda key=key: f"stream={key}] publishing" in node.log(), timeout=10,
                               message=f"{key} to be published", process=node)

        result = self.bench("play", f"rtmp://127.0.0.1:{port}/watch/bench{{n}}", "-n", 5, "--streams", 2, "-d", 3,
                            "--pid", node.pid, "--json")
        summary = json.loads(result.stdout)
        self.assertEqual(summary["players"], 5)
        self.assertEqual(summary["playing"], 5, summary["failures"])
        self.assertEqual(summary["failed"], 0, summary["failures"])
        self.assertEqual(len(summary["per_player"]), 5)
        for player in summary["per_player"]:
            self.assertGreater(player["video_frames"], 0, player)
            self.assertGreater(player["audio_frames"], 0, player)
            # mmids sends the sequence header, then the GOP from its keyframe: never an interframe first.
            self.assertIn(player["first_video"], ("sequence_header", "keyframe"), player)
            self.assertIsNotNone(player["first_keyframe_ms"], player)
        self.assertGreater(summary["latency_ms"]["count"], 0, "the publisher's stamps reached the players")
        self.assertEqual(summary["servers"][0]["pid"], node.pid)
        self.assertIn("cpu_seconds", summary["servers"][0])

    def test_failures_are_counted_by_cause(self):
        port = harness.free_port()
        result = self.bench("play", f"rtmp://127.0.0.1:{port}/watch/none", "-n", 3, "-d", 1, "--json")
        summary = json.loads(result.stdout)
        self.assertEqual(summary["failures"], {"connect refused": 3})

    def test_usage(self):
        result = self.bench("--help")
        for mode in ("play URL -n N", "publish URL -n N --bitrate KBPS", "lookup URL -c CONNS", "idle HOST:PORT"):
            self.assertIn(mode, result.stdout)


if __name__ == "__main__":
    harness.main()
