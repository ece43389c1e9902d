#!/usr/bin/env python3
"""A herald plugin written from herald-plugins(7) alone, to prove the page is enough.

It keeps each post as a JSON file in the folder that the account's options name (`dir`),
remembers idempotency keys in that folder (so it is idempotent across runs), takes up to two
media files per message and threads, limits text to 50 graphemes, and has rules of its own for
`herald validate`: no "TODO" in a post. A post whose text has "#ratelimit" is refused with a
rate limit the first time, to show retry_after. It answers `find` from the keys it remembers;
a post whose text has "#lookupfails" cannot be looked up (a retryable error).
"""

import json
import os
import sys

options = {}


def folder():
    path = options.get("dir", "stamps")
    os.makedirs(path, exist_ok=True)
    return path


def hello(request):
    global options
    options = request.get("options", {})
    return {"type": "hello", "protocol": 1, "name": "stamps",
            "capabilities": {"max_length": 50, "length_unit": "graphemes", "media": True,
                             "max_media": 2, "threads": True, "idempotent": True,
                             "validate": True, "verify": True, "find": True}}


def validate(request):
    problems = []
    if "TODO" in request["text"]:
        problems.append("the post still says TODO")
    for part in request["parts"]:
        for media in part["media"]:
            if not media["alt"]:
                problems.append(f"{os.path.basename(media['file'])} has no alt text")
    return {"type": "validated", "problems": problems}


def publish(request):
    key = request["idempotency_key"]
    seen = os.path.join(folder(), "keys.json")
    keys = json.load(open(seen)) if os.path.exists(seen) else {}
    if key in keys:
        return {"type": "published", "remote_id": keys[key]}
    if "#ratelimit" in request["text"] and not os.path.exists(os.path.join(folder(), "limited")):
        open(os.path.join(folder(), "limited"), "w").close()
        return {"type": "error", "kind": "rate_limited", "message": "slow down",
                "retry_after": 60}
    remote_id = f"stamp-{len(keys) + 1}"
    with open(os.path.join(folder(), remote_id + ".json"), "w") as f:
        json.dump({"job": request["job"], "post": request["post"], "parts": request["parts"],
                   "media_exist": [os.path.isabs(m["file"]) and os.path.exists(m["file"])
                                   for p in request["parts"] for m in p["media"]]}, f)
    keys[key] = remote_id
    with open(seen, "w") as f:
        json.dump(keys, f)
    print(f"stamped {remote_id}", file=sys.stderr, flush=True)
    return {"type": "published", "remote_id": remote_id,
            "url": "file://" + os.path.abspath(os.path.join(folder(), remote_id + ".json"))}


def find(request):
    if "#lookupfails" in request["text"]:
        return {"type": "error", "kind": "retryable", "message": "the archive is offline"}
    seen = os.path.join(folder(), "keys.json")
    keys = json.load(open(seen)) if os.path.exists(seen) else {}
    if request["idempotency_key"] not in keys:
        return {"type": "found", "found": False}
    remote_id = keys[request["idempotency_key"]]
    return {"type": "found", "found": True, "remote_id": remote_id,
            "url": "file://" + os.path.abspath(os.path.join(folder(), remote_id + ".json"))}


def handle(request):
    kind = request["type"]
    if kind == "hello":
        return hello(request)
    if kind == "validate":
        return validate(request)
    if kind == "verify":
        return {"type": "verified", "detail": "stamps go to " + os.path.abspath(folder())}
    if kind == "publish":
        return publish(request)
    if kind == "find":
        return find(request)
    return {"type": "error", "kind": "permanent", "message": f"no {kind} here"}


for line in sys.stdin:
    request = json.loads(line)
    answer = handle(request)
    answer["id"] = request["id"]
    print(json.dumps(answer), flush=True)
