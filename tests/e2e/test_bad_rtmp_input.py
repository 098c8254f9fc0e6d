"""The bad-input matrix, RTMP half: what an attacker or a broken client sends to an RTMP
port. Every case asserts the node's log line naming the problem, that the node closed that
connection, and that the stream being published beside it still decodes for a viewer."""

import os
import re
import resource
import selectors
import socket
import time

import harness
import media_tools as mt
from rtmp_bytes import RawAmf, RawRtmpPeer, chunked, nested_objects

IDLE_CONNECTIONS = 5000
# This process and the node (which inherits the limit) each hold one end of every idle
# connection, beside their other files.
_, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = IDLE_CONNECTIONS + 1024
if _hard != resource.RLIM_INFINITY and _hard < _wanted:
    raise SystemExit(f"the open-file hard limit is {_hard}; this test needs {_wanted} (ulimit -Hn)")
resource.setrlimit(resource.RLIMIT_NOFILE, (_wanted, _hard))

CONFIG = """
settings {{
    bind_address 127.0.0.1
}}
workflow quick_start {{
    rtmp_receive rtmp_app=publish stream_key=* port={port}
    rtmp_watch rtmp_app=watch stream_key=* port={port}
}}
"""


class BadRtmpInputTest(harness.E2ETestCase):
    def setUp(self):
        self.port = harness.free_port()
        self.node = mt.start_node(self, CONFIG.format(port=self.port), rtmp_port=self.port)
        mt.start_publisher(self, "publisher", f"rtmp://127.0.0.1:{self.port}/publish/cam", size="320x180")
        harness.wait_until(lambda: "stream=cam] publishing" in self.node.log(), timeout=15,
                           message="cam to be published", process=self.node)

    def peer(self):
        peer = RawRtmpPeer("127.0.0.1", self.port)
        self.addCleanup(peer.close)
        return peer

    def assert_closed_with(self, peer, pattern, timeout=10):
        """The node closed `peer` and logged a line matching `pattern` (a regex) about it."""
        self.assertTrue(peer.closed_by_server(timeout), "the node kept the connection open")
        harness.wait_until(lambda: re.search(pattern, self.node.log()), timeout=5,
                           message=f"a log line matching {pattern!r}", process=self.node)

    def assert_others_still_served(self):
        self.assertTrue(self.node.alive(), "the node exited")
        frames, _, output = mt.decode_with_ffmpeg(f"rtmp://127.0.0.1:{self.port}/watch/cam", seconds=1)
        self.assertGreaterEqual(len(frames), 20, output[-1500:])

    def test_random_bytes_instead_of_a_handshake(self):
        peer = self.peer()
        peer.send(b"\x07" + os.urandom(4096))
        self.assert_closed_with(peer, r"peer=127\.0\.0\.1:\d+\] closed: bad handshake: client asked for RTMP "
                                      r"version 7, only 3 is supported")
        # An HTTP request on the RTMP port gets a hint.
        http = self.peer()
        http.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(1600))
        self.assert_closed_with(http, r"closed: bad handshake: .*looks like an HTTP request")
        self.assert_others_still_served()

    def test_a_handshake_then_silence_is_closed_at_the_connect_deadline(self):
        peer = self.peer()
        peer.handshake()
        # connect_timeout is 10 s from accept (rtmp_server.hpp).
        self.assert_closed_with(peer, r"peer=127\.0\.0\.1:\d+\] closed: no RTMP connect before the deadline",
                                timeout=20)
        self.assert_others_still_served()

    def test_5000_idle_connections_cost_nobody_a_frame_and_are_closed_at_the_deadline(self):
        idle = []
        self.addCleanup(lambda: [sock.close() for sock in idle])
        # From one attacker address: past max_connections_per_address (1000 by default) they
        # are closed at accept; the 1000 let in are closed by the first-byte timeout (3 s).
        for _ in range(IDLE_CONNECTIONS):
            idle.append(socket.create_connection(("127.0.0.1", self.port), timeout=10, source_address=("127.0.0.9", 0)))
        opened = time.monotonic()
        self.assert_others_still_served()
        selector = selectors.DefaultSelector()
        for sock in idle:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        open_left = len(idle)
        while open_left and time.monotonic() - opened < 30:
            for key, _ in selector.select(timeout=1):
                try:
                    data = key.fileobj.recv(16)
                except ConnectionResetError:
                    data = b""
                self.assertEqual(data, b"", "the node sent bytes to a peer that sent none")
                selector.unregister(key.fileobj)
                open_left -= 1
        self.assertEqual(open_left, 0, f"{open_left} idle connections still open after 30 s")
        # The node closes a socket first and logs the reason when that connection's task ends
        # (on its own I/O thread), so the last lines may follow the last end of file.
        harness.wait_until(lambda: self.node.log().count("closed: no data for 3000 ms") >= 1000, timeout=5,
                   message="1000 'closed: no data for 3000 ms' lines", process=self.node)
        self.assertIn("connection refused: the address has max_connections_per_address (1000) open", self.node.log())
        self.assert_others_still_served()

    def test_chunk_size_2_31_minus_1_is_valid_and_its_16_mib_message_is_refused(self):
        peer = self.peer()
        peer.handshake()
        peer.set_chunk_size(0x7FFFFFFF)
        peer.connect("publish")
        peer.wait_for(b"NetConnection.Connect.Success")
        # One chunk may now hold a whole message: one announced at 16 MiB (the largest length
        # a chunk header can say, 2^24-1) is refused before anything is allocated for it.
        peer.send(chunked(bytes(100), 9, stream_id=1, chunk_size=peer.chunk_size, length=(16 << 20) - 1))
        self.assert_closed_with(peer, r"closed: bad chunk stream: RTMP chunk stream: chunk stream 3: message of "
                                      r"16777215 bytes exceeds the 8388608-byte limit")
        # 2^31 is not a chunk size (the high bit must be 0).
        high_bit = self.peer()
        high_bit.handshake()
        high_bit.set_chunk_size(0x80000000)
        self.assert_closed_with(high_bit, r"closed: bad chunk stream: RTMP chunk stream: peer set chunk size "
                                          r"2147483648 \(valid: 1\.\.2147483647\)")
        self.assert_others_still_served()

    def test_a_16_mib_message_at_the_default_chunk_size(self):
        peer = self.peer()
        peer.handshake()
        peer.send(chunked(bytes(128), 9, stream_id=1, length=(16 << 20) - 1))
        self.assert_closed_with(peer, r"closed: bad chunk stream: .*message of 16777215 bytes exceeds")
        self.assert_others_still_served()

    def test_amf_nested_10000_deep(self):
        peer = self.peer()
        peer.handshake()
        peer.command("connect", 1, RawAmf(nested_objects(10000)))
        self.assert_closed_with(peer, r"closed: bad command: .*AMF0: nesting deeper than 32")
        self.assert_others_still_served()

    def test_publish_before_connect(self):
        peer = self.peer()
        peer.handshake()
        peer.command("publish", 0, None, "cam2", "live", stream_id=1)
        self.assert_closed_with(peer, r"closed: command 'publish' before connect")
        self.assert_others_still_served()

    def test_play_on_an_unregistered_app(self):
        peer = self.peer()
        peer.handshake()
        peer.connect("nope")
        peer.command("createStream", 2, None)
        peer.command("play", 0, None, "cam", stream_id=1)
        self.assert_closed_with(peer, r"app=nope\] connect refused: no publisher or watcher registered for app 'nope'")
        self.assertIn(b"NetConnection.Connect.Rejected", peer.received)
        self.assert_others_still_served()

    def test_stream_keys_that_are_not_inert_text_are_refused(self):
        cases = [
            ("../../etc/passwd", "stream key holds a path separator"),
            ("my cam", "stream key holds a space"),
            ("k" * 1000, "stream key of 1000 bytes \\(at most 128\\)"),
            (b"cam\xff\xfe", "stream key is not UTF-8 text"),
            ("cam\n2026-01-01 00:00:00.000 info  forged line", "stream key holds a control character"),
        ]
        for key, reason in cases:
            for app, command, code in (("publish", "publish", b"NetStream.Publish.BadName"),
                                       ("watch", "play", b"NetStream.Play.StreamNotFound")):
                with self.subTest(key=key[:20], command=command):
                    peer = self.peer()
                    peer.handshake()
                    peer.connect(app)
                    peer.wait_for(b"NetConnection.Connect.Success")
                    peer.command("createStream", 2, None)
                    arguments = (key, "live") if command == "publish" else (key,)
                    peer.command(command, 0, None, *arguments, stream_id=1)
                    self.assert_closed_with(peer, rf"app={app}[^\]]*\] refused: {reason} \({code.decode()}\)")
                    self.assertIn(code, peer.received)
        # The key never reaches a line raw: no forged line, no 1000-character field.
        log = self.node.log()
        self.assertNotIn("\n2026-01-01 00:00:00.000 info  forged line", log)
        self.assertIn("stream=cam\\x0A2026-01-01\\x2000:00:00.000", log)
        self.assertNotIn("k" * 201, log)
        self.assert_others_still_served()


if __name__ == "__main__":
    harness.main()
