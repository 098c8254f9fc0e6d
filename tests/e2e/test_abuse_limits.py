"""Abuse limits on a real node: connections past max_connections_per_address are closed at
accept and others keep being served; a connection that never speaks goes after
first_byte_timeout; a viewer that stops reading (SIGSTOP) costs bounded memory, is
disconnected, and never slows the viewers beside it."""

import signal
import socket
import time

import harness
import media_tools as mt
from test_liveness import Watcher
from test_rtmp_node import quick_start_config


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class AbuseLimitsTest(harness.E2ETestCase):
    def start_node(self, settings=""):
        self.port = harness.free_port()
        self.node = mt.start_node(self, quick_start_config(self.port, settings=settings), rtmp_port=self.port)

    def url(self, app, key):
        return f"rtmp://127.0.0.1:{self.port}/{app}/{key}"

    def connect_from(self, source):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5, source_address=(source, 0))
        self.addCleanup(sock.close)
        return sock

    @staticmethod
    def closed_by_peer(sock, within=5.0):
        sock.settimeout(within)
        try:
            return sock.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def test_one_address_cannot_take_every_connection(self):
        self.start_node("max_connections_per_address 3")
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        harness.wait_until(lambda: "stream=cam] publishing" in self.node.log(), timeout=10, process=self.node)
        flood = [self.connect_from("127.0.0.5") for _ in range(5)]
        time.sleep(0.5)
        refused = [sock for sock in flood if self.closed_by_peer(sock, within=0.05)]
        self.assertEqual(len(refused), 2, "two connections past the limit of 3 should be closed at once")
        self.assertIn("connection refused: the address has max_connections_per_address (3) open", self.node.log())
        # Another address is served as usual while the flood holds its three.
        frames, _, output = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=1)
        self.assertGreaterEqual(len(frames), 20, output[-1500:])

    def test_a_connection_that_never_speaks_is_closed_after_the_first_byte_timeout(self):
        self.start_node()
        silent = self.connect_from("127.0.0.6")
        started = time.monotonic()
        self.assertTrue(self.closed_by_peer(silent, within=8), "a silent connection stayed open")
        print(f"a silent connection was closed after {time.monotonic() - started:.2f} s")

    def test_a_viewer_that_stops_reading_costs_bounded_memory_and_slows_nobody(self):
        self.start_node()
        mt.start_publisher(self, "publisher", self.url("publish", "cam"),
                           extra_output_args=["-b:v", "6000k", "-maxrate", "6000k", "-bufsize", "3000k"])
        harness.wait_until(lambda: "stream=cam] publishing" in self.node.log(), timeout=10, process=self.node)
        normal = [Watcher(self, f"viewer{n}", self.url("watch", "cam")) for n in range(2)]
        stuck = Watcher(self, "viewer-stuck", self.url("watch", "cam"))
        for viewer in normal + [stuck]:
            viewer.wait_decoding()
        before = rss_kib(self.node.pid)
        stopped_at = time.monotonic()
        stuck.process.signal(signal.SIGSTOP)  # stops reading; its socket buffers fill
        self.addCleanup(stuck.process.signal, signal.SIGCONT)
        # Loopback socket buffers hold several MB before a write blocks; then the slow-viewer
        # policy or the write deadline ends it.
        harness.wait_until(lambda: "viewer too slow" in self.node.log() or "a write blocked for" in self.node.log(),
                           timeout=90, process=self.node, message="the stuck viewer to be disconnected")
        dropped = time.monotonic() - stopped_at
        growth = rss_kib(self.node.pid) - before
        print(f"stuck viewer disconnected {dropped:.1f} s after it stopped reading; node RSS grew {growth} KiB")
        self.assertLess(growth, 32 * 1024, "a stuck viewer must cost bounded memory")
        for viewer in normal:
            self.assertTrue(viewer.process.alive())
            self.assertLess(viewer.longest_stall(stopped_at), 2.0, "a normal viewer stalled beside the stuck one")


if __name__ == "__main__":
    harness.main()
