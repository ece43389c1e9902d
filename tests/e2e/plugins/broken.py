#!/usr/bin/env python3
"""A deliberately broken herald plugin, for the end-to-end tests.

    broken.py MODE [--idempotent] [--pids FILE]

It answers hello properly (except in the hello-* modes), then misbehaves on publish:
  hang-publish     reads the publish, then never answers
  crash-publish    reads the publish, says something on stderr, exits with status 1
  garbage-publish  answers the publish with a line that is not JSON
  huge-publish     answers the publish with 3 MiB of JSON that never ends its line
  unknown-publish  answers the publish with an unknown message type
  latin1-publish   answers the publish with a line in Latin-1, not UTF-8 (and says so on
                   stderr, in Latin-1 too)
  garbage-hello    answers hello with a line that is not JSON
  protocol-2       answers hello with protocol 2
  exit-hello       exits at once, without reading anything
  flood-publish    reads each request 4 KiB at a time, writing 1 MiB of short lines to stdout
                   between two reads (a well-formed answer once it has the whole request)
With --pids FILE it appends its pid to FILE first.
"""

import json
import os
import sys
import time

mode = sys.argv[1]
idempotent = "--idempotent" in sys.argv
if "--pids" in sys.argv:
    with open(sys.argv[sys.argv.index("--pids") + 1], "a") as f:
        f.write(f"{__import__('os').getpid()}\n")


def say(document):
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


if mode == "exit-hello":
    sys.exit(3)

def slow_lines():
    """The requests, read 4 KiB at a time, with 1 MiB of chatter on stdout between reads."""
    pending = b""
    while True:
        if b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode()
            continue
        chunk = os.read(0, 4096)
        if not chunk:
            return
        pending += chunk
        if b"\n" not in pending:
            sys.stdout.write('{"type":"log"}\n' * (1 << 16))
            sys.stdout.flush()


for line in slow_lines() if mode == "flood-publish" else sys.stdin:
    request = json.loads(line)
    rid = request["id"]
    if request["type"] == "hello":
        if mode == "garbage-hello":
            print("Usage: broken.py [options]", flush=True)
            continue
        say({"type": "hello", "id": rid, "protocol": 2 if mode == "protocol-2" else 1,
             "name": "broken", "capabilities": {"threads": True, "idempotent": idempotent}})
        continue
    if request["type"] != "publish":
        say({"type": "error", "id": rid, "kind": "permanent", "message": "unknown request"})
        continue
    if mode == "hang-publish":
        time.sleep(3600)
    elif mode == "crash-publish":
        print("Traceback (most recent call last):", file=sys.stderr, flush=True)
        print("RuntimeError: boom", file=sys.stderr, flush=True)
        sys.exit(1)
    elif mode == "garbage-publish":
        print("<html>502 Bad Gateway</html>", flush=True)
    elif mode == "huge-publish":
        sys.stdout.write('{"type":"published","id":%d,"remote_id":"' % rid)
        sys.stdout.write("x" * (3 << 20))
        sys.stdout.flush()
        time.sleep(3600)
    elif mode == "unknown-publish":
        say({"type": "surprise", "id": rid})
    elif mode == "latin1-publish":
        sys.stderr.buffer.write(b"publi\xe9\n")
        sys.stderr.buffer.flush()
        sys.stdout.buffer.write(b'{"type":"published","id":%d,"remote_id":"caf\xe9"}\n' % rid)
        sys.stdout.buffer.flush()
    else:
        say({"type": "published", "id": rid, "remote_id": "fine"})
