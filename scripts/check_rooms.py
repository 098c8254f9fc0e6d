#!/usr/bin/env python3
"""Fails the build when a room reaches into a room it did not name.

Usage: check_rooms.py ROOMS_TXT SOURCE_DIR

ROOMS_TXT (written by cmake/Rooms.cmake) has a line per room: NAME DIR PURE ROOMS, where
ROOMS is a comma list of room names. A file belongs to the deepest room folder holding it.
Each `#include "dir/.../file.hpp"` of a project header must name a header of the file's own
room or of one of its ROOMS; a PURE room (protocol code: bytes in, bytes out) may include
no Boost header at all. Tests and programs are not rooms: they may use everything.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)


def main():
    table, source = sys.argv[1], sys.argv[2]
    rooms = {}
    for line in open(table):
        parts = line.split()
        if not parts:
            continue
        name, folder, pure = parts[0], parts[1], parts[2] == "1"
        uses = parts[3].split(",") if len(parts) > 3 else []
        rooms[name] = {"dir": folder.rstrip("/"), "pure": pure, "uses": uses}
    by_dir = {room["dir"]: name for name, room in rooms.items()}

    def room_of(path):
        """The room owning a project-relative path: its deepest room folder."""
        folder = os.path.dirname(path)
        while folder:
            if folder in by_dir:
                return by_dir[folder]
            folder = os.path.dirname(folder)
        return None

    problems = []
    for name, room in sorted(rooms.items()):
        allowed = {name, *room["uses"]}
        unknown = [u for u in room["uses"] if u not in rooms]
        if unknown:
            problems.append(f"room {name} names unknown rooms: {', '.join(unknown)}")
        for top, _, files in os.walk(os.path.join(source, room["dir"])):
            for file in files:
                if not file.endswith((".hpp", ".cpp", ".h")):
                    continue
                path = os.path.relpath(os.path.join(top, file), source)
                if room_of(path) != name:
                    continue  # a nested room's file
                text = open(os.path.join(source, path), encoding="utf-8", errors="replace").read()
                for number, match in enumerate(INCLUDE.finditer(text)):
                    kind, header = match.groups()
                    line = text.count("\n", 0, match.start()) + 1
                    if kind == "<":
                        if room["pure"] and header.startswith("boost/"):
                            problems.append(f"{path}:{line}: the pure room {name} includes <{header}>")
                        continue
                    owner = room_of(header)
                    if owner is None:
                        continue  # not a project header
                    if room["pure"] and header == "mmids-core/common/asio.hpp":
                        problems.append(f"{path}:{line}: the pure room {name} includes Asio ({header})")
                    if owner not in allowed:
                        problems.append(f"{path}:{line}: room {name} includes {header} of room {owner}, "
                                        f"which it does not name (cmake: ROOMS {' '.join(sorted(room['uses']))})")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"check_rooms: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
