"""mmids-lookup over a real socket with the in-memory store: every route and status,
TTL expiry and refresh, latest publisher wins, X-Forwarded-For only from trusted proxies,
names that try to inject config, the config file and its flags."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SEED_ANSWER = ("workflow ingest_{s} {{\n"
               "    ffmpeg_pull location=rtmp://{ip}/pull_source/{s} stream_name={s}\n"
               "}}\n")


class LookupTestCase(harness.E2ETestCase):
    def start_lookup(self, *flags, name="lookup", address="127.0.0.1"):
        """Starts mmids-lookup on a free port; returns (process, base URL)."""
        port = harness.free_port(address)
        process = self.start(name, [harness.program("mmids-lookup"), "--listen", f"{address}:{port}",
                                    "--log-level", "debug", *flags])
        base = f"http://{address}:{port}"
        harness.wait_for_http(base + "/healthz", status=200, process=process)
        return process, base

    def publish(self, base, name, **kwargs):
        return harness.post_json(base + "/publisher_lookup", {"stream_name": name}, **kwargs)

    def watch(self, base, name, **kwargs):
        return harness.post_json(base + "/watcher_lookup", {"stream_name": name}, **kwargs)


class RoutesTest(LookupTestCase):
    def test_publisher_then_watcher_gets_the_seed_workflow(self):
        _, base = self.start_lookup()
        published = self.publish(base, "cam1")
        self.assertEqual(published.status, 200)
        self.assertEqual(published.body, b"")
        answer = self.watch(base, "cam1")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.text, SEED_ANSWER.format(s="cam1", ip="127.0.0.1"))
        self.assertEqual(self.watch(base, "unknown").status, 404)

    def test_every_route_and_status(self):
        process, base = self.start_lookup("--trusted-proxy", "127.0.0.1")
        self.assertEqual(harness.http_request("GET", base + "/healthz").json()["status"], "ok")
        self.assertEqual(harness.http_request("GET", base + "/publisher_lookup").status, 405)
        wrong = harness.http_request("PUT", base + "/watcher_lookup", body="{}")
        self.assertEqual(wrong.status, 405)
        self.assertEqual(wrong.headers["allow"], "DELETE, POST")
        self.assertEqual(harness.http_request("POST", base + "/streams").status, 405)
        missing = harness.http_request("GET", base + "/nothing/here")
        self.assertEqual(missing.status, 404)
        self.assertIn("error", missing.json())
        too_big = harness.post_json(base + "/publisher_lookup",
                                    '{"stream_name": "cam1", "pad": "' + "x" * 10000 + '"}')
        self.assertEqual(too_big.status, 413)
        for body in ["", "not json", "[]", '{"stream_name": 7}', '{"name": "cam1"}']:
            response = harness.post_json(base + "/publisher_lookup", body)
            self.assertEqual(response.status, 400, body)
            self.assertIn("error", response.json())

        # /streams: stream, ingestion address, age, playback nodes that asked recently.
        self.publish(base, "cam1")
        self.watch(base, "cam1", source_address="127.0.0.3")
        streams = harness.http_request("GET", base + "/streams").json()
        self.assertEqual(streams["store"], "memory")
        [entry] = streams["streams"]
        self.assertEqual(entry["stream"], "cam1")
        self.assertEqual(entry["ingestion_address"], "127.0.0.1")
        self.assertGreaterEqual(entry["age_seconds"], 0)
        self.assertEqual([n["address"] for n in entry["playback_nodes"]], ["127.0.0.3"])

        metrics = harness.http_request("GET", base + "/metrics")
        self.assertEqual(metrics.status, 200)
        self.assertTrue(metrics.headers["content-type"].startswith("text/plain; version=0.0.4"))
        for line in ['mmids_lookup_requests_total{outcome="recorded",route="publisher_lookup"} 1',
                     'mmids_lookup_requests_total{outcome="bad_request",route="publisher_lookup"} 5',
                     'mmids_lookup_requests_total{outcome="found",route="watcher_lookup"} 1',
                     'mmids_lookup_request_seconds_count{route="watcher_lookup"} 1',
                     "mmids_lookup_streams 1", "mmids_lookup_store_up 1"]:
            self.assertIn(line, metrics.text.splitlines())

        page = harness.http_request("GET", base + "/")
        self.assertEqual(page.status, 200)
        self.assertTrue(page.headers["content-type"].startswith("text/html"))
        self.assertIn('<script src="dashboard.js">', page.text)
        self.assertEqual(harness.http_request("GET", base + "/dashboard.js").status, 200)
        self.assertTrue(process.alive())

    def test_names_that_try_to_inject_config_get_400(self):
        _, base = self.start_lookup()
        self.assertEqual(self.publish(base, "good").status, 200)
        hostile = ["a}", "a{", "cam1\nworkflow evil {", "cam1\r\n", "a b", " cam1", "../etc/passwd",
                   "a/b", "x" * 129, "", "${HOME}", 'a"b', "a#comment", "caf\u00e9", "a\u0000b",
                   "good}\nworkflow x {\n    ffmpeg_push target=rtmp://evil/x\n"]
        for name in hostile:
            for route in ("/publisher_lookup", "/watcher_lookup"):
                response = harness.post_json(base + route, {"stream_name": name})
                self.assertEqual(response.status, 400, f"{route} {name!r}")
                self.assertIn("error", response.json())
                self.assertNotIn(b"workflow", response.body)
        self.assertEqual(self.publish(base, "x" * 128).status, 200)
        answer = self.watch(base, "good")
        self.assertEqual(answer.text, SEED_ANSWER.format(s="good", ip="127.0.0.1"))

    def test_latest_publisher_wins(self):
        _, base = self.start_lookup()
        self.publish(base, "moving", source_address="127.0.0.2")
        self.assertIn("rtmp://127.0.0.2/pull_source/moving ", self.watch(base, "moving").text)
        self.publish(base, "moving", source_address="127.0.0.4")
        self.assertEqual(self.watch(base, "moving").text, SEED_ANSWER.format(s="moving", ip="127.0.0.4"))

    def test_entries_expire_after_the_ttl_and_refreshes_extend_it(self):
        _, base = self.start_lookup("--publisher-ttl", "2")
        self.publish(base, "short")
        self.assertEqual(self.watch(base, "short").status, 200)
        time.sleep(1.2)
        self.assertEqual(self.publish(base, "short").status, 200)  # the reactor's re-ask
        time.sleep(1.2)  # 2.4 s after the first publish, 1.2 s after the refresh
        self.assertEqual(self.watch(base, "short").status, 200)
        time.sleep(1.2)  # 2.4 s after the refresh
        self.assertEqual(self.watch(base, "short").status, 404)
        self.assertEqual(harness.http_request("GET", base + "/streams").json()["streams"], [])

    def test_x_forwarded_for_only_from_trusted_proxies(self):
        _, base = self.start_lookup("--trusted-proxy", "127.0.0.1")
        via_proxy = {"X-Forwarded-For": "203.0.113.9, 198.51.100.20"}
        # From the trusted proxy: the nearest untrusted hop is the publisher.
        self.publish(base, "proxied", headers=via_proxy)
        self.assertIn("rtmp://198.51.100.20/pull_source/proxied ", self.watch(base, "proxied").text)
        # From anyone else: the header is a claim we ignore.
        self.publish(base, "direct", headers=via_proxy, source_address="127.0.0.2")
        self.assertIn("rtmp://127.0.0.2/pull_source/direct ", self.watch(base, "direct").text)
        # IPv6 hops are bracketed in the answer.
        self.publish(base, "v6", headers={"X-Forwarded-For": "[2001:db8::7]:5000"})
        self.assertEqual(self.watch(base, "v6").text, SEED_ANSWER.format(s="v6", ip="[2001:db8::7]"))
        # A trusted proxy that sends garbage is refused rather than guessed at.
        self.assertEqual(self.publish(base, "bad", headers={"X-Forwarded-For": "a}b"}).status, 400)


class ConfigTest(LookupTestCase):
    def test_config_file_and_flags(self):
        config = os.path.join(self.tmp, "lookup.toml")
        with open(config, "w") as f:
            f.write('pull_app = "edge_source"\nrtmp_port = 1940\npublisher_ttl = 60\n'
                    'answer_template = """\nworkflow ingest_{{stream_name}} {\n'
                    '    ffmpeg_pull location=rtmp://{{address}}/{{pull_app}}/{{stream_name}} '
                    'stream_name={{stream_name}}\n}\n"""\n')
        _, base = self.start_lookup("--config", config, "--rtmp-port", "1941")
        self.publish(base, "cam1")
        self.assertEqual(self.watch(base, "cam1").text,
                         "workflow ingest_cam1 {\n    ffmpeg_pull location=rtmp://127.0.0.1:1941/edge_source/cam1"
                         " stream_name=cam1\n}\n")

    def test_shipped_config_checks_and_bad_configs_fail_clearly(self):
        lookup = harness.program("mmids-lookup")
        shipped = os.path.join(harness.source_dir(), "configs", "lookup.toml")
        ok = subprocess.run([lookup, "--check", "--config", shipped], capture_output=True, text=True, timeout=30)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        bad = os.path.join(self.tmp, "bad.toml")
        with open(bad, "w") as f:
            f.write('listen = "127.0.0.1:8080"\npublisher_tll = 5\n')
        failed = subprocess.run([lookup, "--check", "--config", bad], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("bad.toml:2", failed.stderr)
        self.assertIn("publisher_tll", failed.stderr)

        # A port in use: the server says so and exits non-zero.
        _, base = self.start_lookup()
        port = base.rsplit(":", 1)[1]
        busy = subprocess.run([lookup, "--listen", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(busy.returncode, 0)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", busy.stdout + busy.stderr)

    def test_defaults_listen_flag_alone_makes_a_working_server(self):
        port = harness.free_port()
        process = self.start("lookup", [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{port}"])
        base = f"http://127.0.0.1:{port}"
        harness.wait_for_http(base + "/healthz", status=200, process=process)
        self.assertEqual(self.publish(base, "cam1").status, 200)
        self.assertEqual(self.watch(base, "cam1").status, 200)
        self.assertEqual(process.stop(), 0)  # SIGTERM: a clean exit
        self.assertIn("stopping", process.log())


if __name__ == "__main__":
    harness.main()
