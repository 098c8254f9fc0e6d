"""mmids-lookup's locks over a real socket: signed node requests (shared secret), node
networks, token authorisation with the `mmids-lookup token` helper, the end of a stream
(DELETE), header and connection caps, and --log-format json lines for both programs."""

import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def signed_headers(secret, method, path, body, when=None):
    """The X-Mmids-* headers a node's reactor sends (mmids-core/signing)."""
    timestamp = str(int(time.time() if when is None else when))
    nonce = secrets.token_hex(16)
    text = "\n".join([timestamp, nonce, method, path]) + "\n" + body
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {"X-Mmids-Timestamp": timestamp, "X-Mmids-Nonce": nonce, "X-Mmids-Signature": "v1=" + digest}


class LookupSecurityTest(harness.E2ETestCase):
    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_lookup(self, *flags, name="lookup"):
        port = harness.free_port()
        process = self.start(name, [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{port}", *flags])
        base = f"http://127.0.0.1:{port}"
        harness.wait_for_http(base + "/healthz", status=200, process=process)
        return process, base, port

    def call(self, method, url, value, secret=None, source="127.0.0.1", when=None):
        body = json.dumps(value)
        path = "/" + url.split("/", 3)[3]
        headers = {"Content-Type": "application/json"}
        if secret:
            headers.update(signed_headers(secret, method, path, body, when))
        return harness.http_request(method, url, body=body, headers=headers, source_address=source)

    def test_only_signed_requests_can_record_or_move_a_stream(self):
        secret_file = self.write("cluster.secret", "cluster-secret\n")
        process, base, _ = self.start_lookup("--shared-secret-file", secret_file)
        cam = {"stream_name": "cam1"}
        self.assertEqual(self.call("POST", base + "/publisher_lookup", cam, "cluster-secret", "127.0.0.2").status, 200)

        # The outsider of issue 13: an unsigned POST from another address.
        outsider = self.call("POST", base + "/publisher_lookup", cam, source="127.0.0.66")
        self.assertEqual(outsider.status, 401)
        self.assertIn("not signed", outsider.json()["error"])
        self.assertEqual(self.call("POST", base + "/publisher_lookup", cam, "guess", "127.0.0.66").status, 401)
        stale = self.call("POST", base + "/publisher_lookup", cam, "cluster-secret", "127.0.0.66", time.time() - 300)
        self.assertEqual(stale.status, 401)
        self.assertIn("from this server's clock", stale.json()["error"])

        answer = self.call("POST", base + "/watcher_lookup", cam, "cluster-secret", "127.0.0.3")
        self.assertEqual(answer.status, 200)
        self.assertIn("rtmp://127.0.0.2/pull_source/cam1 ", answer.text)  # not moved
        self.assertEqual(self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.3").status, 401)
        harness.wait_until(lambda: "refused (401 unsigned)" in process.log(), message="a log line for the refusal")
        metrics = harness.http_request("GET", base + "/metrics").text
        self.assertIn('mmids_lookup_refusals_total{reason="unsigned",route="publisher_lookup"} 1', metrics)
        self.assertIn('mmids_lookup_refusals_total{reason="stale",route="publisher_lookup"} 1', metrics)

    def test_node_networks_refuse_other_addresses(self):
        _, base, _ = self.start_lookup("--publisher-network", "127.0.0.2/32", "--watcher-network", "127.0.0.3")
        cam = {"stream_name": "cam1"}
        self.assertEqual(self.call("POST", base + "/publisher_lookup", cam, source="127.0.0.2").status, 200)
        refused = self.call("POST", base + "/publisher_lookup", cam, source="127.0.0.4")
        self.assertEqual(refused.status, 403)
        self.assertIn("not in the node networks", refused.json()["error"])
        self.assertEqual(self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.4").status, 403)
        self.assertEqual(self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.3").status, 200)

    def test_token_authorisation_with_the_token_helper(self):
        secret_file = self.write("token.secret", "token-secret\n")
        config = self.write("lookup.toml", f'[publishers]\nauth = "token"\ntoken_secret_file = "{secret_file}"\n')
        minted = subprocess.run([harness.program("mmids-lookup"), "token", "--secret-file", secret_file,
                                 "--stream", "cam1", "--valid", "60", "--url", "rtmp://ingest.example/ingest"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(minted.returncode, 0, minted.stderr)
        token = minted.stdout.splitlines()[0]
        self.assertIn(f"rtmp://ingest.example/ingest/cam1?token={token}", minted.stdout)

        process, base, _ = self.start_lookup("--config", config)
        with_token = {"stream_name": "cam1", "client_address": "198.51.100.9", "query": f"token={token}"}
        self.assertEqual(self.call("POST", base + "/publisher_lookup", with_token).status, 200)
        refused = self.call("POST", base + "/publisher_lookup", {"stream_name": "cam1", "query": "token=1-abc"})
        self.assertEqual(refused.status, 404)  # the node refuses its publisher with BadName
        other = self.call("POST", base + "/publisher_lookup", dict(with_token, stream_name="cam2"))
        self.assertEqual(other.status, 404)
        harness.wait_until(lambda: "publisher refused by token authorisation" in process.log(),
                           message="a log line saying why")
        bad = subprocess.run([harness.program("mmids-lookup"), "token", "--stream", "cam1"],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--secret-file", bad.stderr)

    def test_a_stream_ends_when_its_node_says_so(self):
        _, base, _ = self.start_lookup()
        cam = {"stream_name": "cam1"}
        self.call("POST", base + "/publisher_lookup", cam, source="127.0.0.2")
        self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.3")
        self.assertEqual(self.call("DELETE", base + "/publisher_lookup", cam, source="127.0.0.9").status, 404)
        self.assertEqual(self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.3").status, 200)
        self.assertEqual(self.call("DELETE", base + "/watcher_lookup", cam, source="127.0.0.3").status, 200)
        self.assertEqual(self.call("DELETE", base + "/publisher_lookup", cam, source="127.0.0.2").status, 200)
        self.assertEqual(self.call("POST", base + "/watcher_lookup", cam, source="127.0.0.3").status, 404)

    def test_header_and_connection_caps(self):
        config = self.write("lookup.toml", "max_connections = 3\nmax_header_bytes = 8192\n")
        _, base, port = self.start_lookup("--config", config)
        huge = harness.http_request("GET", base + "/healthz", headers={"X-Padding": "x" * 20480})
        self.assertEqual(huge.status, 431)

        request = b"GET /healthz HTTP/1.1\r\nHost: lookup\r\n\r\n"
        held = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(request)
            self.assertIn(b" 200 ", s.recv(4096))  # answered, and kept open (keep-alive)
            held.append(s)
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            extra.sendall(request)
            self.assertEqual(extra.recv(4096), b"")  # closed at once, unanswered
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            extra.close()
        for s in held:
            s.close()
        harness.wait_until(lambda: harness.http_request("GET", base + "/healthz").status == 200,
                           message="the server to take connections again")

    def test_json_log_lines_carry_the_fields_as_keys(self):
        process, base, _ = self.start_lookup("--log-format", "json")
        self.call("POST", base + "/publisher_lookup", {"stream_name": "cam1"}, source="127.0.0.2")

        def recorded():
            lines = [json.loads(line) for line in process.log().splitlines() if line.strip()]
            return [line for line in lines if line.get("stream") == "cam1"]
        [line] = harness.wait_until(recorded, message="the json line about cam1")
        self.assertEqual(line["level"], "info")
        self.assertEqual(line["message"], "publisher recorded at 127.0.0.2")
        self.assertTrue(line["peer"].startswith("127.0.0.2:"))
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        rtmp_port = harness.free_port()
        node_config = self.write("node.config", f"workflow w {{\n rtmp_receive rtmp_app=live stream_key=* port={rtmp_port}\n}}\n")
        node = self.start("mmids", [harness.program("mmids"), "--config", node_config, "--log-format", "json"])
        harness.wait_for_port("127.0.0.1", rtmp_port, process=node)
        node_lines = harness.wait_until(lambda: [json.loads(l) for l in node.log().splitlines() if l.strip()],
                                        message="mmids log lines")
        self.assertTrue(all({"time", "level", "message"} <= set(line) for line in node_lines))
        self.assertTrue(any(line.get("workflow") == "w" for line in node_lines), node_lines)


if __name__ == "__main__":
    harness.main()
