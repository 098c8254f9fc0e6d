"""mmids-lookup with the Redis store: two servers share one Redis and answer alike; a
restarted server loses nothing; Redis going away gives 503 (with the reason in the log)
and its return is noticed without restarting anything; expiry is Redis' own."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SEED_ANSWER = ("workflow ingest_{s} {{\n"
               "    ffmpeg_pull location=rtmp://{ip}/pull_source/{s} stream_name={s}\n"
               "}}\n")


class RedisStoreTest(harness.E2ETestCase):
    def setUp(self):
        self.redis, self.redis_port = harness.start_redis(self.processes)
        self.store = f"redis://127.0.0.1:{self.redis_port}/0"

    def start_lookup(self, name, *flags, port=None):
        port = port or harness.free_port()
        process = self.start(name, [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{port}",
                                    "--store", self.store, "--log-level", "debug", *flags])
        base = f"http://127.0.0.1:{port}"
        harness.wait_for_http(base + "/healthz", status=200, process=process)
        return process, base

    def publish(self, base, name, **kwargs):
        return harness.post_json(base + "/publisher_lookup", {"stream_name": name}, **kwargs)

    def watch(self, base, name, **kwargs):
        return harness.post_json(base + "/watcher_lookup", {"stream_name": name}, **kwargs)

    def test_two_servers_answer_alike(self):
        _, first = self.start_lookup("lookup-a")
        _, second = self.start_lookup("lookup-b")
        self.assertEqual(self.publish(first, "via_a", source_address="127.0.0.2").status, 200)
        self.assertEqual(self.publish(second, "via_b", source_address="127.0.0.3").status, 200)
        for base in (first, second):
            self.assertEqual(self.watch(base, "via_a").text, SEED_ANSWER.format(s="via_a", ip="127.0.0.2"))
            self.assertEqual(self.watch(base, "via_b").text, SEED_ANSWER.format(s="via_b", ip="127.0.0.3"))
            self.assertEqual(self.watch(base, "nobody").status, 404)

        # The latest publisher wins across servers too.
        self.publish(second, "via_a", source_address="127.0.0.4")
        self.assertIn("rtmp://127.0.0.4/pull_source/via_a ", self.watch(first, "via_a", source_address="127.0.0.5").text)

        # Both list the same streams, with the playback nodes that asked either of them.
        listings = [harness.http_request("GET", base + "/streams").json() for base in (first, second)]
        self.assertEqual(listings[0]["store"], self.store)
        for listing in listings:
            by_name = {entry["stream"]: entry for entry in listing["streams"]}
            self.assertEqual(sorted(by_name), ["via_a", "via_b"])
            self.assertEqual(by_name["via_a"]["ingestion_address"], "127.0.0.4")
            self.assertIn("127.0.0.5", [n["address"] for n in by_name["via_a"]["playback_nodes"]])
        metrics = harness.http_request("GET", second + "/metrics").text
        self.assertIn("mmids_lookup_streams 2", metrics.splitlines())

    def test_a_restarted_server_loses_nothing(self):
        port = harness.free_port()
        process, base = self.start_lookup("lookup-1", port=port)
        self.publish(base, "durable", source_address="127.0.0.2")
        self.assertEqual(process.stop(), 0)
        _, base = self.start_lookup("lookup-2", port=port)
        self.assertEqual(self.watch(base, "durable").text, SEED_ANSWER.format(s="durable", ip="127.0.0.2"))

    def test_redis_down_gives_503_and_its_return_recovers(self):
        lookup, base = self.start_lookup("lookup")
        self.assertEqual(self.publish(base, "before", source_address="127.0.0.2").status, 200)

        self.assertEqual(self.redis.stop(), 0)  # SIGTERM: Redis saves and exits
        for response in (self.publish(base, "during"), self.watch(base, "before"),
                         harness.http_request("GET", base + "/streams"),
                         harness.http_request("GET", base + "/healthz")):
            self.assertEqual(response.status, 503, response)
            self.assertIn("redis", response.json()["error"])
        self.assertIn("mmids_lookup_store_up 0", harness.http_request("GET", base + "/metrics").text)
        self.assertTrue(lookup.alive())
        harness.wait_until(lambda: "redis unavailable" in lookup.log(), timeout=5, message="the reason in the log")
        self.assertRegex(lookup.log(), r"redis unavailable: .*(refused|lost|closed|EOF|reset)")

        # Redis comes back on the same port with its saved data; nothing is restarted here.
        self.redis, _ = harness.start_redis(self.processes, port=self.redis_port, name="redis-again")
        harness.wait_until(lambda: self.publish(base, "after").status == 200, timeout=10,
                           message="lookups to work again")
        self.assertEqual(self.watch(base, "before").text, SEED_ANSWER.format(s="before", ip="127.0.0.2"))
        self.assertEqual(self.watch(base, "after").status, 200)
        self.assertEqual(harness.http_request("GET", base + "/healthz").status, 200)
        self.assertIn("redis connected", lookup.log())

    def test_a_stream_ended_through_one_server_is_gone_on_both(self):
        _, first = self.start_lookup("lookup-a")
        _, second = self.start_lookup("lookup-b")
        self.publish(first, "ending", source_address="127.0.0.2")
        self.watch(second, "ending", source_address="127.0.0.3")
        end = lambda base, source: harness.http_request(  # noqa: E731
            "DELETE", base + "/publisher_lookup", body=json.dumps({"stream_name": "ending"}),
            headers={"Content-Type": "application/json"}, source_address=source)
        self.assertEqual(end(second, "127.0.0.9").status, 404)  # not the node that has it
        self.assertEqual(self.watch(first, "ending").status, 200)
        self.assertEqual(end(second, "127.0.0.2").status, 200)
        self.assertEqual(self.watch(first, "ending").status, 404)  # refused at once, not after the TTL
        self.assertEqual(end(first, "127.0.0.2").status, 404)
        self.assertEqual(harness.http_request("GET", first + "/streams").json()["streams"], [])

    def test_expiry_is_redis_native(self):
        _, base = self.start_lookup("lookup", "--publisher-ttl", "1")
        self.publish(base, "brief")
        self.assertEqual(self.watch(base, "brief").status, 200)
        time.sleep(2.2)
        self.assertEqual(self.watch(base, "brief").status, 404)
        self.assertEqual(harness.http_request("GET", base + "/streams").json()["streams"], [])


if __name__ == "__main__":
    harness.main()
