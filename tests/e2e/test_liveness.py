"""Silent faults in the cluster, with real processes (issue "liveness"): a frozen ingestion
node, a publisher whose network dies and that reconnects, a stream that ends, a pull of a
key nobody publishes, a frozen lookup server and a restarted playback node. Each prints
its figure (seconds to recovery, or until told or refused) and asserts that a bystander
stream on other nodes kept decoding throughout.

SIGSTOP stands in for a partition: the process keeps its sockets open (no FIN, no RST) and
its kernel still accepts connections, but nothing is ever answered."""

import signal
import threading
import time

import harness
import media_tools as mt
from cluster import Cluster


class Watcher:
    """An ffmpeg viewer started as a managed process whose decoded frames are counted
    twice a second, so a stall anywhere in its life shows."""

    def __init__(self, test, name, url):
        self.process = test.start(name, [mt.FFMPEG, "-hide_banner", "-nostats", "-i", url,
                                         "-vf", "showinfo", "-f", "null", "-"])
        self.samples = []  # (monotonic time, frames decoded so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        test.addCleanup(self.stop_sampling)

    def frames(self):
        return len(mt.parse_showinfo(self.process.log()))

    def _sample(self):
        while not self._stop.wait(0.5):
            self.samples.append((time.monotonic(), self.frames()))

    def stop_sampling(self):
        self._stop.set()
        self._thread.join()

    def wait_decoding(self, more=30, timeout=10, message="the viewer to decode"):
        before = self.frames()
        harness.wait_until(lambda: self.frames() > before + more, timeout=timeout, message=message,
                           process=self.process)

    def longest_stall(self, since):
        """The longest stretch after `since` in which no new frame was decoded, in seconds."""
        samples = [s for s in self.samples if s[0] >= since]
        longest, last_change = 0.0, samples[0][0] if samples else since
        for (t0, f0), (t1, f1) in zip(samples, samples[1:]):
            if f1 > f0:
                last_change = t1
            longest = max(longest, t1 - last_change)
        return longest


class LivenessTest(harness.E2ETestCase):
    def bystander(self, cluster, ingestion_index, playback_index):
        """Another stream on other nodes, watched throughout: faults must not touch it."""
        cluster.publish("bystander", ingestion_index, name="publisher-bystander")
        watcher = Watcher(self, "viewer-bystander", cluster.watch_url("bystander", playback_index))
        watcher.wait_decoding(message="the bystander viewer to decode")
        return watcher

    def watched_stream(self, cluster, stream, ingestion_index=1, playback_index=1):
        """A publisher of `stream` and a viewer of it on a playback node, decoding."""
        publisher = cluster.publish(stream, ingestion_index, name=f"publisher-{stream}")
        viewer = Watcher(self, f"viewer-{stream}", cluster.watch_url(stream, playback_index))
        viewer.wait_decoding()
        return publisher, viewer

    def assert_untouched(self, bystander, since):
        stall = bystander.longest_stall(since)
        self.assertTrue(bystander.process.alive(), "the bystander viewer was disconnected")
        self.assertLess(stall, 2.0, f"the bystander stream stalled for {stall:.1f} s")

    def resume_later(self, process):
        """A stopped process must be resumed for its clean stop at the end of the test."""
        self.addCleanup(process.signal, signal.SIGCONT)

    def test_a_frozen_ingestion_node_fails_over_without_the_viewer_reconnecting(self):
        cluster = Cluster(self, ingestion=3, playback=2, grace=2)
        bystander = self.bystander(cluster, 3, 2)
        _, viewer = self.watched_stream(cluster, "live1")

        fault_at = time.monotonic()
        cluster.ingestion[1].signal(signal.SIGSTOP)  # hung host: no FIN, no RST, no answer
        self.resume_later(cluster.ingestion[1])
        # The encoder reconnects through the load balancer to another node.
        cluster.publish("live1", 2, name="publisher-second")
        viewer.wait_decoding(timeout=15, message="the viewer to decode again after the node froze")
        recovered = time.monotonic() - fault_at
        print(f"frozen ingestion node: the viewer decoded again {recovered:.2f} s after SIGSTOP")
        self.assertTrue(viewer.process.alive(), "the viewer was disconnected")
        self.assertEqual(cluster.pulls(1), [(1, 2)])
        self.assert_untouched(bystander, fault_at)

    def test_a_publisher_whose_network_died_reconnects_with_the_same_key(self):
        cluster = Cluster(self, ingestion=2, playback=2, grace=2)
        bystander = self.bystander(cluster, 2, 2)
        first, viewer = self.watched_stream(cluster, "cam")
        node = cluster.ingestion[1]

        fault_at = time.monotonic()
        first.signal(signal.SIGSTOP)  # its Wi-Fi dropped: the connection is half-open
        self.resume_later(first)
        # Like OBS: retry the same key on the same node until the node takes it.
        attempts = 0
        url = f"rtmp://{cluster.ingestion_host(1)}:{cluster.rtmp_port}/ingest/cam"
        while True:
            attempts += 1
            retry = mt.start_publisher(self, f"publisher-retry{attempts}", url)
            harness.wait_until(lambda: not retry.alive() or mt.count_log(node, "stream=cam] publishing") >= 2,
                               timeout=10, message="the retry to be answered", process=node)
            if retry.alive():
                break
            self.assertIn("already being published", node.log())
            self.assertLess(time.monotonic() - fault_at, 20, "the key was never taken over")
            time.sleep(0.5)
        live = time.monotonic() - fault_at
        # The old connection is closed on its own I/O thread after the new publisher went
        # live, so its closing line may follow the new one's "publishing".
        harness.wait_until(lambda: "taken over by a new publisher of the key" in node.log(), timeout=5,
                           message="the old publisher's connection closed as taken over", process=node)
        viewer.wait_decoding(timeout=15, message="the viewer to decode the reconnected publisher")
        watched = time.monotonic() - fault_at
        print(f"publisher reconnect: live again {live:.2f} s after its network died "
              f"({attempts} attempt(s)), the viewer decoding it {watched:.2f} s after")
        self.assertTrue(viewer.process.alive(), "the viewer was disconnected through the switch")
        self.assert_untouched(bystander, fault_at)

    def test_a_stream_that_ends_ends_for_its_viewers_and_new_viewers_are_refused(self):
        cluster = Cluster(self, ingestion=2, playback=2, grace=2)
        bystander = self.bystander(cluster, 2, 2)
        publisher, viewer = self.watched_stream(cluster, "show")

        ended_at = time.monotonic()
        publisher.stop()  # the show is over: the encoder quits
        harness.wait_until(lambda: not viewer.process.alive(), timeout=20,
                           message="the viewer to be told the stream ended")
        told = time.monotonic() - ended_at
        self.assertIn("told the stream ended", cluster.playback[1].log())
        # A new viewer on the other playback node, which never carried the stream.
        harness.wait_until(lambda: "ended: stream removed" in cluster.lookup.log(), timeout=5,
                           message="the lookup server to hear the stream ended")
        asked_at = time.monotonic()
        frames, _, output = mt.decode_with_ffmpeg(cluster.watch_url("show", 2), seconds=1, timeout=15)
        refused = time.monotonic() - ended_at
        self.assertEqual(frames, [])
        self.assertIn("stream not found", output.lower())
        print(f"stream end: its viewer was told and closed {told:.2f} s after the publisher left; "
              f"a new viewer was refused {refused:.2f} s after (in {time.monotonic() - asked_at:.2f} s)")
        self.assert_untouched(bystander, ended_at)

    def test_a_pull_of_a_key_nobody_publishes_is_refused_after_the_wait(self):
        cluster = Cluster(self, ingestion=1, playback=1)
        url = f"rtmp://{cluster.ingestion_host(1)}:{cluster.rtmp_port}/pull_source/nobody"
        frames, elapsed, output = mt.decode_with_ffmpeg(url, seconds=1, timeout=20, rw_timeout=None)
        self.assertEqual(frames, [])
        self.assertIn("stream not found", output.lower())
        self.assertIn("no publisher", cluster.ingestion[1].log())
        print(f"pull_source of an unpublished key refused after {elapsed:.2f} s")

        # A publisher arriving inside the wait is found (one moving between nodes).
        waiting = {}

        def pull():
            waiting["result"] = mt.decode_with_ffmpeg(url.replace("nobody", "late"), seconds=1, timeout=20,
                                                      rw_timeout=None)

        puller = threading.Thread(target=pull)
        puller.start()
        time.sleep(1.5)
        cluster.publish("late", 1)
        puller.join()
        frames, _, output = waiting["result"]
        self.assertGreaterEqual(len(frames), 15, output[-1500:])

    def test_a_frozen_lookup_server_leaves_live_streams_alone_and_holds_then_refuses_new_ones(self):
        cluster = Cluster(self, ingestion=1, playback=2, grace=2)
        cluster.publish("steady", 1)
        viewer = Watcher(self, "viewer", cluster.watch_url("steady", 1))
        viewer.wait_decoding()

        frozen_at = time.monotonic()
        cluster.lookup.signal(signal.SIGSTOP)
        self.resume_later(cluster.lookup)
        outcome = {}

        def new_viewer():
            started = time.monotonic()
            result = mt.decode_with_ffmpeg(cluster.watch_url("steady", 2), seconds=1, timeout=60, rw_timeout=None)
            outcome["viewer"] = (result, time.monotonic() - started)

        def new_publisher():
            url = f"rtmp://{cluster.ingestion_host(1)}:{cluster.rtmp_port}/ingest/newcomer"
            started = time.monotonic()
            publisher = mt.start_publisher(self, "publisher-newcomer", url)
            harness.wait_until(lambda: not publisher.alive(), timeout=60, message="the new publisher to be answered")
            outcome["publisher"] = (publisher.log(), time.monotonic() - started)

        threads = [threading.Thread(target=new_viewer), threading.Thread(target=new_publisher)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        (frames, _, output), viewer_held = outcome["viewer"]
        publisher_log, publisher_held = outcome["publisher"]
        self.assertEqual(frames, [])
        self.assertIn("stream not found", output.lower())
        self.assertIn("not approved", publisher_log)
        print(f"frozen lookup server: a new viewer was held {viewer_held:.1f} s then refused; "
              f"a new publisher held {publisher_held:.1f} s then refused")
        # The live stream never noticed.
        self.assertTrue(viewer.process.alive())
        self.assertLess(viewer.longest_stall(frozen_at), 2.0)

        cluster.lookup.signal(signal.SIGCONT)
        frames, _, output = mt.decode_with_ffmpeg(cluster.watch_url("steady", 2), seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-1500:])

    def test_a_restarted_playback_node_serves_its_returning_viewers_with_one_pull_per_stream(self):
        cluster = Cluster(self, ingestion=2, playback=2, grace=2)
        bystander = self.bystander(cluster, 2, 2)
        cluster.publish("one", 1)
        cluster.publish("two", 2)
        viewers = [Watcher(self, f"viewer-{stream}-{n}", cluster.watch_url(stream, 1))
                   for stream in ("one", "two") for n in range(2)]
        for viewer in viewers:
            viewer.wait_decoding()

        restarted_at = time.monotonic()
        cluster.playback[1].stop()
        harness.wait_until(lambda: not any(v.process.alive() for v in viewers), timeout=10,
                           message="the viewers to lose the stopped node")
        cluster.playback[1] = cluster.start_node("playback", 1, name="playback1-restarted")
        returning = [Watcher(self, f"returning-{stream}-{n}", cluster.watch_url(stream, 1))
                     for stream in ("one", "two") for n in range(2)]
        for viewer in returning:
            viewer.wait_decoding(timeout=15, message="a returning viewer to decode")
        print(f"playback restart: all 4 returning viewers decoding {time.monotonic() - restarted_at:.2f} s "
              f"after the node was stopped")
        self.assertEqual(sorted(cluster.pulls(1)), [(1, 1), (1, 2)])
        self.assert_untouched(bystander, restarted_at)


if __name__ == "__main__":
    harness.main()
