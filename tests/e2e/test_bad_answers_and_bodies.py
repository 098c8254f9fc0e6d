"""The bad-input matrix, HTTP half: a reactor that answers 10 MB or config text with a
syntax error (tried again, then not valid: the publisher is refused and closed), and HTTP
API bodies that are not config text (400 naming the problem). Every case asserts the
node's log line and that the stream published beside it still decodes."""

import re
import socket
import threading

import harness
import media_tools as mt
from rtmp_bytes import RawRtmpPeer
from scripted_reactor import ScriptedReactor

CONFIG = """
settings {{
    bind_address 127.0.0.1
    http_api_port {api_port}
}}
reactor publishers executor=simple_http update_interval=0 {{
    url {reactor_url}
}}
workflow ingest {{
    rtmp_receive rtmp_app=publish stream_key=* port={port} reactor=publishers
    rtmp_watch rtmp_app=watch stream_key=* port={port}
}}
"""

TEN_MB_ANSWER = "workflow w {\n" + "    # padding\n" * (10 * 1024 * 1024 // 14) + "}\n"
BROKEN_ANSWER = "workflow w {\n    rtmp_receive rtmp_app=x {\n"


class BadAnswersAndBodiesTest(harness.E2ETestCase):
    def setUp(self):
        self.reactor = ScriptedReactor()
        self.addCleanup(self.reactor.close)
        answers = {"cam": (200, ""), "huge": (200, TEN_MB_ANSWER), "broken": (200, BROKEN_ANSWER)}
        self.reactor.answer = lambda path, stream: answers.get(stream, (404, ""))
        self.port = harness.free_port()
        self.api_port = harness.free_port()
        config = CONFIG.format(port=self.port, api_port=self.api_port, reactor_url=self.reactor.url("/publish"))
        self.node = mt.start_node(self, config, rtmp_port=self.port)
        harness.wait_for_port("127.0.0.1", self.api_port, timeout=10, process=self.node)
        mt.start_publisher(self, "publisher", f"rtmp://127.0.0.1:{self.port}/publish/cam", size="320x180")
        harness.wait_until(lambda: "stream=cam] publishing" in self.node.log(), timeout=15,
                           message="cam to be published", process=self.node)

    def assert_others_still_served(self):
        self.assertTrue(self.node.alive(), "the node exited")
        frames, _, output = mt.decode_with_ffmpeg(f"rtmp://127.0.0.1:{self.port}/watch/cam", seconds=1)
        self.assertGreaterEqual(len(frames), 20, output[-1500:])

    def publish_and_expect_refusal(self, key, outcome):
        peer = RawRtmpPeer("127.0.0.1", self.port, timeout=60)
        try:
            peer.handshake()
            peer.connect("publish")
            peer.wait_for(b"NetConnection.Connect.Success")
            peer.command("createStream", 2, None)
            peer.command("publish", 0, None, key, "live", stream_id=1)
            # Three attempts with 5 s and 15 s between them (simple_http_executor.hpp).
            outcome[key] = (peer.closed_by_server(timeout=60), peer.received)
        finally:
            peer.close()

    def test_a_10_mb_answer_and_a_syntax_error_are_retried_then_not_valid(self):
        outcome = {}
        publishers = [threading.Thread(target=self.publish_and_expect_refusal, args=(key, outcome))
                      for key in ("huge", "broken")]
        for thread in publishers:
            thread.start()
        for thread in publishers:
            thread.join()
        log = self.node.log()
        for key, reason in (("huge", r"response body too large"),
                            ("broken", r"answered 200 with an unparsable body: reactor publishers answer:\d+:\d+: ")):
            with self.subTest(key=key):
                closed, received = outcome[key]
                self.assertTrue(closed, f"{key}: the node kept the publisher open")
                self.assertIn(b"NetStream.Publish.BadName", received)
                self.assertRegex(log, rf"stream={key}\] attempt 1 failed \({reason}[^\n]*\); retrying in 5000 ms")
                self.assertRegex(log, rf"stream={key}\] attempt 3 failed \({reason}[^\n]*\); giving up: "
                                      r"not a valid stream")
                self.assertRegex(log, rf"stream={key}[^\]]*\] refused: stream key not approved")
                self.assertEqual(len(self.reactor.requests_for("/publish", key)), 3)
        self.assert_others_still_served()

    def test_api_bodies_that_are_not_config_text_are_400_naming_the_problem(self):
        cases = [
            (b"\x00\x01\x02\xff\xfe garbage", r"request body:1:1: invalid control character 0x00"),
            (b'{"workflow": "json is not config text"}', r"request body:1:1: '\{' must be on the same line"),
            (b"workflow w {\n    rtmp_receive \xff\xfe=1\n}\n", r"request body:2:18: invalid byte 0xFF \(not UTF-8\)"),
            (b"", r"exactly one workflow, found 0"),
            (b"workflow a {\n}\nworkflow b {\n}\n", r"exactly one workflow, found 2"),
        ]
        for body, problem in cases:
            with self.subTest(body=body[:20]):
                response = harness.http_request("PUT", f"http://127.0.0.1:{self.api_port}/workflows", body=body)
                self.assertEqual(response.status, 400, response.body)
                self.assertRegex(response.text, problem)
        # Over the API's 1 MiB body limit: refused by its Content-Length, before it is sent.
        with socket.create_connection(("127.0.0.1", self.api_port), timeout=10) as big:
            big.sendall(b"PUT /workflows HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n")
            self.assertTrue(big.recv(100).startswith(b"HTTP/1.1 413"))
        log = self.node.log()
        self.assertRegex(log, r"PUT /workflows refused: request body:1:\d+: ")
        self.assertEqual(len(re.findall(r"PUT /workflows refused", log)), len(cases))
        self.assertRegex(log, r"refused request: .*(too large|body)")
        # The node still answers and still serves media.
        self.assertEqual(harness.http_request("GET", f"http://127.0.0.1:{self.api_port}/workflows").status, 200)
        self.assert_others_still_served()


if __name__ == "__main__":
    harness.main()
