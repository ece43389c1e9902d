#!/usr/bin/env python3
"""A herald plugin that publishes nothing but says which descriptors it was started with.

    fds.py FILE

Writes one line per open descriptor to FILE ("3 -> socket:[123]"), leaving out the one it
lists /proc/self/fd through, then answers hello and publishes like any plugin."""

import json
import os
import sys

listing = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
lines = []
for name in sorted(os.listdir(listing), key=int):
    fd = int(name)
    if fd == listing:
        continue
    try:
        target = os.readlink(f"{name}", dir_fd=listing)
    except OSError:
        continue  # gone while listing (os.listdir's own descriptor)
    lines.append(f"{fd} -> {target}\n")
os.close(listing)
with open(sys.argv[1], "w") as f:
    f.writelines(lines)

for line in sys.stdin:
    request = json.loads(line)
    if request["type"] == "hello":
        answer = {"type": "hello", "id": request["id"], "protocol": 1, "name": "fds"}
    else:
        answer = {"type": "published", "id": request["id"], "remote_id": "fds"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
