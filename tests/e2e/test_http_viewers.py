"""Browser viewers of the cluster (issue 15): HTTP-FLV and HLS from a playback node, on the
same on-demand pull as RTMP. ffmpeg decodes both (first frame a keyframe); no pull before
the first HTTP viewer; one pull shared by RTMP, HTTP-FLV and HLS viewers of a key; the pull
stops after the last viewer of every protocol plus the idle grace; a key nobody publishes
is an HTTP 404; the node's API lists the viewers of every protocol."""

import threading
import time

import harness
import media_tools as mt
from cluster import Cluster


def decode(url, seconds=4):
    return mt.decode_with_ffmpeg(url, seconds=seconds, timeout=30)


class HttpViewersTest(harness.E2ETestCase):
    def assert_plays_from_a_keyframe(self, result, what, frames_at_least=60):
        frames, _, output = result
        self.assertGreaterEqual(len(frames), frames_at_least, f"{what}: {output[-1500:]}")
        self.assertTrue(frames[0].keyframe, f"{what} started on {frames[0]}")

    def published_but_not_pulled(self, stream):
        """A cluster (grace 1 s) where `stream` is published and no playback node pulls it yet."""
        cluster = Cluster(self, ingestion=1, playback=1, grace=1)
        cluster.publish(stream, 1)
        time.sleep(0.5)
        self.assertEqual(cluster.pulls(), [], "a playback node pulled before anyone watched")
        return cluster

    def test_http_flv_alone_pulls_on_demand_and_stops_after_the_grace(self):
        cluster = self.published_but_not_pulled("flvcam")
        self.assert_plays_from_a_keyframe(decode(cluster.http_url("flvcam", 1, "flv")), "HTTP-FLV")
        harness.wait_until(lambda: cluster.pulls() == [], timeout=10, message="the pull to stop")

    def test_hls_alone_pulls_on_demand_and_stops_after_the_session_and_the_grace(self):
        cluster = self.published_but_not_pulled("hlscam")
        self.assert_plays_from_a_keyframe(decode(cluster.http_url("hlscam", 1, "m3u8")), "HLS")
        self.assertEqual(cluster.pulls(), [(1, 1)], "the HLS session should still hold the pull")
        # The session window (3 target durations, at least 3 s) and then the grace.
        harness.wait_until(lambda: cluster.pulls() == [], timeout=15, message="the pull to stop")
        node = cluster.playback[1]
        self.assertIn("proto=hls] stopped playing: no playlist request for", node.log())

    def test_rtmp_flv_and_hls_viewers_share_one_pull(self):
        cluster = Cluster(self, ingestion=1, playback=1, grace=1.5)
        cluster.publish("shared", 1)
        results = {}

        def watch(name, url):
            results[name] = decode(url, seconds=6)

        viewers = [threading.Thread(target=watch, args=args) for args in (
            ("rtmp", cluster.watch_url("shared", 1)), ("flv", cluster.http_url("shared", 1, "flv")),
            ("hls", cluster.http_url("shared", 1, "m3u8")))]
        for viewer in viewers:
            viewer.start()
        api = f"http://{cluster.playback_host(1)}:{cluster.playback_api_port(1)}/viewers"

        def every_protocol_listed():
            listed = harness.http_request("GET", api).json()
            return listed if set(listed["by_protocol"]) >= {"rtmp", "flv", "hls"} and all(
                listed["by_protocol"][p] >= 1 for p in ("rtmp", "flv", "hls")) else None

        listed = harness.wait_until(every_protocol_listed, timeout=15, message="viewers of every protocol in the API")
        self.assertEqual(cluster.pulls(), [(1, 1)], "viewers of three protocols should share one pull")
        self.assertTrue(any(v["protocol"] == "hls" and v["stream_key"] == "shared" for v in listed["viewers"]))
        for viewer in viewers:
            viewer.join()
        for name, result in results.items():
            self.assert_plays_from_a_keyframe(result, name, frames_at_least=90)
        node = cluster.playback[1]
        self.assertEqual(node.log().count("asking reactor 'watchers' about stream shared"), 1, "one lookup for the key")
        harness.wait_until(lambda: cluster.pulls() == [], timeout=15, message="the pull to stop after the last viewer")

    def test_a_key_nobody_publishes_is_http_404(self):
        cluster = Cluster(self, ingestion=1, playback=1)
        for extension in ("flv", "m3u8"):
            started = time.monotonic()
            response = harness.http_request("GET", cluster.http_url("nobody", 1, extension), timeout=10)
            elapsed = time.monotonic() - started
            self.assertEqual(response.status, 404, response)
            self.assertEqual(response.headers.get("access-control-allow-origin"), "*")
            print(f"{extension}: unpublished key refused after {elapsed:.2f} s")
        self.assertEqual(cluster.pulls(), [])


if __name__ == "__main__":
    harness.main()
