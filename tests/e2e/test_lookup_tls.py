"""mmids-lookup over HTTPS: a certificate from a CA made by the test; a client that trusts
that CA verifies the server (chain and name) and runs the whole protocol; clients that do
not trust it, or speak plain HTTP, get nothing."""

import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class TlsTest(harness.E2ETestCase):
    def setUp(self):
        self.pki = harness.make_test_ca(os.path.join(self.tmp, "pki"))
        self.port = harness.free_port()
        self.lookup = self.start("lookup", [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{self.port}",
                                            "--tls-cert", self.pki["cert"], "--tls-key", self.pki["key"]])
        self.trusting = ssl.create_default_context(cafile=self.pki["ca"])
        harness.wait_for_http(f"https://localhost:{self.port}/healthz", status=200, process=self.lookup,
                              context=self.trusting)

    def test_verified_https_client_runs_the_protocol(self):
        for host in ("localhost", "127.0.0.1"):
            base = f"https://{host}:{self.port}"
            published = harness.post_json(base + "/publisher_lookup", {"stream_name": "secure"}, context=self.trusting)
            self.assertEqual(published.status, 200)
            answer = harness.post_json(base + "/watcher_lookup", {"stream_name": "secure"}, context=self.trusting)
            self.assertEqual(answer.status, 200)
            self.assertEqual(answer.text, "workflow ingest_secure {\n"
                                          "    ffmpeg_pull location=rtmp://127.0.0.1/pull_source/secure stream_name=secure\n"
                                          "}\n")
            self.assertEqual(harness.post_json(base + "/watcher_lookup", {"stream_name": "a}"},
                                               context=self.trusting).status, 400)
        self.assertIn("listening on https://", self.lookup.log())

    def test_untrusted_and_plain_clients_are_refused(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            harness.http_request("GET", f"https://127.0.0.1:{self.port}/healthz")  # system store only
        with self.assertRaises((ConnectionError, OSError)):
            # Plain HTTP to the HTTPS port: no HTTP answer comes back.
            response = harness.http_request("GET", f"http://127.0.0.1:{self.port}/healthz", timeout=3)
            self.fail(f"plain HTTP got an answer: {response}")
        self.assertTrue(self.lookup.alive())
        # And the server still serves verified clients afterwards.
        ok = harness.http_request("GET", f"https://localhost:{self.port}/healthz", context=self.trusting)
        self.assertEqual(ok.status, 200)

    def test_bad_certificate_files_stop_startup_with_a_reason(self):
        port = harness.free_port()
        broken = self.start("broken", [harness.program("mmids-lookup"), "--listen", f"127.0.0.1:{port}",
                                       "--tls-cert", os.path.join(self.tmp, "missing.pem"), "--tls-key", self.pki["key"]])
        harness.wait_until(lambda: not broken.alive(), timeout=10, message="the server to give up")
        self.assertNotEqual(broken.returncode, 0)
        self.assertIn("missing.pem", broken.log())


if __name__ == "__main__":
    harness.main()
