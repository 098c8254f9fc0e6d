"""One node, real RTMP peers: ffmpeg publishes a test pattern into rtmp_receive; ffmpeg,
ffplay and rtmpdump watch it through rtmp_watch; RTMPS; key conflicts; IP rules. What no
real client sends is in test_bad_rtmp_input.py."""

import os
import subprocess
import threading
import time

import harness
import media_tools as mt


def quick_start_config(port, extra_receive="", extra_watch="", settings=""):
    return f"""
settings {{
    bind_address 127.0.0.1
    {settings}
}}
workflow quick_start {{
    rtmp_receive rtmp_app=publish stream_key=* port={port} {extra_receive}
    rtmp_watch rtmp_app=watch stream_key=* port={port} {extra_watch}
}}
"""


class RtmpNodeTest(harness.E2ETestCase):
    def start_quick_start(self, **kwargs):
        self.port = harness.free_port()
        self.node = mt.start_node(self, quick_start_config(self.port, **kwargs), rtmp_port=self.port)
        return self.node

    def url(self, app, key, scheme="rtmp"):
        return f"{scheme}://127.0.0.1:{self.port}/{app}/{key}"

    def wait_publishing(self, key="cam"):
        harness.wait_until(lambda: f"stream={key}] publishing" in self.node.log(), timeout=10,
                           message=f"{key} to be published", process=self.node)

    def test_ffmpeg_viewer_decodes_from_the_first_keyframe(self):
        self.start_quick_start()
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        self.wait_publishing()
        frames, elapsed, output = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=3)
        self.assertGreaterEqual(len(frames), 60, output[-2000:])
        self.assertTrue(frames[0].keyframe, f"first decoded frame is not a keyframe: {frames[0]}")
        self.assertEqual((frames[0].width, frames[0].height), (640, 360))

    def test_ffplay_viewer_joining_mid_stream_starts_on_a_keyframe(self):
        self.start_quick_start()
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        self.wait_publishing()
        time.sleep(2.5)  # join in the middle of a GOP
        started = time.monotonic()
        frames, _, output = mt.decode_with_ffplay(self.url("watch", "cam"), seconds=2)
        self.assertGreaterEqual(len(frames), 30, output[-2000:])
        self.assertTrue(frames[0].keyframe, f"first decoded frame is not a keyframe: {frames[0]}")
        print(f"ffplay decoded {len(frames)} frames; session took {time.monotonic() - started:.2f} s")

    def test_many_viewers_at_once(self):
        self.start_quick_start()
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        self.wait_publishing()
        results = [None] * 6

        def watch(i):
            results[i] = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=2)

        threads = [threading.Thread(target=watch, args=(i,)) for i in range(len(results))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for i, (frames, _, output) in enumerate(results):
            self.assertGreaterEqual(len(frames), 40, f"viewer {i}: {output[-1500:]}")
            self.assertTrue(frames[0].keyframe, f"viewer {i} started on {frames[0]}")

    def test_rtmpdump_librtmp_plays_the_stream(self):
        self.start_quick_start()
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        self.wait_publishing()
        dump = os.path.join(self.tmp, "dump.flv")
        subprocess.run(["timeout", "4", "rtmpdump", "-q", "-v", "-r", self.url("watch", "cam"), "-o", dump],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v",
                                "-show_entries", "stream=codec_name,width,nb_read_frames", "-of", "csv=p=0", dump],
                               capture_output=True, text=True)
        self.assertEqual(probe.returncode, 0, probe.stderr)
        codec, width, frames = probe.stdout.strip().split(",")
        self.assertEqual((codec, width), ("h264", "640"))
        self.assertGreater(int(frames), 30)

    def test_rtmps_publish_and_play(self):
        certs = harness.make_test_ca(os.path.join(self.tmp, "tls"))
        settings = f"tls_cert_path {certs['cert']}\n    tls_key_path {certs['key']}"
        self.start_quick_start(extra_receive="rtmps", extra_watch="rtmps", settings=settings)
        mt.start_publisher(self, "publisher", self.url("publish", "cam", scheme="rtmps"))
        self.wait_publishing()
        frames, _, output = mt.decode_with_ffmpeg(self.url("watch", "cam", scheme="rtmps"), seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-2000:])
        self.assertTrue(frames[0].keyframe)
        # The same port speaks only TLS: a plain client gets nothing.
        plain, _, _ = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=1, timeout=6)
        self.assertEqual(plain, [])

    def test_second_publisher_on_a_live_key_is_refused_while_the_first_streams_on(self):
        self.start_quick_start()
        mt.start_publisher(self, "first", self.url("publish", "cam"))
        self.wait_publishing()
        second = mt.start_publisher(self, "second", self.url("publish", "cam"), seconds=5)
        harness.wait_until(lambda: not second.alive(), timeout=10, message="the second publisher to be refused")
        self.assertNotEqual(second.returncode, 0)
        self.assertIn("already being published", self.node.log())
        frames, _, output = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-2000:])

    def test_denied_addresses_are_refused(self):
        self.start_quick_start(extra_receive="deny_ips=127.0.0.0/8")
        publisher = mt.start_publisher(self, "publisher", self.url("publish", "cam"), seconds=5)
        harness.wait_until(lambda: not publisher.alive(), timeout=10, message="the publisher to be refused")
        self.assertNotEqual(publisher.returncode, 0)
        self.assertIn("publisher address not allowed", self.node.log())

    def test_viewer_outside_allow_list_is_refused(self):
        self.start_quick_start(extra_watch="allow_ips=10.0.0.0/8")
        mt.start_publisher(self, "publisher", self.url("publish", "cam"))
        self.wait_publishing()
        frames, _, _ = mt.decode_with_ffmpeg(self.url("watch", "cam"), seconds=1, timeout=8)
        self.assertEqual(frames, [])
        self.assertIn("viewer address not allowed", self.node.log())

    def test_connect_to_an_unknown_app_is_refused(self):
        self.start_quick_start()
        frames, _, _ = mt.decode_with_ffmpeg(self.url("nope", "cam"), seconds=1, timeout=8)
        self.assertEqual(frames, [])
        self.assertIn("connect refused", self.node.log())

    def test_exact_key_watch_refuses_other_keys(self):
        self.port = harness.free_port()
        config = f"""
settings {{
    bind_address 127.0.0.1
}}
workflow exact {{
    rtmp_receive rtmp_app=publish stream_key=* port={self.port}
    rtmp_watch rtmp_app=watch stream_key=only port={self.port}
}}
"""
        self.node = mt.start_node(self, config, rtmp_port=self.port)
        mt.start_publisher(self, "publisher", self.url("publish", "anything"))
        self.wait_publishing("anything")
        refused, _, _ = mt.decode_with_ffmpeg(self.url("watch", "anything"), seconds=1, timeout=8)
        self.assertEqual(refused, [])
        self.assertIn("no such stream to watch", self.node.log())
        # An exact-key watch serves every stream under its key.
        frames, _, output = mt.decode_with_ffmpeg(self.url("watch", "only"), seconds=2)
        self.assertGreaterEqual(len(frames), 40, output[-2000:])


if __name__ == "__main__":
    harness.main()
