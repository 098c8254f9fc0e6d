"""Nodes report to the lookup server (issue 14): a cluster from the role configs, a stream
published on the ingestion node and watched on the playback node by two RTMP players and
one HTTP-FLV player. The lookup server's GET /streams and GET /nodes (what its dashboard
shows) then hold what the nodes' reporters sent: the ingestion node's codec, picture size
and bitrate, the playback node's viewer count by protocol, and a count that follows when
a viewer leaves."""

import harness
import media_tools as mt
from cluster import Cluster


def reported(cluster, stream):
    streams = harness.http_request("GET", cluster.lookup_url + "/streams").json()["streams"]
    entry = next((s for s in streams if s["stream"] == stream), None)
    return entry and entry["reported"]


def playback_viewers(cluster, stream):
    entry = reported(cluster, stream)
    if not entry:
        return None
    by_node = {n["name"]: n for n in entry["viewers_by_node"]}
    return by_node.get("play-1")


class NodeReportsTest(harness.E2ETestCase):
    def viewer(self, name, url):
        return self.start(name, [mt.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "warning",
                                 "-rw_timeout", "10000000", "-i", url, "-f", "null", "-"])

    def test_the_lookup_server_shows_what_the_nodes_report(self):
        cluster = Cluster(self, ingestion=1, playback=1, grace=1)
        cluster.publish("rep", 1)
        players = [self.viewer("rtmp-a", cluster.watch_url("rep", 1)), self.viewer("rtmp-b", cluster.watch_url("rep", 1)),
                   self.viewer("flv", cluster.http_url("rep", 1, "flv"))]

        def three_viewers_and_measured_rates():
            # Rates are measured over a second or more: the first reports may not have them yet.
            node, entry = playback_viewers(cluster, "rep"), reported(cluster, "rep")
            measured = entry and entry["ingestion"] and entry["ingestion"]["video"]["fps"] > 0
            return node if node and node["viewers"] == 3 and measured else None

        node = harness.wait_until(three_viewers_and_measured_rates, timeout=20, process=cluster.lookup,
                                  message="the playback node's report of 3 viewers, the ingestion node's rates")
        self.assertEqual(node["viewers_by_protocol"], {"rtmp": 2, "flv": 1, "hls": 0})
        self.assertEqual(node["node"], cluster.playback_host(1))
        entry = reported(cluster, "rep")
        self.assertEqual(entry["viewers"], 3)
        ingestion = entry["ingestion"]
        self.assertEqual(ingestion["source"], "rtmp")
        video = ingestion["video"]
        self.assertEqual((video["codec"], video["width"], video["height"]), ("h264", 640, 360), ingestion)
        self.assertGreater(video["fps"], 20)
        self.assertEqual(ingestion["audio"], {"codec": "aac"})
        self.assertGreater(ingestion["bitrate_in_bps"], 100_000)

        nodes = harness.http_request("GET", cluster.lookup_url + "/nodes").json()["nodes"]
        by_address = {n["address"]: n for n in nodes}
        self.assertEqual(by_address[cluster.ingestion_host(1)]["name"], "ingest-1")
        self.assertEqual(by_address[cluster.ingestion_host(1)]["role"], "ingestion")
        self.assertEqual(by_address[cluster.playback_host(1)]["name"], "play-1")
        self.assertEqual(by_address[cluster.playback_host(1)]["role"], "playback")
        self.assertEqual(by_address[cluster.playback_host(1)]["viewers"], 3)
        self.assertFalse(by_address[cluster.playback_host(1)]["stale"])

        # The playback node's own metrics agree, and show its one pull and its lookup.
        metrics = harness.http_request(
            "GET", f"http://{cluster.playback_host(1)}:{cluster.playback_api_port(1)}/metrics").text
        for sample in ('mmids_stream_viewers{stream="rep"} 3', 'mmids_pulls{stream="rep"} 1',
                       'mmids_connections{role="pull"} 1'):
            self.assertIn(sample + "\n", metrics)
        # At least the first lookup (a pull that restarts makes the node ask again).
        self.assertRegex(metrics, r'mmids_reactor_requests_total\{outcome="valid",reactor="watchers"\} [1-9]')
        self.assertRegex(metrics, r'mmids_reactor_request_seconds_count\{reactor="watchers"\} [1-9]')

        # A viewer leaves: the next report says so.
        players[2].stop()
        harness.wait_until(lambda: (playback_viewers(cluster, "rep") or {}).get("viewers") == 2, timeout=15,
                           message="the report to drop to 2 viewers")
        self.assertEqual(playback_viewers(cluster, "rep")["viewers_by_protocol"]["flv"], 0)


if __name__ == "__main__":
    harness.main()
