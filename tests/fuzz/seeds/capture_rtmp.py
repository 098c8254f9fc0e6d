#!/usr/bin/env python3
"""Records the first bytes of one RTMP conversation between real programs, for seeds.

    capture_rtmp.py LISTEN_PORT TARGET_HOST:TARGET_PORT OUT_PREFIX [--bytes N]

Accepts one connection on 127.0.0.1:LISTEN_PORT, relays it to the target both ways, and
writes what the client sent to OUT_PREFIX.client and what the server sent to
OUT_PREFIX.server (the first N bytes each, default 8192). Point a publisher or a player
at the listen port and a real server (mmids, nginx-rtmp) at the target. The seeds of
fuzz_rtmp_server_dialogue and fuzz_rtmp_client_dialogue are these files behind the
targets' control bytes (tests/fuzz/seeds/README.md).
"""

import argparse
import selectors
import socket


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("listen_port", type=int)
    parser.add_argument("target")
    parser.add_argument("out_prefix")
    parser.add_argument("--bytes", type=int, default=8192)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)

    with socket.create_server(("127.0.0.1", args.listen_port)) as listener:
        client, _ = listener.accept()
    server = socket.create_connection((host, int(port)))
    recorded = {client: bytearray(), server: bytearray()}  # by the socket that sent them
    other = {client: server, server: client}
    selector = selectors.DefaultSelector()
    for side in (client, server):
        selector.register(side, selectors.EVENT_READ)
    open_sides = 2
    while open_sides:
        for key, _ in selector.select():
            data = key.fileobj.recv(65536)
            if not data:
                selector.unregister(key.fileobj)
                other[key.fileobj].shutdown(socket.SHUT_WR)
                open_sides -= 1
                continue
            recorded[key.fileobj] += data[: max(0, args.bytes - len(recorded[key.fileobj]))]
            other[key.fileobj].sendall(data)
    for side, suffix in ((client, "client"), (server, "server")):
        with open(f"{args.out_prefix}.{suffix}", "wb") as f:
            f.write(recorded[side])


if __name__ == "__main__":
    main()
