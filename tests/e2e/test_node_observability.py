"""Node observability (issue 14) on one node with real players: ffmpeg publishes 640x360
H.264 + AAC, two RTMP viewers and one HTTP-FLV viewer watch it. /metrics shows the values
(viewers of the stream, connections by role, bytes that grow), GET /streams what is
published and who watches it, GET /clients every connection; DELETE /clients/ID ends that
viewer's connection while the others keep playing; the stream's labels go when it ends."""

import time

import harness
import media_tools as mt


def node_config(rtmp_port, http_port, api_port):
    return f"""
settings {{
    bind_address 127.0.0.1
    http_api_port {api_port}
}}
workflow quick_start {{
    rtmp_receive rtmp_app=publish stream_key=* port={rtmp_port}
    rtmp_watch rtmp_app=watch stream_key=* port={rtmp_port} http_port={http_port} unpublish_grace=1
}}
"""


def metric(text, name, **labels):
    """The value of one sample of a Prometheus text page, None when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    series = f"{name}{{{wanted}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


class NodeObservabilityTest(harness.E2ETestCase):
    def setUp(self):
        self.rtmp_port, self.http_port, self.api_port = harness.free_ports(3)
        self.node = mt.start_node(self, node_config(self.rtmp_port, self.http_port, self.api_port),
                                  rtmp_port=self.rtmp_port)
        self.api = f"http://127.0.0.1:{self.api_port}"
        harness.wait_for_http(f"{self.api}/", process=self.node)

    def get(self, path):
        response = harness.http_request("GET", self.api + path)
        self.assertEqual(response.status, 200, response)
        return response

    def metrics(self):
        return self.get("/metrics").text

    def viewer(self, name, url):
        """A player that plays until its connection ends (and then exits)."""
        return self.start(name, [mt.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "warning",
                                 "-rw_timeout", "10000000", "-i", url, "-f", "null", "-"])

    def stream_x(self):
        streams = self.get("/streams").json()["streams"]
        return next((s for s in streams if s["name"] == "x"), None)

    def test_metrics_streams_clients_and_the_kick_follow_real_players(self):
        publisher = mt.start_publisher(self, "publisher", f"rtmp://127.0.0.1:{self.rtmp_port}/publish/x")
        harness.wait_until(lambda: "stream=x] publishing" in self.node.log(), timeout=10, process=self.node,
                           message="x to be published")
        rtmp_url = f"rtmp://127.0.0.1:{self.rtmp_port}/watch/x"
        viewers = {"rtmp-a": self.viewer("rtmp-a", rtmp_url), "rtmp-b": self.viewer("rtmp-b", rtmp_url),
                   "flv": self.viewer("flv", f"http://127.0.0.1:{self.http_port}/watch/x.flv")}

        # /metrics: the values, read from what the node does.
        # A viewer counts from its admission; its first keyframe is observed a moment later,
        # when the stream's cached GOP reaches its queue: wait for both.
        def three_playing():
            text = self.metrics()
            return (metric(text, "mmids_stream_viewers", stream="x") == 3
                    and (metric(text, "mmids_time_to_first_keyframe_seconds_count") or 0) >= 3)
        harness.wait_until(three_playing, timeout=15, process=self.node,
                           message="mmids_stream_viewers{stream=\"x\"} 3, each with its first keyframe")
        text = self.metrics()
        self.assertEqual(metric(text, "mmids_connections", role="viewer"), 3, text)
        self.assertEqual(metric(text, "mmids_connections", role="publisher"), 1, text)
        self.assertEqual(metric(text, "mmids_viewers", protocol="rtmp"), 2, text)
        self.assertEqual(metric(text, "mmids_viewers", protocol="flv"), 1, text)
        self.assertEqual(metric(text, "mmids_workflows", status="Running"), 1, text)
        self.assertGreaterEqual(metric(text, "mmids_time_to_first_keyframe_seconds_count"), 3, text)
        bytes_out = metric(text, "mmids_bytes_total", direction="out")
        bytes_in = metric(text, "mmids_bytes_total", direction="in")
        time.sleep(1.5)
        text = self.metrics()
        self.assertGreater(metric(text, "mmids_bytes_total", direction="out"), bytes_out + 50_000, text)
        self.assertGreater(metric(text, "mmids_bytes_total", direction="in"), bytes_in + 20_000, text)
        self.assertGreater(metric(text, "mmids_stream_bitrate_bits", stream="x", direction="in"), 100_000, text)
        self.assertGreater(metric(text, "mmids_stream_bitrate_bits", stream="x", direction="out"), 200_000, text)

        # /streams: what is published, and who watches it how.
        stream = self.stream_x()
        self.assertIsNotNone(stream)
        self.assertEqual(stream["source_kind"], "rtmp")
        self.assertRegex(stream["source"], r"^127\.0\.0\.1:\d+$")
        self.assertEqual(stream["video"]["codec"], "h264")
        self.assertEqual((stream["video"]["width"], stream["video"]["height"]), (640, 360))
        self.assertGreater(stream["video"]["fps"], 20)
        self.assertLess(stream["video"]["fps"], 40)
        self.assertEqual(stream["audio"]["codec"], "aac")
        self.assertGreater(stream["bitrate_in_bps"], 100_000)
        self.assertGreater(stream["uptime_seconds"], 1)
        self.assertEqual(sorted(v["protocol"] for v in stream["viewers"]), ["flv", "rtmp", "rtmp"])
        for listed in stream["viewers"]:
            self.assertRegex(listed["address"], r"^127\.0\.0\.1:\d+$")
            self.assertGreater(listed["bytes_out"], 10_000, listed)
            self.assertEqual(listed["dropped_frames"], 0, listed)
            self.assertGreater(listed["connected_seconds"], 0.5, listed)

        # /clients: every connection, the publisher among them.
        clients = self.get("/clients").json()["clients"]
        roles = sorted((c["role"], c["protocol"]) for c in clients)
        self.assertEqual(roles, [("publisher", "rtmp"), ("viewer", "flv"), ("viewer", "rtmp"), ("viewer", "rtmp")])
        publisher_entry = next(c for c in clients if c["role"] == "publisher")
        self.assertEqual(publisher_entry["address"], stream["source"])
        self.assertGreater(publisher_entry["bytes_in"], 50_000)

        # The kick: the HTTP-FLV viewer and one RTMP viewer, by id.
        flv_id = next(c["id"] for c in clients if c["protocol"] == "flv")
        rtmp_id = next(c["id"] for c in clients if c["role"] == "viewer" and c["protocol"] == "rtmp")
        for kicked in (flv_id, rtmp_id):
            response = harness.http_request("DELETE", f"{self.api}/clients/{kicked}")
            self.assertEqual(response.status, 200, response)
            self.assertEqual(response.json(), {"client": kicked, "result": "disconnected"})
        harness.wait_until(lambda: not viewers["flv"].alive(), timeout=15, message="the kicked HTTP-FLV player to stop")
        harness.wait_until(lambda: [v.alive() for v in (viewers["rtmp-a"], viewers["rtmp-b"])].count(True) == 1,
                           timeout=15, message="exactly one RTMP player to stop")
        self.assertEqual(harness.http_request("DELETE", f"{self.api}/clients/{rtmp_id}").status, 404)
        self.assertEqual(harness.http_request("DELETE", f"{self.api}/clients/999999999").status, 404)
        self.assertEqual(metric(self.metrics(), "mmids_stream_viewers", stream="x"), 1)
        # The one left keeps playing: its bytes keep growing.
        left = self.stream_x()["viewers"]
        self.assertEqual(len(left), 1, left)
        self.assertNotIn(left[0]["id"], (flv_id, rtmp_id))
        time.sleep(1.5)
        self.assertGreater(self.stream_x()["viewers"][0]["bytes_out"], left[0]["bytes_out"] + 20_000)
        self.assertRegex(self.node.log(), rf"conn={rtmp_id}.*closed: disconnected through the HTTP API")

        # The stream ends: its labels and its /streams entry go.
        publisher.stop()
        harness.wait_until(lambda: 'stream="x"' not in self.metrics(), timeout=10,
                           message="the labels of stream x to disappear")
        self.assertIsNone(self.stream_x())
        self.assertEqual(metric(self.metrics(), "mmids_connections", role="publisher"), 0)

    def test_unknown_and_malformed_client_ids(self):
        self.assertEqual(harness.http_request("DELETE", f"{self.api}/clients/42").status, 404)
        self.assertEqual(harness.http_request("DELETE", f"{self.api}/clients/abc").status, 400)
        self.assertEqual(self.get("/clients").json(), {"clients": []})
        self.assertEqual(self.get("/streams").json(), {"streams": []})
        text = self.metrics()
        self.assertEqual(metric(text, "mmids_connections", role="viewer"), 0, text)
        self.assertEqual(metric(text, "mmids_bytes_total", direction="out"), 0, text)
        self.assertEqual(metric(text, "mmids_pull_restarts_total"), 0, text)


if __name__ == "__main__":
    harness.main()
