"""A loopback fake of the parts of the Bluesky API that `herald engage` reads (platforms.md
section 2, "Engage inbox"), on FakeBluesky: app.bsky.notification.listNotifications (reasons,
limit, cursor for older pages), app.bsky.feed.getPostThread (parents and nested replies), and a
record written with createRecord joins the threads it replies to.
"""

import hashlib
import itertools
import json
import re
import threading
import urllib.parse

from platforms.bluesky.fake import FakeBluesky


def _answer(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def _html(text):
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<p>" + escaped.replace("\n", "<br>") + "</p>"


class FakeBlueskyEngage(FakeBluesky):
    def __init__(self, page_size=3, **kwargs):
        self.page_size = page_size
        self.graph = {}  # uri -> postView
        self.notes = []  # notifications, newest last
        self.profiles = {}
        self._rkeys = itertools.count(1)
        super().__init__(**kwargs)
        self.profile(self.user_handle, self.did)

    def profile(self, handle, did=None, bot=False):
        if handle not in self.profiles:
            did = did or "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
            self.profiles[handle] = {"did": did, "handle": handle,
                                     "displayName": handle.split(".")[0].title(),
                                     "labels": ([{"src": did, "uri": f"at://{did}/app.bsky.actor.profile/self",
                                                  "val": "bot", "cts": "2026-01-01T00:00:00.000Z"}]
                                                if bot else [])}
        return self.profiles[handle]

    def post(self, handle, text, at, reply_to=None, mention_me=False, quote=None, bot=False):
        author = self.profile(handle, bot=bot)
        rkey = f"3lengage{next(self._rkeys):05d}"
        uri = f"at://{author['did']}/app.bsky.feed.post/{rkey}"
        cid = "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:40]
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at}
        if reply_to:
            parent = self.graph[reply_to]
            root = parent["record"].get("reply", {}).get("root") or {"uri": parent["uri"], "cid": parent["cid"]}
            record["reply"] = {"root": root, "parent": {"uri": parent["uri"], "cid": parent["cid"]}}
        if mention_me:
            record["facets"] = [{"index": {"byteStart": 0, "byteEnd": len(self.user_handle) + 1},
                                 "features": [{"$type": "app.bsky.richtext.facet#mention", "did": self.did}]}]
        if quote:
            record["embed"] = {"$type": "app.bsky.embed.record",
                               "record": {"uri": quote, "cid": self.graph[quote]["cid"]}}
        self.graph[uri] = {"uri": uri, "cid": cid, "author": author, "record": record,
                           "indexedAt": at, "likeCount": 0, "replyCount": 0}
        return uri

    def notify(self, reason, uri=None, handle=None, at=None, subject=None):
        view = self.graph.get(uri) if uri else None
        author = view["author"] if view else self.profile(handle or "someone.test")
        self.notes.append({
            "uri": uri or f"at://{author['did']}/app.bsky.feed.like/x{len(self.notes)}",
            "cid": view["cid"] if view else "bafyreilike",
            "author": author, "reason": reason, "reasonSubject": subject,
            "record": view["record"] if view else {"$type": "app.bsky.feed.like", "createdAt": at},
            "isRead": False, "indexedAt": at or view["indexedAt"], "labels": [],
        })

    def handle(self, request):
        nsid = request.path[len("/xrpc/"):] if request.path.startswith("/xrpc/") else ""
        if nsid == "app.bsky.notification.listNotifications" and request.method == "GET":
            with self._state:
                refused = self._check_access(request)
                return refused or self._list_notifications(request)
        if nsid == "app.bsky.feed.getPostThread" and request.method == "GET":
            with self._state:
                refused = self._check_access(request)
                return refused or self._get_post_thread(request)
        answer = super().handle(request)
        if nsid == "com.atproto.repo.createRecord" and answer and answer[0] == 200:
            with self._state:
                self._adopt(json.loads(answer[2]))
        return answer

    def _adopt(self, created):
        for record in self.records.values():
            if record["uri"] == created["uri"]:
                self.graph[record["uri"]] = {"uri": record["uri"], "cid": record["cid"],
                                             "author": self.profiles[self.user_handle],
                                             "record": record["value"],
                                             "indexedAt": record["value"]["createdAt"]}

    def _list_notifications(self, request):
        q = request.query
        reasons = q.get("reasons", [])
        limit = min(int(q.get("limit", ["50"])[-1]), self.page_size)
        start = int(q.get("cursor", ["0"])[-1] or 0)
        items = [n for n in reversed(self.notes) if not reasons or n["reason"] in reasons]
        page = items[start:start + limit]
        body = {"notifications": page, "seenAt": "2026-12-01T00:00:00.000Z"}
        if start + limit < len(items):
            body["cursor"] = str(start + limit)
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _get_post_thread(self, request):
        uri = request.query.get("uri", [""])[-1]
        view = self.graph.get(uri)
        if view is None:
            return 400, {"Content-Type": "application/json"}, json.dumps(
                {"error": "NotFound", "message": f"Post not found: {uri}"}).encode()

        def node(v, with_parent):
            n = {"$type": "app.bsky.feed.defs#threadViewPost", "post": v}
            if with_parent:
                parent_ref = v["record"].get("reply", {}).get("parent")
                if parent_ref and parent_ref["uri"] in self.graph:
                    n["parent"] = node(self.graph[parent_ref["uri"]], True)
            return n

        def with_replies(v):
            n = {"$type": "app.bsky.feed.defs#threadViewPost", "post": v, "replies": []}
            for child in self.graph.values():
                if child["record"].get("reply", {}).get("parent", {}).get("uri") == v["uri"]:
                    n["replies"].append(with_replies(child))
            return n

        top = with_replies(view)
        parented = node(view, True)
        if "parent" in parented:
            top["parent"] = parented["parent"]
        return 200, {"Content-Type": "application/json"}, json.dumps({"thread": top}).encode()
