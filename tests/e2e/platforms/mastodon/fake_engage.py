"""A loopback fake of the parts of the Mastodon API that `herald engage` reads (platforms.md
section 1, "Engage inbox"), seeded with a realistic inbox: verify_credentials; GET
/api/v1/notifications (types[], since_id, max_id, limit, a Link header with rel="next" while older
items remain); GET /api/v1/statuses/:id and /context (ancestors and descendants from
in_reply_to_id); POST /api/v1/statuses (a reply is stored and shows in the thread from then on).
Every request is logged with its query.
"""

import hashlib
import itertools
import json
import re
import threading
import urllib.parse

from fakes import HookFakeServer


def _answer(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def _html(text):
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<p>" + escaped.replace("\n", "<br>") + "</p>"


class FakeMastodonEngage(HookFakeServer):
    def __init__(self, token="s3cr3t-token", page_size=3):
        self.token = token
        self.page_size = page_size  # the fake's page size when `limit` asks for more
        self.host = "127.0.0.1"
        self.me = {"id": "1", "username": "herald", "acct": "herald", "display_name": "herald",
                   "bot": False, "url": "http://127.0.0.1/@herald"}
        self.accounts = {"herald": self.me}
        self.statuses = {}  # id -> status
        self.notifications = []  # newest last
        self._status_ids = itertools.count(1000)
        self._notification_ids = itertools.count(500)
        self._state = threading.Lock()
        # Faults of a hostile or broken server: the origin its Link headers point to (None: its
        # own), and statuses whose /context answer is a JSON list instead of an object.
        self.next_origin = None
        self.context_as_list = set()
        super().__init__()

    # --- seeding -------------------------------------------------------------------------------

    def account(self, acct, bot=False):
        if acct not in self.accounts:
            self.accounts[acct] = {"id": str(100 + len(self.accounts)), "username": acct.split("@")[0],
                                   "acct": acct, "display_name": acct.split("@")[0].title(),
                                   "bot": bot, "url": f"https://{acct.split('@')[-1]}/@{acct}"}
        return self.accounts[acct]

    def status(self, acct, text, at, reply_to=None, visibility="public", mention_me=False,
               bot=False, quote=None):
        """A status by `acct` ("herald" is us); returns its id."""
        account = self.account(acct, bot)
        sid = str(next(self._status_ids))
        parent = self.statuses.get(reply_to) if reply_to else None
        mentions = []
        if mention_me or "@herald " in text or (parent and parent["account"]["id"] == self.me["id"]):
            mentions.append({"id": self.me["id"], "acct": "herald", "username": "herald"})
        status = {
            "id": sid, "created_at": at, "in_reply_to_id": reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "content": _html(text), "url": f"https://social.example/@{acct}/{sid}",
            "uri": f"https://social.example/users/{acct}/statuses/{sid}",
            "visibility": visibility, "account": account, "mentions": mentions,
        }
        if quote:
            status["quote"] = {"state": "accepted", "quoted_status": self.statuses[quote]}
        self.statuses[sid] = status
        return sid

    def notify(self, kind, status_id=None, acct=None, at=None):
        """A notification of `kind` (mention, favourite, reblog, follow...)."""
        status = self.statuses.get(status_id) if status_id else None
        account = status["account"] if status and kind == "mention" else self.account(acct or "someone@example.social")
        nid = str(next(self._notification_ids))
        self.notifications.append({
            "id": nid, "type": kind, "created_at": at or (status["created_at"] if status else "2026-12-01T00:00:00.000Z"),
            "account": account, "status": status,
        })
        return nid

    # --- log -----------------------------------------------------------------------------------

    def calls(self, path_prefix, method="GET"):
        return [r for r in self.requests if r.path.startswith(path_prefix) and r.method == method]

    def replies(self):
        return [r.json for r in self.calls("/api/v1/statuses", "POST")]

    # --- the API -------------------------------------------------------------------------------

    def handle(self, request):
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _answer(401, {"error": "The access token is invalid"})
        with self._state:
            if request.method == "GET" and request.path == "/api/v1/accounts/verify_credentials":
                return _answer(200, dict(self.me, source={}))
            if request.method == "GET" and request.path == "/api/v1/notifications":
                return self._notifications(request)
            m = re.fullmatch(r"/api/v1/statuses/(\d+)(/context)?", request.path)
            if request.method == "GET" and m:
                status = self.statuses.get(m.group(1))
                if status is None:
                    return _answer(404, {"error": "Record not found"})
                if m.group(2):
                    if m.group(1) in self.context_as_list:
                        return _answer(200, [self._context(status)])
                    return _answer(200, self._context(status))
                return _answer(200, status)
            if request.method == "POST" and request.path == "/api/v1/statuses":
                return self._post(request)
        return _answer(404, {"error": "Not found"})

    def _notifications(self, request):
        q = request.query
        types = q.get("types[]", [])
        limit = min(int(q.get("limit", ["40"])[-1]), self.page_size)
        since = q.get("since_id", [None])[-1]
        max_id = q.get("max_id", [None])[-1]

        def key(i):
            return int(i)

        items = [n for n in reversed(self.notifications)
                 if (not types or n["type"] in types)
                 and (since is None or key(n["id"]) > key(since))
                 and (max_id is None or key(n["id"]) < key(max_id))]
        page = items[:limit]
        headers = {}
        if len(items) > limit:
            params = [("max_id", page[-1]["id"]), ("limit", str(limit))] + [("types[]", t) for t in types]
            base = (self.next_origin or self.url("")) + "/api/v1/notifications"
            headers["Link"] = (f'<{base}?{urllib.parse.urlencode(params)}>; rel="next", '
                               f'<{self.url("/api/v1/notifications")}?min_id={page[0]["id"]}>; rel="prev"')
        return _answer(200, page, headers)

    def _context(self, status):
        ancestors = []
        parent = self.statuses.get(status["in_reply_to_id"]) if status["in_reply_to_id"] else None
        while parent:
            ancestors.insert(0, parent)
            parent = self.statuses.get(parent["in_reply_to_id"]) if parent["in_reply_to_id"] else None

        def below(s):
            out = []
            for child in sorted(self.statuses.values(), key=lambda x: int(x["id"])):
                if child["in_reply_to_id"] == s["id"]:
                    out.append(child)
                    out.extend(below(child))
            return out

        return {"ancestors": ancestors, "descendants": below(status)}

    def _post(self, request):
        body = request.json or {}
        if not body.get("status"):
            return _answer(422, {"error": "Validation failed: Text can't be blank"})
        reply_to = body.get("in_reply_to_id")
        if reply_to and reply_to not in self.statuses:
            return _answer(404, {"error": "Record not found"})
        sid = self.status("herald", body["status"], "2026-12-03T12:30:00.000Z", reply_to=reply_to,
                          visibility=body.get("visibility", "public"))
        return _answer(200, self.statuses[sid])
