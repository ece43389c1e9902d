"""A loopback fake of Slack: incoming webhooks and the Web API methods herald calls.

- POST /services/<team>/<bot>/<secret>: an incoming webhook. Answers 200 with the plain text
  "ok", or a plain-text error code with a 4xx, as Slack does (no message id either way).
- POST /api/chat.postMessage (Bearer token, JSON or form): answers HTTP 200 with
  {"ok": true, "channel", "ts", "message"} or {"ok": false, "error": ...}.
- GET /api/chat.getPermalink?channel=&message_ts=, POST /api/auth.test.
- GET /api/conversations.history?channel=&oldest=&limit=&cursor=&include_all_metadata=: the
  channel's messages newest first, those after `oldest` (a Unix time), `limit` a page (at most
  999) with response_metadata.next_cursor while more are left; a message's `metadata`
  ({event_type, event_payload}, as chat.postMessage stored it) only with include_all_metadata.
"""

import itertools
import json
import re
import time
import urllib.parse

from fakes import HookFakeServer


def _ok_false(error, **extra):
    document = {"ok": False, "error": error}
    document.update(extra)
    return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(document).encode()


def _ok(document):
    document = dict({"ok": True}, **document)
    return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(document).encode()


def _plain(status, text):
    return status, {"Content-Type": "text/html"}, text.encode()


class SlackFake(HookFakeServer):
    WEBHOOK_PATH = re.compile(r"^/services/(T\w+)/(B\w+)/(\w+)$")

    def __init__(self, token="xoxb-1-fake-s3cret", hook_secret="hOoKfAkEs3cr3t",
                 channels=("C0HERALD",), team="Herald Test", max_len=40000):
        self.token = token
        self.hook_secret = hook_secret
        self.channels = set(channels)
        self.hook_channel = "C0HOOK"
        self.team = team
        self.max_len = max_len
        self.messages = []  # {"channel", "ts", "text", "thread_ts"?, "via"}
        self._ts = itertools.count(1)
        self.clock = time.time  # message timestamps; tests that run herald at --now set it
        super().__init__()

    def webhook_url(self, secret=None):
        return self.url(f"/services/T0HERALD/B0HOOK/{secret or self.hook_secret}")

    def api_url(self):
        return self.url("/api")

    def posted(self, request):
        """The chat.postMessage arguments of a request (JSON or form)."""
        if request.json is not None:
            return request.json
        form = urllib.parse.parse_qs(request.body.decode(), keep_blank_values=True)
        return {k: v[-1] for k, v in form.items()}

    def _new_ts(self):
        return f"{int(self.clock())}.{next(self._ts):06d}"

    def _authorised(self, request):
        header = request.headers.get("authorization", "")
        if not header:
            return "not_authed"
        if header != f"Bearer {self.token}":
            return "invalid_auth"
        return None

    def handle(self, request):
        hook = self.WEBHOOK_PATH.match(request.path)
        if hook:
            return self._webhook(request, hook)
        if not request.path.startswith("/api/"):
            return _plain(404, "not found")
        method = request.path[len("/api/"):]
        problem = self._authorised(request)
        if problem:
            return _ok_false(problem)
        if method == "auth.test":
            return _ok({"url": "https://herald-test.slack.com/", "team": self.team,
                        "user": "herald", "team_id": "T0HERALD", "user_id": "U0HERALD",
                        "bot_id": "B0HERALD"})
        if method == "chat.postMessage":
            return self._post_message(request)
        if method == "conversations.history":
            return self._history(request)
        if method == "chat.getPermalink":
            channel = request.query.get("channel", [""])[-1]
            ts = request.query.get("message_ts", [""])[-1]
            if not any(m["channel"] == channel and m["ts"] == ts for m in self.messages):
                return _ok_false("message_not_found")
            return _ok({"channel": channel, "permalink":
                        f"https://herald-test.slack.com/archives/{channel}/p{ts.replace('.', '')}"})
        return _ok_false("unknown_method")

    def _webhook(self, request, match):
        if request.method != "POST":
            return _plain(405, "invalid_method")
        if match.group(3) != self.hook_secret:
            return _plain(403, "invalid_token")
        if not isinstance(request.json, dict):
            return _plain(400, "invalid_payload")
        text = request.json.get("text")
        if not text:
            return _plain(400, "no_text")
        self.messages.append({"channel": self.hook_channel, "ts": self._new_ts(), "text": text,
                              "via": "webhook"})
        return _plain(200, "ok")

    def _post_message(self, request):
        if request.method != "POST":
            return _ok_false("invalid_request")
        args = self.posted(request)
        channel = args.get("channel")
        if not channel:
            return _ok_false("channel_not_found")
        if channel not in self.channels:
            return _ok_false("channel_not_found")
        text = args.get("text")
        if not text:
            return _ok_false("no_text")
        if len(text) > self.max_len:
            return _ok_false("msg_too_long")
        message = {"channel": channel, "ts": self._new_ts(), "text": text, "via": "api"}
        metadata = args.get("metadata")
        if isinstance(metadata, str):  # a form post sends it as JSON text
            metadata = json.loads(metadata)
        if metadata is not None:
            if (not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str)
                    or not isinstance(metadata.get("event_payload"), dict)):
                return _ok_false("invalid_metadata_format")
            message["metadata"] = metadata
        thread_ts = args.get("thread_ts")
        if thread_ts:
            if not any(m["ts"] == thread_ts and m["channel"] == channel for m in self.messages):
                return _ok_false("thread_not_found")
            message["thread_ts"] = thread_ts
        self.messages.append(message)
        return _ok({"channel": channel, "ts": message["ts"],
                    "message": {"type": "message", "text": text, "ts": message["ts"],
                                "bot_id": "B0HERALD"}})

    def _history(self, request):
        q = {k: v[-1] for k, v in request.query.items()}
        channel = q.get("channel")
        if channel not in self.channels:
            return _ok_false("channel_not_found")
        oldest = float(q.get("oldest", "0") or "0")
        limit = min(int(q.get("limit", "100")), 999)
        start = int(q.get("cursor") or "0")
        with_metadata = q.get("include_all_metadata") in ("true", "1")
        found = [m for m in reversed(self.messages)
                 if m["channel"] == channel and "thread_ts" not in m and float(m["ts"]) > oldest]
        page = found[start:start + limit]
        messages = []
        for m in page:
            item = {"type": "message", "text": m["text"], "ts": m["ts"], "bot_id": "B0HERALD"}
            if with_metadata and "metadata" in m:
                item["metadata"] = m["metadata"]
            messages.append(item)
        more = start + limit < len(found)
        return _ok({"messages": messages, "has_more": more,
                    "response_metadata": {"next_cursor": str(start + limit) if more else ""}})
