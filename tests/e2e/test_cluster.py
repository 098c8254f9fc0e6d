"""The dynamic RTMP load-balancing cluster end to end (SPEC.md section 1): real ffmpeg
publishers into two ingestion nodes, real ffmpeg/ffplay viewers on two playback nodes,
the lookup server between them, pulls only while someone watches, failover."""

import os
import threading
import time

import harness
import media_tools as mt
from cluster import Cluster


class ClusterTest(harness.E2ETestCase):
    def test_two_streams_watched_on_both_playback_nodes_with_pulls_on_demand(self):
        cluster = Cluster(self, grace=1.5)
        cluster.publish("alpha", 1)
        cluster.publish("beta", 2)
        time.sleep(0.5)
        self.assertEqual(cluster.pulls(), [], "a playback node pulled before anyone watched")

        results = {}

        def watch(stream, playback, tool):
            decode = mt.decode_with_ffplay if tool == "ffplay" else mt.decode_with_ffmpeg
            results[(stream, playback)] = decode(cluster.watch_url(stream, playback), seconds=4)

        viewers = [threading.Thread(target=watch, args=(stream, playback, tool))
                   for stream, playback, tool in (("alpha", 1, "ffplay"), ("alpha", 2, "ffmpeg"),
                                                  ("beta", 1, "ffmpeg"), ("beta", 2, "ffplay"))]
        for viewer in viewers:
            viewer.start()
        # With viewers: exactly one pull per (playback node, stream).
        harness.wait_until(lambda: len(cluster.pulls()) == 4, timeout=10, message="four pulls")
        self.assertEqual(sorted(cluster.pulls()), [(1, 1), (1, 2), (2, 1), (2, 2)])
        for viewer in viewers:
            viewer.join()
        for key, (frames, _, output) in results.items():
            self.assertGreaterEqual(len(frames), 60, f"{key}: {output[-1500:]}")
            self.assertTrue(frames[0].keyframe, f"{key} started on {frames[0]}")
        # After the last viewer leaves, plus the grace: no pull at all.
        harness.wait_until(lambda: cluster.pulls() == [], timeout=8, message="every pull to stop")

    def test_viewer_of_an_unpublished_stream_is_refused_quickly(self):
        cluster = Cluster(self, ingestion=1, playback=1)
        started = time.monotonic()
        frames, _, output = mt.decode_with_ffmpeg(cluster.watch_url("nobody", 1), seconds=1, timeout=10)
        elapsed = time.monotonic() - started
        self.assertEqual(frames, [])
        self.assertIn("stream not found", output.lower())
        print(f"unpublished stream refused after {elapsed:.2f} s")

    def test_seed_configs_with_https_lookup_urls(self):
        certs = harness.make_test_ca(os.path.join(self.tmp, "tls"), hosts=("localhost",) + tuple(
            f"127.0.{n}.10" for n in range(256)))
        cluster = Cluster(self, ingestion=1, playback=1, tls=certs)
        self.assertTrue(cluster.lookup_url.startswith("https://"))
        cluster.publish("secure", 1)
        frames, _, output = mt.decode_with_ffmpeg(cluster.watch_url("secure", 1), seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-1500:])

    def test_failover_to_the_other_ingestion_node(self):
        cluster = Cluster(self, grace=2)
        cluster.publish("live1", 1, name="publisher-first")
        viewer = self.start("viewer", [mt.FFMPEG, "-hide_banner", "-nostats", "-i", cluster.watch_url("live1", 1),
                                       "-vf", "showinfo", "-f", "null", "-"])

        def frames():
            return len(mt.parse_showinfo(viewer.log()))

        harness.wait_until(lambda: frames() > 30, timeout=10, message="the viewer to decode", process=viewer)
        cluster.ingestion[1].signal(9)  # SIGKILL: the node carrying the stream dies
        killed_at = time.monotonic()
        # The publisher's encoder reconnects through the load balancer to the other node.
        cluster.publish("live1", 2, name="publisher-second")
        before = frames()
        harness.wait_until(lambda: frames() > before + 30, timeout=20,
                           message="the viewer to decode frames again", process=viewer)
        recovered = time.monotonic() - killed_at
        print(f"failover: the viewer decoded again {recovered:.2f} s after the ingestion node was killed")
        self.assertTrue(viewer.alive(), "the viewer was disconnected")
        self.assertEqual(cluster.pulls(1), [(1, 2)])

    def test_lookup_server_restart_with_redis_breaks_nothing(self):
        redis, redis_port = harness.start_redis(self.processes)
        cluster = Cluster(self, ingestion=1, playback=2, lookup_args=["--store", f"redis://127.0.0.1:{redis_port}"])
        cluster.publish("steady", 1)
        viewer = self.start("viewer", [mt.FFMPEG, "-hide_banner", "-nostats", "-i", cluster.watch_url("steady", 1),
                                       "-vf", "showinfo", "-f", "null", "-"])

        def frames():
            return len(mt.parse_showinfo(viewer.log()))

        harness.wait_until(lambda: frames() > 30, timeout=10, message="the viewer to decode", process=viewer)
        cluster.lookup.stop()
        before = frames()
        harness.wait_until(lambda: frames() > before + 30, timeout=10, message="frames while the lookup server is down",
                           process=viewer)
        cluster.start_lookup(name="lookup-restarted")
        # The restarted server still knows the stream: a new viewer elsewhere gets it.
        new_frames, _, output = mt.decode_with_ffmpeg(cluster.watch_url("steady", 2), seconds=2)
        self.assertGreaterEqual(len(new_frames), 40, output[-1500:])
        self.assertTrue(viewer.alive())


if __name__ == "__main__":
    harness.main()
