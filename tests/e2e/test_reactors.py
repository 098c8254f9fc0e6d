"""Reactors against a real HTTP(S) endpoint: a reactor holds publishers and viewers
until it answers, 404 refuses them, answers create workflows that re-asks update, and
the media of a watcher lookup's workflows reaches the viewers (pull routing)."""

import os
import subprocess
import time

import harness
import media_tools as mt
from scripted_reactor import ScriptedReactor, pull_answer


def pull_sockets(source_host, target_host, target_port):
    """Established TCP connections from source_host to target_host:target_port."""
    out = subprocess.run(["ss", "-Htn", "state", "established", "dst", f"{target_host}:{target_port}"],
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if f"{source_host}:" in line.split()[2]]


class ReactorTest(harness.E2ETestCase):
    def setUp(self):
        self.reactor = ScriptedReactor()
        self.addCleanup(self.reactor.close)

    def ingestion_node(self, reactor_url=None, host="127.0.0.2", update_interval=0, extra=""):
        port = harness.free_port(host)
        reactor_block, reactor_arg = "", ""
        if reactor_url:
            reactor_block = (f"reactor publishers executor=simple_http update_interval={update_interval} {{\n"
                             f"    url: {reactor_url}\n{extra}}}\n")
            reactor_arg = "reactor=publishers"
        config = f"""
settings {{
    bind_address {host}
}}
{reactor_block}
workflow ingestion {{
    rtmp_receive rtmp_app=ingest stream_key=* port={port} {reactor_arg}
    rtmp_watch rtmp_app=pull_source stream_key=* port={port}
}}
"""
        node = mt.start_node(self, config, name=f"ingestion-{host}", rtmp_host=host, rtmp_port=port)
        return node, host, port

    def playback_node(self, reactor_url, host="127.0.0.3", grace="1", api_port=None, extra_workflows=""):
        port = harness.free_port(host)
        api = f"http_api_port {api_port}" if api_port else ""
        config = f"""
settings {{
    bind_address {host}
    {api}
}}
reactor watchers executor=simple_http update_interval=60 {{
    url: {reactor_url}
}}
workflow pending_watchers {{
    rtmp_watch rtmp_app=live stream_key=* reactor=watchers idle_grace={grace} port={port}
}}
{extra_workflows}
"""
        node = mt.start_node(self, config, name=f"playback-{host}", rtmp_host=host, rtmp_port=port)
        return node, host, port

    def test_publisher_reactor_request_and_404_refusal(self):
        node, host, port = self.ingestion_node(self.reactor.url("/publisher_lookup"))
        self.reactor.answer = lambda path, stream: (200, "") if stream == "good" else (404, "")
        mt.start_publisher(self, "good", f"rtmp://{host}:{port}/ingest/good")
        bad = mt.start_publisher(self, "bad", f"rtmp://{host}:{port}/ingest/bad", seconds=5)
        harness.wait_until(lambda: not bad.alive(), timeout=10, message="the refused publisher to exit")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("stream key not approved (NetStream.Publish.BadName)", node.log())
        harness.wait_until(lambda: "stream=good] publishing" in node.log(), timeout=10, process=node)
        request = self.reactor.requests_for("/publisher_lookup", "good")[0]
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["headers"].get("Content-Type"), "application/json")
        # The original's body is {"stream_name"}; the client's address rides beside it so
        # a lookup server can rule on who publishes (an mmids reactor ignores extra keys).
        self.assertEqual(request["body"], {"stream_name": "good", "client_address": "127.0.0.1"})
        self.assertEqual(request["source"], host, "the request must come from the node's bind_address")
        frames, _, output = mt.decode_with_ffmpeg(f"rtmp://{host}:{port}/pull_source/good", seconds=1)
        self.assertGreater(len(frames), 10, output[-1500:])

    def test_reask_404_disconnects_the_publisher(self):
        node, host, port = self.ingestion_node(self.reactor.url("/publisher_lookup"), update_interval=1)
        self.reactor.answer = lambda path, stream: (200, "")
        publisher = mt.start_publisher(self, "publisher", f"rtmp://{host}:{port}/ingest/cam", seconds=30)
        harness.wait_until(lambda: "stream=cam] publishing" in node.log(), timeout=10, process=node)
        self.reactor.answer = lambda path, stream: (404, "")
        harness.wait_until(lambda: not publisher.alive(), timeout=10, message="the publisher to be disconnected")
        self.assertIn("the reactor withdrew the stream key", node.log())

    def test_update_interval_applies_a_changed_answer(self):
        api_port = harness.free_port()
        port = harness.free_port()
        config = f"""
settings {{
    bind_address 127.0.0.1
    http_api_port {api_port}
}}
reactor publishers executor=simple_http update_interval=1 {{
    url {self.reactor.url("/publisher_lookup")}
}}
workflow ingestion {{
    rtmp_receive rtmp_app=ingest stream_key=* port={port} reactor=publishers
}}
"""
        node = mt.start_node(self, config, rtmp_port=port)
        answer = {"text": "workflow first {\n}\n"}
        self.reactor.answer = lambda path, stream: (200, answer["text"])
        mt.start_publisher(self, "publisher", f"rtmp://127.0.0.1:{port}/ingest/cam", seconds=30)

        def names():
            return sorted(w["name"] for w in harness.http_request("GET", f"http://127.0.0.1:{api_port}/workflows").json())

        harness.wait_until(lambda: names() == ["first", "ingestion"], timeout=10, message="workflow first", process=node)
        answer["text"] = "workflow second {\n}\n"
        harness.wait_until(lambda: names() == ["ingestion", "second"], timeout=10, message="first replaced by second",
                           process=node)

    def test_viewer_404_is_refused_quickly(self):
        node, host, port = self.playback_node(self.reactor.url("/watcher_lookup"))
        started = time.monotonic()
        frames, _, output = mt.decode_with_ffmpeg(f"rtmp://{host}:{port}/live/nobody", seconds=1, timeout=10)
        elapsed = time.monotonic() - started
        self.assertEqual(frames, [])
        self.assertIn("stream not found", output.lower())
        self.assertIn("NetStream.Play.StreamNotFound", node.log())
        print(f"viewer of an unknown stream refused after {elapsed:.2f} s")

    def test_pull_routing_delivers_the_answered_workflow_to_the_viewer_on_demand(self):
        ingestion, ing_host, ing_port = self.ingestion_node()
        self.reactor.answer = lambda path, stream: (200, pull_answer(stream, ing_host, ing_port))
        playback, play_host, play_port = self.playback_node(self.reactor.url("/watcher_lookup"), grace="1.5")
        mt.start_publisher(self, "publisher", f"rtmp://{ing_host}:{ing_port}/ingest/cam")
        harness.wait_until(lambda: "stream=cam] publishing" in ingestion.log(), timeout=10, process=ingestion)
        time.sleep(0.5)
        self.assertEqual(pull_sockets(play_host, ing_host, ing_port), [], "pulled before anyone watched")

        frames, elapsed, output = mt.decode_with_ffmpeg(f"rtmp://{play_host}:{play_port}/live/cam", seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-2000:])
        self.assertTrue(frames[0].keyframe)
        self.assertEqual(len(self.reactor.requests_for("/watcher_lookup", "cam")), 1)
        # Right after the viewer left, the pull is kept for the grace period...
        self.assertEqual(len(pull_sockets(play_host, ing_host, ing_port)), 1)
        # ...and then released.
        harness.wait_until(lambda: pull_sockets(play_host, ing_host, ing_port) == [], timeout=6,
                           message="the pull to stop after the grace period")
        self.assertIn("no viewers for 1500 ms: releasing the lookup", playback.log())

    def test_many_viewers_share_one_lookup_and_one_pull(self):
        ingestion, ing_host, ing_port = self.ingestion_node()
        self.reactor.answer = lambda path, stream: (200, pull_answer(stream, ing_host, ing_port))
        playback, play_host, play_port = self.playback_node(self.reactor.url("/watcher_lookup"))
        mt.start_publisher(self, "publisher", f"rtmp://{ing_host}:{ing_port}/ingest/cam")
        harness.wait_until(lambda: "stream=cam] publishing" in ingestion.log(), timeout=10, process=ingestion)
        viewers = [self.start(f"viewer{i}", [mt.FFMPEG, "-hide_banner", "-i", f"rtmp://{play_host}:{play_port}/live/cam",
                                             "-t", "4", "-f", "null", "-"]) for i in range(4)]
        harness.wait_until(lambda: playback.log().count("stream=cam] playing") == 4, timeout=10, process=playback)
        self.assertEqual(len(pull_sockets(play_host, ing_host, ing_port)), 1)
        self.assertEqual(len(self.reactor.requests_for("/watcher_lookup", "cam")), 1)
        for viewer in viewers:
            viewer.popen.wait(timeout=15)

    def test_explicit_forwarder_answer_delivers_once(self):
        ingestion, ing_host, ing_port = self.ingestion_node()
        forward = "    workflow_forwarder target_workflow=pending_watchers\n"
        self.reactor.answer = lambda path, stream: (200, pull_answer(stream, ing_host, ing_port, forward))
        playback, play_host, play_port = self.playback_node(self.reactor.url("/watcher_lookup"))
        mt.start_publisher(self, "publisher", f"rtmp://{ing_host}:{ing_port}/ingest/cam")
        harness.wait_until(lambda: "stream=cam] publishing" in ingestion.log(), timeout=10, process=ingestion)
        frames, _, output = mt.decode_with_ffmpeg(f"rtmp://{play_host}:{play_port}/live/cam", seconds=3)
        self.assertGreaterEqual(len(frames), 60, output[-2000:])
        # Delivered twice, every frame would repeat: timestamps would not increase.
        times = [f.pts_time for f in frames]
        self.assertEqual(times, sorted(set(times)), "frames were delivered more than once")

    def test_https_reactor_with_a_test_ca(self):
        certs = harness.make_test_ca(os.path.join(self.tmp, "tls"))
        secure = ScriptedReactor(certs=certs)
        self.addCleanup(secure.close)
        secure.answer = lambda path, stream: (200, "")
        node, host, port = self.ingestion_node(secure.url("/publisher_lookup"), extra=f"    ca_file {certs['ca']}\n")
        mt.start_publisher(self, "publisher", f"rtmp://{host}:{port}/ingest/cam")
        harness.wait_until(lambda: "stream=cam] publishing" in node.log(), timeout=10, process=node)
        self.assertEqual(len(secure.requests_for("/publisher_lookup", "cam")), 1)


if __name__ == "__main__":
    harness.main()
