"""A local cluster for end-to-end tests: mmids-lookup plus ingestion and playback nodes
run from configs/ingestion.config and configs/playback.config, each node on its own
127.0.x.y address, exactly as an operator deploys them (values from the environment)."""

import os
import subprocess

import harness
import media_tools as mt


class Cluster:
    """Addresses: lookup 127.0.<net>.10, ingestion i at 127.0.<net>.(10+i),
    playback j at 127.0.<net>.(20+j); every node's RTMP on one free port."""

    def __init__(self, test, ingestion=2, playback=2, net=None, grace=2, lookup_args=(), tls=None,
                 refresh=2):
        self.test = test
        self.net = net if net is not None else 50 + os.getpid() % 150
        self.rtmp_port = harness.free_port()
        self.http_port = harness.free_port()
        self.lookup_host = self.address(10)
        self.lookup_port = harness.free_port(self.lookup_host)
        self.tls = tls
        self.grace = grace
        self.refresh = refresh
        self.lookup_args = list(lookup_args)
        self.lookup = None
        self.start_lookup()
        self.ingestion = {i: self.start_node("ingestion", i) for i in range(1, ingestion + 1)}
        self.playback = {j: self.start_node("playback", j) for j in range(1, playback + 1)}

    def address(self, last):
        return f"127.0.{self.net}.{last}"

    def ingestion_host(self, i):
        return self.address(10 + i)

    def playback_host(self, j):
        return self.address(20 + j)

    @property
    def lookup_url(self):
        return f"{'https' if self.tls else 'http'}://{self.lookup_host}:{self.lookup_port}"

    def start_lookup(self, name="lookup"):
        args = [harness.program("mmids-lookup"), "--listen", f"{self.lookup_host}:{self.lookup_port}",
                "--rtmp-port", self.rtmp_port, *self.lookup_args]
        if self.tls:
            args += ["--tls-cert", self.tls["cert"], "--tls-key", self.tls["key"]]
        self.lookup = self.test.start(name, args)
        harness.wait_for_port(self.lookup_host, self.lookup_port, process=self.lookup)
        return self.lookup

    def start_node(self, role, index, name=None):
        host = self.ingestion_host(index) if role == "ingestion" else self.playback_host(index)
        self.api_ports = getattr(self, "api_ports", {})
        self.api_ports[(role, index)] = harness.free_port(host)
        env = {"MMIDS_BIND_ADDRESS": host, "MMIDS_API_ADDRESS": host, "MMIDS_API_PORT": self.api_ports[(role, index)],
               "MMIDS_LOOKUP_URL": self.lookup_url, "MMIDS_RTMP_PORT": self.rtmp_port,
               "MMIDS_HTTP_PORT": self.http_port,
               "MMIDS_IDLE_GRACE": self.grace, "MMIDS_PUBLISHER_REFRESH": self.refresh,
               # Reports to the lookup server every second, under the names its dashboard shows.
               "MMIDS_NODE_NAME": f"{'ingest' if role == 'ingestion' else 'play'}-{index}",
               "MMIDS_REPORT_INTERVAL": 1}
        if self.tls:
            env["SSL_CERT_FILE"] = self.tls["ca"]  # the nodes trust the test CA as their system store
        config = os.path.join(harness.source_dir(), "configs", f"{role}.config")
        node = self.test.start(name or f"{role}{index}", [harness.program("mmids"), "--config", config, "--log-level", "debug"],
                               extra_env=env)
        harness.wait_for_port(host, self.rtmp_port, process=node)
        return node

    def publish(self, stream, ingestion_index, name=None, seconds=None):
        url = f"rtmp://{self.ingestion_host(ingestion_index)}:{self.rtmp_port}/ingest/{stream}"
        publisher = mt.start_publisher(self.test, name or f"publisher-{stream}", url, seconds=seconds)
        node = self.ingestion[ingestion_index]
        harness.wait_until(lambda: f"stream={stream}] publishing" in node.log(), timeout=10,
                           message=f"{stream} to be published", process=node)
        return publisher

    def watch_url(self, stream, playback_index):
        return f"rtmp://{self.playback_host(playback_index)}:{self.rtmp_port}/live/{stream}"

    def playback_api_port(self, playback_index):
        return self.api_ports[("playback", playback_index)]

    def http_url(self, stream, playback_index, extension):
        """The HTTP viewer URL of a stream on a playback node: extension "flv" or "m3u8"."""
        return f"http://{self.playback_host(playback_index)}:{self.http_port}/live/{stream}.{extension}"

    def player_page(self, stream, playback_index, protocol):
        return f"http://{self.playback_host(playback_index)}:{self.http_port}/?stream=live/{stream}&protocol={protocol}"

    def pulls(self, playback_index=None):
        """Established connections from playback nodes to the ingestion nodes' RTMP port."""
        out = subprocess.run(["ss", "-Htn", "state", "established", "dport", f"= :{self.rtmp_port}"],
                             capture_output=True, text=True).stdout
        result = []
        for line in out.splitlines():
            local, peer = line.split()[2], line.split()[3]
            local_host, peer_host = local.rsplit(":", 1)[0], peer.rsplit(":", 1)[0]
            playback = [j for j in self.playback if self.playback_host(j) == local_host]
            ingestion = [i for i in self.ingestion if self.ingestion_host(i) == peer_host]
            if playback and ingestion and (playback_index is None or playback[0] == playback_index):
                result.append((playback[0], ingestion[0]))
        return result
