"""A scripted reactor endpoint for end-to-end tests: an HTTP(S) server in the test's own
process that records every request (method, path, headers, JSON body, source address)
and answers from a script the test changes while it runs."""

import http.server
import json
import ssl
import threading


class ScriptedReactor:
    """answer(path, stream_name) -> (status, body); the default answers 404."""

    def __init__(self, host="127.0.0.1", port=0, certs=None):
        self.requests = []
        self.lock = threading.Lock()
        self.answer = lambda path, stream: (404, "")
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                stream = body.get("stream_name") if isinstance(body, dict) else None
                with owner.lock:
                    owner.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers),
                                           "body": body, "source": self.client_address[0], "stream": stream})
                status, text = owner.answer(self.path, stream)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.scheme = "http"
        if certs:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certs["cert"], certs["key"])
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def requests_for(self, path, stream=None):
        with self.lock:
            return [r for r in self.requests if r["path"] == path and (stream is None or r["stream"] == stream)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def pull_answer(stream, ingestion_host, ingestion_port, extra_steps=""):
    """The lookup server's watcher answer for a stream on an ingestion node."""
    return (f"workflow ingest_{stream} {{\n"
            f"    ffmpeg_pull location=rtmp://{ingestion_host}:{ingestion_port}/pull_source/{stream} stream_name={stream}\n"
            f"{extra_steps}"
            f"}}\n")
