#!/usr/bin/env python3
"""A herald plugin with the `metrics` capability (herald-plugins(7), "conversations and
metrics"): it publishes into the folder its options name (`dir`), and answers metrics requests
from <dir>/metrics.json, which the test writes: {"followers": n, "posts": {remote_id: {...}}}.
Every request is logged to <dir>/requests.jsonl."""

import json
import os
import sys

options = {}


def folder():
    path = options.get("dir", "counting")
    os.makedirs(path, exist_ok=True)
    return path


def handle(request):
    global options
    with open(os.path.join(folder() if options else ".", "requests.jsonl"), "a") as log:
        log.write(json.dumps(request) + "\n")
    kind = request["type"]
    if kind == "hello":
        options = request.get("options", {})
        return {"type": "hello", "protocol": 1, "name": "counting",
                "capabilities": {"metrics": True}}
    if kind == "publish":
        remote_id = "c-" + request["job"].replace("/", "-")
        return {"type": "published", "remote_id": remote_id}
    if kind == "metrics":
        path = os.path.join(folder(), "metrics.json")
        data = json.load(open(path)) if os.path.exists(path) else {}
        counts = data.get("posts", {})
        items = [{"remote_id": p["remote_id"], "metrics": counts[p["remote_id"]]}
                 for p in request["posts"] if p["remote_id"] in counts]
        answer = {"type": "metrics", "items": items}
        if "followers" in data:
            answer["followers"] = data["followers"]
        return answer
    return {"type": "error", "kind": "permanent", "message": f"no {kind} here"}


for line in sys.stdin:
    request = json.loads(line)
    answer = handle(request)
    answer["id"] = request["id"]
    print(json.dumps(answer), flush=True)
