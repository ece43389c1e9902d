#!/usr/bin/env python3
"""A herald plugin with the `conversations` capability, written from herald-plugins(7): it
serves the messages of a JSON file (options.inbox: a list of items, each with a "seq" number),
gives the highest seq as its cursor and, asked with a cursor, only what came after it. Every
request is appended to options.log; replies are appended to the inbox as our own messages."""

import json
import sys

options = {}


def load():
    with open(options["inbox"]) as f:
        return json.load(f)


def answer(request):
    kind = request["type"]
    if kind == "hello":
        options.update(request.get("options", {}))
        return {"type": "hello", "protocol": 1, "name": "chat",
                "capabilities": {"conversations": True}}
    with open(options["log"], "a") as f:
        f.write(json.dumps(request) + "\n")
    if kind == "conversations":
        after = int(request.get("cursor") or 0)
        items = [i for i in load() if i["seq"] > after and i["created_at"] >= request["since"]]
        cursor = max([i["seq"] for i in load()] + [after])
        return {"type": "conversations", "items": items, "cursor": str(cursor)}
    if kind == "reply":
        inbox = load()
        seq = max(i["seq"] for i in inbox) + 1
        inbox.append({"seq": seq, "remote_id": f"r-{seq}", "author": "@us", "ours": True,
                      "text": request["text"], "created_at": "2026-12-03T12:00:30Z",
                      "in_reply_to": request["in_reply_to"],
                      "conversation": request["conversation"]})
        with open(options["inbox"], "w") as f:
            json.dump(inbox, f)
        return {"type": "replied", "remote_id": f"r-{seq}", "url": f"https://chat.example/r-{seq}"}
    return {"type": "error", "kind": "permanent", "message": f"cannot {kind}"}


for line in sys.stdin:
    request = json.loads(line)
    reply = answer(request)
    reply["id"] = request["id"]
    print(json.dumps(reply), flush=True)
