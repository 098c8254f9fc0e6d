"""A raw RTMP peer for end-to-end tests that must send what no real client sends: bytes
instead of a handshake, a chunk size of 2^31-1, a 16 MiB message, AMF nested 10,000 deep,
publish before connect, stream keys no encoder would write.

    peer = RawRtmpPeer("127.0.0.1", port)
    peer.handshake()
    peer.command("connect", 1, {"app": "publish"})
    peer.wait_for(b"NetConnection.Connect.Success")
    peer.assert_closed_by_server()

Only what those tests need: AMF0 numbers, strings, booleans, null and objects; chunks of
fmt 0 and 3 on one chunk stream; the server's bytes are searched, not decoded.
"""

import os
import socket
import struct
import time

HANDSHAKE_SIZE = 1536
COMMAND_CHUNK_STREAM = 3
SET_CHUNK_SIZE = 1
COMMAND_AMF0 = 20


def amf0(value):
    """AMF0 bytes of a Python value: None, bool, int/float, str or bytes (a string), dict."""
    if value is None:
        return b"\x05"
    if isinstance(value, bool):
        return b"\x01" + (b"\x01" if value else b"\x00")
    if isinstance(value, (int, float)):
        return b"\x00" + struct.pack(">d", float(value))
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"\x02" + struct.pack(">H", len(value)) + value
    if isinstance(value, dict):
        body = b"".join(struct.pack(">H", len(k)) + k.encode() + amf0(v) for k, v in value.items())
        return b"\x03" + body + b"\x00\x00\x09"
    raise TypeError(f"no AMF0 for {value!r}")


def nested_objects(depth):
    """An AMF0 object holding an object holding ... `depth` levels deep (built flat: Python
    recursion would stop long before)."""
    return b"\x03" + b"\x00\x01a\x03" * (depth - 1) + b"\x00\x00\x09" * depth


def chunked(payload, type_id, stream_id=0, chunk_stream=COMMAND_CHUNK_STREAM, chunk_size=128, length=None):
    """One message as chunks: a fmt 0 header, then fmt 3 headers every chunk_size bytes.
    `length` overrides the length the header announces (to announce more than is sent)."""
    announced = len(payload) if length is None else length
    header = bytes([chunk_stream]) + b"\x00\x00\x00" + announced.to_bytes(3, "big") + bytes([type_id])
    header += struct.pack("<I", stream_id)
    out = bytearray(header)
    for offset in range(0, len(payload), chunk_size):
        if offset:
            out.append(0xC0 | chunk_stream)
        out += payload[offset:offset + chunk_size]
    return bytes(out)


class RawRtmpPeer:
    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.received = b""
        self.chunk_size = 128

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def handshake(self):
        """C0 C1, then C2 as the echo of S1 (the plain handshake every server accepts)."""
        c1 = struct.pack(">II", 0, 0) + os.urandom(HANDSHAKE_SIZE - 8)
        self.send(b"\x03" + c1)
        answer = self._read_exactly(1 + 2 * HANDSHAKE_SIZE)
        self.send(answer[1:1 + HANDSHAKE_SIZE])

    def set_chunk_size(self, size):
        self.send(chunked(struct.pack(">I", size), SET_CHUNK_SIZE, chunk_stream=2, chunk_size=self.chunk_size))
        self.chunk_size = size & 0x7FFFFFFF

    def command(self, name, transaction, *arguments, stream_id=0):
        payload = amf0(name) + amf0(transaction) + b"".join(
            a if isinstance(a, RawAmf) else amf0(a) for a in arguments)
        self.send(chunked(payload, COMMAND_AMF0, stream_id=stream_id, chunk_size=self.chunk_size))

    def connect(self, app):
        self.command("connect", 1, {"app": app, "type": "nonprivate", "flashVer": "FMLE/3.0",
                                    "tcUrl": f"rtmp://127.0.0.1/{app}"})

    def wait_for(self, marker, timeout=10.0):
        """Reads until the server's bytes hold `marker`; fails when it closes or time is up."""
        deadline = time.monotonic() + timeout
        while marker not in self.received:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {marker!r} from the server within {timeout} s")
            self.sock.settimeout(remaining)
            data = self.sock.recv(65536)
            if not data:
                raise AssertionError(f"the server closed the connection before sending {marker!r}")
            self.received += data

    def closed_by_server(self, timeout=10.0):
        """True when the server closes the connection (after whatever it still sends) within
        timeout; False when it is still open then."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not data:
                return True
            self.received += data

    def _read_exactly(self, size):
        data = b""
        while len(data) < size:
            part = self.sock.recv(size - len(data))
            if not part:
                raise AssertionError(f"the server closed the connection after {len(data)} of {size} bytes")
            data += part
        return data


class RawAmf(bytes):
    """AMF0 bytes written as they are (RawRtmpPeer.command), e.g. nested_objects(10000)."""
