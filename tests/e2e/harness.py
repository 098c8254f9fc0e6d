"""Shared helpers for mmids-cpp's end-to-end tests (Python standard library only).

Every e2e test is a plain `unittest` script that ctest runs with two environment variables:
MMIDS_BINARY_DIR (the build tree; programs are under apps/) and MMIDS_SOURCE_DIR.

What this module gives a test:

- E2ETestCase: a TestCase with a fresh temporary directory (self.tmp) and a ProcessGroup
  (self.processes) that is always stopped after the test, pass or fail. When a test fails,
  the end of every process log is printed so the failure explains itself. Set
  MMIDS_E2E_KEEP=1 to keep the directory (its path is printed).
- ProcessGroup / ManagedProcess: start programs with their output captured to
  <dir>/<name>.log, check they are alive, stop them (SIGTERM, then SIGKILL after a grace),
  read their logs. A child also gets SIGTERM if the test interpreter dies (Linux).
- free_port / free_ports: unused loopback TCP ports.
- wait_for_port / wait_for_http / wait_until: bounded waits that fail early, with the
  process log, when the process being waited for has exited.
- http_request / post_json: HTTP(S) calls that return status, headers and body for every
  status (no exception on 4xx/5xx).
- program(name): the path of a built program, e.g. program("mmids-lookup").
- start_redis(group): a private redis-server on a free loopback port.
- make_test_ca(dir): a throwaway CA and a server certificate (openssl CLI).
- sanitizer_report(text): the first ASan/LSan/UBSan report in a program's output, or None.
  E2ETestCase fails a test when any process it started wrote one (a sanitizer build,
  scripts/test.sh's second tree), whatever that process's exit status was.
- main(): run the tests of the calling script; exit status non-zero on failure.

Keep this module general: any test (node, lookup, cluster) may import it.
"""

import contextlib
import ctypes
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

__all__ = [
    "E2ETestCase", "ProcessGroup", "ManagedProcess", "HttpResponse", "binary_dir", "source_dir",
    "program", "free_port", "free_ports", "wait_for_port", "wait_for_http", "wait_until",
    "http_request", "post_json", "start_redis", "make_test_ca", "sanitizer_report", "main",
]


# --------------------------------------------------------------------------- locations

def binary_dir():
    """The build tree (MMIDS_BINARY_DIR); defaults to <source>/build for manual runs."""
    return os.environ.get("MMIDS_BINARY_DIR") or os.path.join(source_dir(), "build")


def source_dir():
    """The source tree (MMIDS_SOURCE_DIR); defaults to this file's repository."""
    return os.environ.get("MMIDS_SOURCE_DIR") or os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


def program(name):
    """Path of a program built under <build>/apps (e.g. "mmids-lookup"); fails if absent."""
    for candidate in (os.path.join(binary_dir(), "apps", name), os.path.join(binary_dir(), name)):
        if os.access(candidate, os.X_OK):
            return candidate
    raise AssertionError(f"{name} is not built under {binary_dir()}/apps (build it first)")


# --------------------------------------------------------------------------- ports

_handed_out = set()  # ports this process gave out: not yet bound by whoever got them


def _ports_outside_the_ephemeral_range():
    """The ports a test may hand out: below the kernel's ephemeral range, which its own
    outgoing connections (players, publishers, HTTP clients of every test running beside
    this one) draw their local ports from. A port picked there could be taken as a client's
    local port between the pick and the node's bind, and the node would not start."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    return range(10000, ephemeral_low)


def _bindable(family, host, port):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def free_ports(count, host="127.0.0.1"):
    """`count` distinct TCP ports nothing is bound to right now, none of them given out
    before by this process (a node's RTMP port is picked before its API port, and neither
    is bound until the node starts). They are drawn at random from below the ephemeral
    range, so no outgoing connection takes one before its server binds it; tests running
    side by side draw from thousands of ports, so they almost never pick the same one, and
    a port another test's server holds fails the bind check and is passed over."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    allowed = _ports_outside_the_ephemeral_range()
    ports = []
    for port in random.sample(allowed, len(allowed)):
        if port not in _handed_out and _bindable(family, host, port):
            ports.append(port)
            if len(ports) == count:
                _handed_out.update(ports)
                return ports
    raise AssertionError(f"no {count} free TCP ports on {host} in {allowed.start}-{allowed.stop - 1} "
                         "(below the ephemeral range, net.ipv4.ip_local_port_range)")


def free_port(host="127.0.0.1"):
    """One TCP port nothing listens on right now."""
    return free_ports(1, host)[0]


# --------------------------------------------------------------------------- sanitizers

# How ASan, LeakSanitizer and UBSan start a report (UBSan: "file:line:column: runtime error:").
_SANITIZER_REPORT = re.compile(r"^.*(ERROR: AddressSanitizer|ERROR: LeakSanitizer|:\d+:\d+: runtime error: ).*$",
                               re.M)


def sanitizer_report(text, lines=40):
    """The first sanitizer report in a program's output (up to `lines` lines of it), or None."""
    match = _SANITIZER_REPORT.search(text)
    if not match:
        return None
    return "\n".join(text[match.start():].splitlines()[:lines])


# --------------------------------------------------------------------------- processes

def _die_with_parent():
    """preexec_fn: new session (own process group) and SIGTERM when the test dies (Linux)."""
    os.setsid()
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ManagedProcess:
    """A program started by a ProcessGroup, its output in a log file."""

    def __init__(self, name, args, log_path, env=None, cwd=None):
        self.name = name
        self.args = [str(a) for a in args]
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen(
            self.args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=env, cwd=cwd, preexec_fn=_die_with_parent)
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    @property
    def returncode(self):
        return self.popen.poll()

    def log(self):
        """Everything the process wrote so far (stdout and stderr), as text."""
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def signal(self, signum):
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def stop(self, grace=5.0):
        """SIGTERM to the process group; SIGKILL after `grace` seconds. Returns the exit code.
        Signals go only to the group this object started, and only before it is reaped (so
        its id cannot have been reused)."""
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.popen.wait(timeout=5)
        self._log.close()
        return self.popen.returncode

    def describe(self):
        state = "running" if self.alive() else f"exited with {self.returncode}"
        return f"{self.name} (pid {self.pid}, {state}): {' '.join(self.args)}"


class ProcessGroup:
    """Processes of one test. Use as a context manager or call stop_all(); both are safe twice."""

    _live_groups = []

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.processes = []
        ProcessGroup._live_groups.append(self)

    def start(self, name, args, env=None, cwd=None, extra_env=None):
        """Starts args[0] with args[1:]; output goes to <log_dir>/<name>.log."""
        if extra_env:
            env = dict(env or os.environ, **{k: str(v) for k, v in extra_env.items()})
        log_path = os.path.join(self.log_dir, f"{name}.log")
        process = ManagedProcess(name, args, log_path, env=env, cwd=cwd)
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.stop()
        if self in ProcessGroup._live_groups:
            ProcessGroup._live_groups.remove(self)

    def sanitizer_reports(self):
        """"name: report" for every process whose log holds a sanitizer report."""
        reports = []
        for process in self.processes:
            with contextlib.suppress(OSError, ValueError):
                report = sanitizer_report(process.log())
                if report:
                    reports.append(f"{process.describe()}\n{report}")
        return reports

    def log_tails(self, lines=60):
        """The last lines of every process log, for failure reports."""
        parts = []
        for process in self.processes:
            try:
                text = process.log()
            except (OSError, ValueError):
                text = ""
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"----- {process.describe()}\n{tail}")
        return "\n".join(parts)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()


def _stop_all_groups():
    for group in list(ProcessGroup._live_groups):
        group.stop_all()


import atexit  # noqa: E402  (registered once, after the class exists)
atexit.register(_stop_all_groups)


# --------------------------------------------------------------------------- waiting

def wait_until(predicate, timeout=10.0, interval=0.05, message="condition", process=None):
    """Polls predicate() until it returns something truthy (returned); fails after timeout,
    or at once when `process` (a ManagedProcess) has exited."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - the predicate may fail until ready
            last_error = e
        if process is not None and not process.alive():
            raise AssertionError(f"{process.describe()} exited while waiting for {message}\n"
                                 f"{process.log()[-4000:]}")
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {message}{detail}")
        time.sleep(interval)


def wait_for_port(host, port, timeout=10.0, process=None):
    """Waits until a TCP connection to host:port succeeds."""
    def connects():
        with socket.create_connection((host, port), timeout=0.5):
            return True
    return wait_until(connects, timeout, message=f"{host}:{port} to accept connections", process=process)


def wait_for_http(url, timeout=10.0, process=None, status=None, context=None):
    """Waits until GET url answers (with `status`, if given); returns the HttpResponse."""
    def answers():
        response = http_request("GET", url, timeout=1.0, context=context)
        return response if status is None or response.status == status else None
    return wait_until(answers, timeout, message=f"GET {url}", process=process)


# --------------------------------------------------------------------------- HTTP

class HttpResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"HttpResponse({self.status}, {self.text[:200]!r})"


def http_request(method, url, body=None, headers=None, timeout=5.0, context=None, source_address=None):
    """One HTTP(S) request on a new connection. Returns HttpResponse for any status; raises
    OSError/ssl.SSLError for network and TLS failures. `context` is an ssl.SSLContext for
    https (default: system trust store); `source_address` a local IP to connect from."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    source = (source_address, 0) if source_address else None
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, source_address=source,
                                                 context=context or ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=source)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return HttpResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


def post_json(url, value, headers=None, **kwargs):
    """POSTs json.dumps(value) (or a str/bytes body as is) with Content-Type application/json."""
    body = value if isinstance(value, (str, bytes)) else json.dumps(value)
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return http_request("POST", url, body=body, headers=all_headers, **kwargs)


# --------------------------------------------------------------------------- peers

def start_redis(group, port=None, data_dir=None, name="redis"):
    """Starts redis-server on 127.0.0.1:port (a free port by default), persisting to
    <data_dir>/redis-<port>.rdb (data_dir defaults to the group's log dir), so a restart on
    the same port and directory keeps its data. Returns (process, port) once it accepts
    connections."""
    redis = shutil.which("redis-server")
    if not redis:
        raise AssertionError("redis-server is not installed (scripts/install-deps.sh)")
    port = port or free_port()
    data_dir = data_dir or group.log_dir
    process = group.start(name, [redis, "--port", port, "--bind", "127.0.0.1", "--dir", data_dir,
                                 "--dbfilename", f"redis-{port}.rdb", "--save", "3600 1", "--appendonly", "no",
                                 "--daemonize", "no", "--protected-mode", "yes", "--logfile", ""])
    wait_for_port("127.0.0.1", port, timeout=10, process=process)
    return process, port


def make_test_ca(directory, hosts=("localhost", "127.0.0.1", "::1"), days=2):
    """A CA and a server certificate it signed for `hosts`, made with the openssl CLI.
    Returns {"ca": ca.pem, "cert": server.pem (leaf + CA), "key": server.key}."""
    openssl = shutil.which("openssl")
    if not openssl:
        raise AssertionError("openssl is not installed")
    os.makedirs(directory, exist_ok=True)
    p = {name: os.path.join(directory, name) for name in
         ("ca.key", "ca.pem", "server.key", "server.csr", "leaf.pem", "server.pem", "ext.cnf")}
    names = []
    for host in hosts:
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
            names.append(f"IP:{host}")
        except OSError:
            names.append(f"DNS:{host}")
    with open(p["ext.cnf"], "w") as f:
        f.write(f"subjectAltName={','.join(names)}\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run = lambda *args: subprocess.run([openssl, *args], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", *ec, "-keyout", p["ca.key"], "-out", p["ca.pem"], "-days", str(days),
        "-subj", "/CN=mmids e2e test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", p["server.key"], "-out", p["server.csr"], "-subj", f"/CN={hosts[0]}")
    run("x509", "-req", "-in", p["server.csr"], "-CA", p["ca.pem"], "-CAkey", p["ca.key"],
        "-CAcreateserial", "-out", p["leaf.pem"], "-days", str(days), "-extfile", p["ext.cnf"])
    with open(p["server.pem"], "w") as out:
        for part in ("leaf.pem", "ca.pem"):
            with open(p[part]) as f:
                out.write(f.read())
    return {"ca": p["ca.pem"], "cert": p["server.pem"], "key": p["server.key"]}


# --------------------------------------------------------------------------- test case

class E2ETestCase(unittest.TestCase):
    """A TestCase with self.tmp (a fresh directory) and self.processes (a ProcessGroup),
    both cleaned up after every test; process logs are printed when the test fails."""

    def run(self, result=None):
        if result is None:
            result = self.defaultTestResult()
        problems_before = len(result.failures) + len(result.errors)
        self.tmp = tempfile.mkdtemp(prefix=f"mmids-e2e-{self._testMethodName}-")
        self.processes = ProcessGroup(self.tmp)
        # Added first, so it runs last: after the test's own cleanups, every process stops
        # (sanitizers report leaks at exit) and a report in any log fails the test.
        self.addCleanup(self._stop_processes_and_check)
        try:
            return super().run(result)
        finally:
            self.processes.stop_all()
            if len(result.failures) + len(result.errors) > problems_before and self.processes.processes:
                sys.stderr.write(f"\n===== process logs of {self.id()}\n{self.processes.log_tails()}\n")
            if os.environ.get("MMIDS_E2E_KEEP"):
                sys.stderr.write(f"kept {self.tmp}\n")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)

    def _stop_processes_and_check(self):
        self.processes.stop_all()
        reports = self.processes.sanitizer_reports()
        if reports:
            self.fail("a sanitizer found a bug:\n" + "\n".join(reports))

    def start(self, name, args, **kwargs):
        """Shorthand for self.processes.start(...)."""
        return self.processes.start(name, args, **kwargs)


def main():
    """Runs the calling script's tests; the exit status is non-zero when any fails."""
    unittest.main(module="__main__", verbosity=2)
