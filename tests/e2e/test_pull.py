"""ffmpeg_pull between two nodes: node B pulls node A's stream natively; when A restarts,
B's pull resumes by itself and B's viewer, still connected, decodes again."""

import time

import harness
import media_tools as mt


class PullTest(harness.E2ETestCase):
    def start_source_node(self, host, port, name):
        config = f"""
settings {{
    bind_address {host}
}}
workflow ingestion {{
    rtmp_receive rtmp_app=ingest stream_key=* port={port}
    rtmp_watch rtmp_app=pull_source stream_key=* port={port}
}}
"""
        return mt.start_node(self, config, name=name, rtmp_host=host, rtmp_port=port)

    def test_pull_resumes_after_the_source_node_restarts(self):
        a_host, b_host = "127.0.0.2", "127.0.0.3"
        a_port, b_port = harness.free_port(a_host), harness.free_port(b_host)
        node_a = self.start_source_node(a_host, a_port, "node-a")
        config_b = f"""
settings {{
    bind_address {b_host}
}}
workflow ingest_cam {{
    ffmpeg_pull location=rtmp://{a_host}:{a_port}/pull_source/cam stream_name=cam
    rtmp_watch rtmp_app=live stream_key=* port={b_port}
}}
"""
        node_b = mt.start_node(self, config_b, name="node-b", rtmp_host=b_host, rtmp_port=b_port)
        publisher = mt.start_publisher(self, "publisher", f"rtmp://{a_host}:{a_port}/ingest/cam")
        harness.wait_until(lambda: "started as stream cam" in node_b.log(), timeout=10, process=node_b)
        viewer = self.start("viewer", [mt.FFMPEG, "-hide_banner", "-nostats", "-i", f"rtmp://{b_host}:{b_port}/live/cam",
                                       "-vf", "showinfo", "-f", "null", "-"])

        def frames():
            return len(mt.parse_showinfo(viewer.log()))

        harness.wait_until(lambda: frames() > 30, timeout=10, message="the viewer to decode", process=viewer)
        node_a.stop()
        publisher.stop()
        restarted_at = time.monotonic()
        self.start_source_node(a_host, a_port, "node-a-restarted")
        mt.start_publisher(self, "publisher-again", f"rtmp://{a_host}:{a_port}/ingest/cam")
        before = frames()
        harness.wait_until(lambda: frames() > before + 30, timeout=15, message="frames after the restart",
                           process=viewer)
        print(f"viewer decoded again {time.monotonic() - restarted_at:.2f} s after node A restarted")
        self.assertIn("retrying in", node_b.log())
        self.assertTrue(viewer.alive())


if __name__ == "__main__":
    harness.main()
