"""A loopback fake of the Mastodon client API parts herald uses (platforms.md section 1).

It runs in a background thread of the test process, logs every request, and injects faults:
    fake = FakeMastodon(); fake.start()
    fake.fail("/api/v1/statuses", status=500)          # the next request of that path
    fake.fail("/api/v1/statuses", close=True)           # hang up without answering
    fake.fail("/api/v1/statuses", close=True, after=True)  # create the status, then hang up
    fake.stop()

Server kinds (`kind=`): servers that speak the Mastodon API and say what they are
(herald-calendar(5), the mastodon platform's table of servers):
- "mastodon": /api/v2/instance with version "4.3.0" and Mastodon's source_url.
- "gotosocial": /api/v2/instance with version "0.17.3+git-c0ffee" and GoToSocial's source_url
  (GoToSocial writes its own version there); 5,000 characters; Idempotency-Key ignored (as
  GoToSocial before it learnt the header).
- "akkoma": no /api/v2/instance; /api/v1/instance with "2.7.2 (compatible; Akkoma 3.13.2)" and
  max_toot_chars 5000; takes `content_type`.
- "pleroma": neither instance document (as if a proxy hid them); nodeinfo only
  (/.well-known/nodeinfo, then /nodeinfo/2.0.json: software.name "pleroma").
- "pixelfed": /api/v1/instance with "3.5.3 (compatible; Pixelfed 0.12.3)"; Idempotency-Key
  ignored (Pixelfed's docs list it as a deviation); a status without media is refused 422.
The version strings follow each project's documented pattern; the exact numbers, Pixelfed's
error text and a Pleroma without instance documents are this fake's own.
"""

import email.parser
import email.policy
import html
import itertools
import json
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

URL_RE = re.compile(r"https?://[^\s<>\"]+")


def mastodon_length(text):
    """Like StatusLengthValidator for ASCII text: URLs count as 23, remote mentions as @user.

    (Code points, not grapheme clusters: enough for the test texts, which are ASCII.)"""
    text = URL_RE.sub("x" * 23, text)
    text = re.sub(r"(@\w+)@[\w.-]+\w", r"\1", text)
    return len(text)


class Fault:
    def __init__(self, status, headers, body, close, after):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.close = close
        self.after = after


class FakeMastodon:
    def __init__(self, token="s3cr3t-token", max_chars=None, async_media=True, polls_before_ready=1,
                 kind="mastodon", max_media=4):
        self.token = token
        self.max_media = max_media
        self.kind = kind
        self.max_chars = max_chars or (5000 if kind in ("gotosocial", "akkoma", "pleroma")
                                       else 500)
        # The server keeps Idempotency-Key (Mastodon, Akkoma, Pleroma) or ignores it.
        self.keeps_keys = kind not in ("gotosocial", "pixelfed")
        self.async_media = async_media
        self.polls_before_ready = polls_before_ready
        self.log = []  # dicts: method, path, headers (lower-case names), json, fields
        self.statuses = {}  # id -> status
        self.media = {}  # id -> {"description", "filename", "polls"}
        self.idempotency = {}  # key -> (created monotonic time, status)
        self.faults = {}  # path -> [Fault]
        self.status_delay = 0.0  # seconds each POST /api/v1/statuses takes (a slow instance)
        # created_at of new statuses; tests that run herald at a fixed --now set it to match.
        self.created_at = lambda: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.sources = {}  # status id -> the text as written (GET /api/v1/statuses/:id/source)
        self.in_flight = 0  # status requests being answered right now
        self.max_in_flight = 0
        self._ids = itertools.count(109000000000000001)
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # --- control ---------------------------------------------------------------------------

    def start(self):
        fake = self

        # A subclass of FakeMastodon may answer more routes with a handler_base of its own.
        class Handler(getattr(self, "handler_base", None) or _Handler):
            pass

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def fail(self, path, count=1, status=500, headers=None, body=None, close=False, after=False):
        """Fail the next `count` requests of `path` (a prefix for /api/v1/media/)."""
        with self._lock:
            self.faults.setdefault(path, []).extend(
                Fault(status, headers, body, close, after) for _ in range(count))

    def requests(self, method=None, path=None):
        with self._lock:
            return [r for r in self.log
                    if (method is None or r["method"] == method)
                    and (path is None or r["path"] == path or
                         (path.endswith("/") and r["path"].startswith(path)))]

    def status_posts(self):
        return self.requests("POST", "/api/v1/statuses")

    # --- behaviour ---------------------------------------------------------------------------

    def _take_fault(self, path):
        with self._lock:
            for key in (path, re.sub(r"/\d+$", "/", path)):
                queue = self.faults.get(key)
                if queue:
                    return queue.pop(0)  # None: this request is answered as usual
        return None

    def _authorized(self, headers):
        return headers.get("authorization") == f"Bearer {self.token}"

    def verify_credentials(self, headers):
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        return 200, {}, {"id": "1", "username": "herald", "acct": "herald", "display_name": "herald"}

    def create_status(self, headers, body):
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        body = body if isinstance(body, dict) else {}
        text = body.get("status") or ""
        media_ids = body.get("media_ids") or []
        if not text and not media_ids:
            return 422, {}, {"error": "Validation failed: Text can't be blank"}
        if len(media_ids) > self.max_media:
            return 422, {}, {"error": f"Validation failed: Media attachments exceed {self.max_media}"}
        if self.kind == "pixelfed" and not media_ids:
            return 422, {}, {"error": "The media ids field is required."}
        if mastodon_length(text) > self.max_chars:
            return 422, {}, {"error": f"Validation failed: Text character limit of {self.max_chars} exceeded"}
        key = headers.get("idempotency-key") if self.keeps_keys else None
        with self._lock:
            if key and key in self.idempotency:
                created, status = self.idempotency[key]
                if time.monotonic() - created < 3600:
                    return 200, {}, status
            reply_to = body.get("in_reply_to_id")
            if reply_to is not None and reply_to not in self.statuses:
                return 404, {}, {"error": "Record not found"}
            for media_id in media_ids:
                if media_id not in self.media:
                    return 422, {}, {"error": "Validation failed: media not found"}
            status_id = str(next(self._ids))
            status = {
                "id": status_id,
                "url": f"https://fake.example/@herald/{status_id}",
                "created_at": self.created_at(),
                "uri": f"https://fake.example/users/herald/statuses/{status_id}",
                "content": f"<p>{html.escape(text)}</p>",
                "visibility": body.get("visibility", "public"),
                "language": body.get("language"),
                "content_type": body.get("content_type"),
                "in_reply_to_id": reply_to,
                "media_attachments": [
                    {"id": m, "description": self.media[m]["description"]} for m in media_ids],
            }
            self.statuses[status_id] = status
            self.sources[status_id] = text
            if key:
                self.idempotency[key] = (time.monotonic(), status)
        return 200, {}, status

    def account_statuses(self, headers, account_id, query):
        """GET /api/v1/accounts/:id/statuses: the newest first, `limit` of them (default 20)."""
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        if account_id != "1":
            return 404, {}, {"error": "Record not found"}
        limit = min(int(query.get("limit", ["20"])[0]), 40)
        max_id = query.get("max_id", [None])[0]
        with self._lock:
            newest = sorted(self.statuses.values(), key=lambda st: int(st["id"]), reverse=True)
        if max_id is not None:  # "All results returned will be lesser than this ID"
            newest = [st for st in newest if int(st["id"]) < int(max_id)]
        return 200, {}, newest[:limit]

    def instance(self, path):
        """The documents a server of this kind answers about itself (None: 404)."""
        configuration = {"statuses": {"max_characters": self.max_chars,
                                      "max_media_attachments": self.max_media,
                                      "characters_reserved_per_url": 23}}
        base = f"http://127.0.0.1:{self.port}"
        documents = {
            "mastodon": {"/api/v2/instance": {
                "domain": "127.0.0.1", "version": "4.3.0",
                "source_url": "https://github.com/mastodon/mastodon",
                "configuration": configuration}},
            "gotosocial": {"/api/v2/instance": {
                "domain": "127.0.0.1", "version": "0.17.3+git-c0ffee",
                "source_url": "https://github.com/superseriousbusiness/gotosocial",
                "configuration": configuration}},
            "akkoma": {"/api/v1/instance": {
                "uri": base, "version": "2.7.2 (compatible; Akkoma 3.13.2)",
                "max_toot_chars": self.max_chars}},
            "pleroma": {
                "/.well-known/nodeinfo": {"links": [
                    {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                     "href": base + "/nodeinfo/2.0.json"}]},
                "/nodeinfo/2.0.json": {"version": "2.0", "software": {
                    "name": "pleroma", "version": "2.6.3"}}},
            "pixelfed": {"/api/v1/instance": {
                "uri": base, "version": "3.5.3 (compatible; Pixelfed 0.12.3)"}},
        }
        return documents[self.kind].get(path)

    def forget_keys(self):
        """As if the Idempotency-Key window (an hour) had passed for every key."""
        with self._lock:
            self.idempotency.clear()

    def add_status(self, text, created_at):
        """A status the account posted by other means (the web interface, another tool)."""
        with self._lock:
            status_id = str(next(self._ids))
            self.statuses[status_id] = {
                "id": status_id, "url": f"https://fake.example/@herald/{status_id}",
                "created_at": created_at,
                "uri": f"https://fake.example/users/herald/statuses/{status_id}",
                "content": f"<p>{html.escape(text)}</p>", "visibility": "public",
                "language": None, "in_reply_to_id": None, "media_attachments": []}
            self.sources[status_id] = text
        return status_id

    def status_source(self, headers, status_id):
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        with self._lock:
            if status_id not in self.sources:
                return 404, {}, {"error": "Record not found"}
            return 200, {}, {"id": status_id, "text": self.sources[status_id], "spoiler_text": ""}

    def upload_media(self, headers, fields):
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        file = fields.get("file")
        if not isinstance(file, dict):
            return 422, {}, {"error": "Validation failed: File can't be blank"}
        with self._lock:
            media_id = str(next(self._ids))
            self.media[media_id] = {"description": fields.get("description"),
                                    "filename": file["filename"], "polls": 0}
        ready = not self.async_media
        return (200 if ready else 202), {}, self._attachment(media_id, ready)

    def get_media(self, headers, media_id):
        if not self._authorized(headers):
            return 401, {}, {"error": "The access token is invalid"}
        with self._lock:
            media = self.media.get(media_id)
            if media is None:
                return 404, {}, {"error": "Record not found"}
            media["polls"] += 1
            ready = not self.async_media or media["polls"] > self.polls_before_ready
        return (200 if ready else 206), {}, self._attachment(media_id, ready)

    def _attachment(self, media_id, ready):
        return {"id": media_id, "type": "image",
                "url": f"https://fake.example/media/{media_id}.png" if ready else None,
                "description": self.media[media_id]["description"]}


def _parse_multipart(content_type, raw):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            fields[name] = {"filename": filename, "content_type": part.get_content_type(),
                            "size": len(payload)}
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?", 1)[0]
        entry = {"method": self.command, "path": path, "headers": headers, "json": None,
                 "fields": None, "received": time.monotonic()}
        content_type = headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                entry["json"] = json.loads(raw)
            except ValueError:
                entry["json"] = None
        elif content_type.startswith("multipart/form-data"):
            entry["fields"] = _parse_multipart(content_type, raw)
        with fake._lock:
            fake.log.append(entry)

        fault = fake._take_fault(path)
        if fault and not fault.after:
            self._fault(fault)
            return
        if self.command == "POST" and path == "/api/v1/statuses":
            with fake._lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            time.sleep(fake.status_delay)
            with fake._lock:
                fake.in_flight -= 1
            status, extra, body = fake.create_status(headers, entry["json"])
        elif self.command == "POST" and path == "/api/v2/media":
            status, extra, body = fake.upload_media(headers, entry["fields"] or {})
        elif self.command == "GET" and fake.instance(path) is not None:
            status, extra, body = 200, {}, fake.instance(path)
        elif self.command == "GET" and path == "/api/v1/accounts/verify_credentials":
            status, extra, body = fake.verify_credentials(headers)
        elif self.command == "GET" and re.fullmatch(r"/api/v1/accounts/[^/]+/statuses", path):
            query = urllib.parse.parse_qs(self.path.split("?", 1)[1] if "?" in self.path else "")
            status, extra, body = fake.account_statuses(headers, path.split("/")[4], query)
        elif self.command == "GET" and re.fullmatch(r"/api/v1/statuses/[^/]+/source", path):
            status, extra, body = fake.status_source(headers, path.split("/")[4])
        elif self.command == "GET" and path.startswith("/api/v1/media/"):
            status, extra, body = fake.get_media(headers, path.rsplit("/", 1)[1])
        else:
            status, extra, body = 404, {}, {"error": "Record not found"}
        if fault:  # after=True: the work is done, the answer is lost
            self._fault(fault)
            return
        self._send(status, extra, body)

    def _fault(self, fault):
        if fault.close:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        body = fault.body if fault.body is not None else {"error": "Internal server error"}
        if callable(body):  # a server that echoes what it was sent: body(headers, target)
            body = body({k.lower(): v for k, v in self.headers.items()}, self.path)
        self._send(fault.status, fault.headers, body)

    def _send(self, status, headers, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
