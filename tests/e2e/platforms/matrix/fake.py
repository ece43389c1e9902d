"""A loopback fake of the Matrix client-server API calls herald's matrix platform uses
(platforms.md section 11), on HookFakeServer (fakes.py). One homeserver ("example.org"), one
user (`user_id`, joined to the rooms in `joined`), rooms holding a timeline of events.
Standard library only.

Auth, on every request: `Authorization: Bearer <token>` (or the deprecated `access_token` query
parameter). Missing: 401 M_MISSING_TOKEN; wrong: 401 M_UNKNOWN_TOKEN (with soft_logout false).
Errors are {"errcode": "M_...", "error": "..."}. Path segments are percent-decoded (a room id's
'!' and ':' arrive as %21 and %3A).

- GET  /_matrix/client/v3/account/whoami -> {user_id, device_id, is_guest: false}
- GET  /_matrix/client/v3/directory/room/{roomAlias} -> {room_id, servers}; unknown: 404
  M_NOT_FOUND.
- GET  /_matrix/client/v3/rooms/{roomId}/state/m.room.member/{userId} -> the member event's
  content {membership, displayname}; the user not in the room: 403 M_FORBIDDEN; a user with no
  membership in a room we are in: 404 M_NOT_FOUND.
- PUT  /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} -> {event_id}. The body must
  be a JSON object (400 M_NOT_JSON / M_BAD_JSON), an m.room.message with msgtype and body
  (see _content_problem; 400 M_BAD_JSON otherwise). A txnId already used with the same access
  token answers the same event_id and adds no event (`dedupes` counts those). Not joined: 403
  M_FORBIDDEN; an unknown room: 404 M_NOT_FOUND (assumed: Synapse answers 403 for both). The
  whole event (envelope included: event_id, room_id, sender, origin_server_ts, type, content,
  hashes, signatures, unsigned) over 65,536 bytes of JSON: 413 M_TOO_LARGE.
- POST /_matrix/media/v3/upload?filename= raw bytes with Content-Type -> {content_uri:
  "mxc://example.org/<id>"}; over `upload_size`: 413 M_TOO_LARGE.
- GET  /_matrix/client/v1/media/config -> {"m.upload.size": upload_size}
- GET  /_matrix/client/v3/rooms/{roomId}/event/{eventId} -> the event; 404 M_NOT_FOUND.
  Events served to the token that sent them carry unsigned.transaction_id (documented).
- GET  /_matrix/client/v3/rooms/{roomId}/messages?from=&dir=b|f&limit= -> {chunk, start,
  end?}: dir=b newest first from `from` (omitted: from the live end), dir=f oldest first.
- GET  /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/m.thread?dir=&limit=&from=
  -> {chunk (the thread's events, newest first with dir=b, the default), next_batch?}
- Rate limits: limit_next(n, retry_after_ms, header=None) answers the next n requests 429
  M_LIMIT_EXCEEDED with retry_after_ms in the body and, when `header` is given, a Retry-After
  header of that many seconds.

Documented (Matrix client-server spec v1.10-v1.13, spec.matrix.org): the endpoints and their
bodies above; the error shape and codes M_MISSING_TOKEN, M_UNKNOWN_TOKEN (401, soft_logout),
M_FORBIDDEN, M_NOT_FOUND, M_LIMIT_EXCEEDED (429, retry_after_ms deprecated since v1.10 in favour
of Retry-After), M_TOO_LARGE, M_NOT_JSON, M_BAD_JSON; "the server will use the txnId to ensure
idempotency" (scoped to the device since v1.7, to the access token before: one token per device
here); the 65,536-byte event limit; /messages `start`/`end` and that `end` is omitted when there
are no more events; m.thread relations and is_falling_back; content_uri as mxc://.
Assumed: the event ids' and tokens' shapes ("$" + random, "s<n>"), the 404 for an unknown room
on send, the membership read of a room we are not in being 403 (Synapse's behaviour for a room
without previews), `end` given on a dir=f page that returned events even at the live end (as
Synapse does).

Faults: fail_next / echo_next / delay_next / drop_next from HookFakeServer (the next requests,
whatever they are, before any auth); lose_next_sends(n): the next n sends store their event,
then hang up without answering (the answer lost on the way back).
"""

import json
import secrets
import threading
import time
import urllib.parse

from fakes import HookFakeServer

SERVER = "example.org"
MAX_EVENT_BYTES = 65536
CLIENT = "/_matrix/client/v3"
CLIENT_V1 = "/_matrix/client/v1"


def _json(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def matrix_error(status, errcode, error, headers=None, **extra):
    document = {"errcode": errcode, "error": error}
    document.update(extra)
    return _json(status, document, headers)


def new_event_id():
    return "$" + secrets.token_urlsafe(24)


class MatrixFake(HookFakeServer):
    def __init__(self, token="mx-t0ken", user_id="@herald:example.org",
                 room_id="!launch:example.org", aliases=None, upload_size=1024 * 1024):
        self.token = token
        self.user_id = user_id
        self.upload_size = upload_size
        self.room_id = room_id
        # room id -> list of events (the timeline, oldest first)
        self.rooms = {room_id: []}
        # room id -> {user id: membership}
        self.members = {room_id: {user_id: "join"}}
        self.aliases = dict(aliases or {f"#launch:{SERVER}": room_id})
        self.txns = {}  # (token, txnId) -> event_id
        self.dedupes = 0
        self.media = {}  # mxc uri -> (bytes, content type, filename)
        self._limits = []  # queued 429 answers: (retry_after_ms, header)
        self._lose = 0
        self._state = threading.RLock()
        self.clock = int(time.time() * 1000)
        super().__init__()

    # --- set-up and faults ------------------------------------------------------------------

    def add_room(self, room_id, joined=True):
        with self._state:
            self.rooms.setdefault(room_id, [])
            self.members.setdefault(room_id, {})
            if joined:
                self.members[room_id][self.user_id] = "join"

    def leave(self, room_id=None):
        with self._state:
            self.members[room_id or self.room_id][self.user_id] = "leave"

    def limit_next(self, n, retry_after_ms, header=None):
        with self._state:
            self._limits += [(retry_after_ms, header)] * n

    def lose_next_sends(self, n=1):
        with self._state:
            self._lose += n

    def add_event(self, sender, content, room_id=None, event_type="m.room.message"):
        """An event someone else sent (for engage); returns it."""
        with self._state:
            return self._append(room_id or self.room_id, sender, event_type, content)

    def _append(self, room_id, sender, event_type, content):
        self.clock += 1000
        event = {"event_id": new_event_id(), "room_id": room_id, "sender": sender,
                 "type": event_type, "content": content, "origin_server_ts": self.clock,
                 "unsigned": {"age": 0}}
        self.rooms[room_id].append(event)
        return event

    # --- reading ----------------------------------------------------------------------------

    def events(self, room_id=None, sender=None):
        with self._state:
            return [e for e in self.rooms[room_id or self.room_id]
                    if sender is None or e["sender"] == sender]

    def calls(self, method, prefix):
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # --- serving ----------------------------------------------------------------------------

    def handle(self, request):
        with self._state:
            return self._handle(request)

    def _handle(self, request):
        auth = request.headers.get("authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else (
            request.query.get("access_token", [None])[0])
        if not token:
            return matrix_error(401, "M_MISSING_TOKEN", "Missing access token.")
        if token != self.token:
            return matrix_error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.",
                                soft_logout=False)
        if self._limits:
            retry_after_ms, header = self._limits.pop(0)
            headers = {"Retry-After": str(header)} if header is not None else None
            return matrix_error(429, "M_LIMIT_EXCEEDED", "Too Many Requests", headers,
                                retry_after_ms=retry_after_ms)
        segments = [urllib.parse.unquote(s) for s in request.path.split("/")]
        path = request.path
        m = request.method
        if m == "GET" and path == CLIENT + "/account/whoami":
            return _json(200, {"user_id": self.user_id, "device_id": "HERALDDEV",
                               "is_guest": False})
        if m == "GET" and path == CLIENT_V1 + "/media/config":
            return _json(200, {"m.upload.size": self.upload_size})
        if m == "POST" and path == "/_matrix/media/v3/upload":
            return self._upload(request)
        # /_matrix/client/v3/<...>: segments[0] is "", then _matrix, client, v3
        rest = segments[4:]
        if path.startswith(CLIENT + "/directory/room/") and m == "GET" and len(rest) == 3:
            room = self.aliases.get(rest[2])
            if room is None:
                return matrix_error(404, "M_NOT_FOUND", f"Room alias {rest[2]} not found")
            return _json(200, {"room_id": room, "servers": [SERVER]})
        if path.startswith(CLIENT + "/rooms/") and len(rest) >= 3:
            return self._room(request, rest[1], rest[2:], token)
        if path.startswith(CLIENT_V1 + "/rooms/") and len(rest) >= 5 and rest[2] == "relations":
            return self._relations(request, rest[1], rest[3], rest[4:], token)
        return matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request")

    def _served(self, event, token):
        """`event` as the client with `token` sees it: the transaction id under `unsigned` only
        for the token that sent it (the spec: "if the client being given the event is the same
        one which sent it")."""
        out = {k: v for k, v in event.items() if k not in ("txn_id", "_token")}
        if event.get("_token") == token:
            out["unsigned"] = dict(out.get("unsigned", {}), transaction_id=event["txn_id"])
        return out

    def _joined(self, room_id):
        return self.members.get(room_id, {}).get(self.user_id) == "join"

    def _room(self, request, room_id, rest, token):
        if room_id not in self.rooms:
            return matrix_error(404, "M_NOT_FOUND", "Unknown room")
        if not self._joined(room_id):
            return matrix_error(403, "M_FORBIDDEN",
                                f"User {self.user_id} not in room {room_id}")
        m = request.method
        if m == "PUT" and rest[0] == "send" and len(rest) == 3:
            return self._send(request, room_id, rest[1], rest[2], token)
        if m == "GET" and rest[0] == "state" and len(rest) == 3 and rest[1] == "m.room.member":
            membership = self.members[room_id].get(rest[2])
            if membership is None:
                return matrix_error(404, "M_NOT_FOUND", "Event not found.")
            return _json(200, {"membership": membership})
        if m == "GET" and rest[0] == "event" and len(rest) == 2:
            for event in self.rooms[room_id]:
                if event["event_id"] == rest[1]:
                    return _json(200, self._served(event, token))
            return matrix_error(404, "M_NOT_FOUND", "Event not found.")
        if m == "GET" and rest == ["messages"]:
            return self._messages(request, room_id, token)
        return matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request")

    def _send(self, request, room_id, event_type, txn_id, token):
        try:
            content = json.loads(request.body.decode("utf-8"))
        except ValueError:
            return matrix_error(400, "M_NOT_JSON", "Content not JSON.")
        if not isinstance(content, dict):
            return matrix_error(400, "M_BAD_JSON", "Content must be a JSON object.")
        problem = self._content_problem(event_type, content)
        if problem:
            return matrix_error(400, "M_BAD_JSON", problem)
        key = (token, txn_id)
        if key in self.txns:
            self.dedupes += 1
            return _json(200, {"event_id": self.txns[key]})
        envelope = {"event_id": new_event_id(), "room_id": room_id, "sender": self.user_id,
                    "type": event_type, "content": content, "origin_server_ts": self.clock,
                    "hashes": {"sha256": "x" * 43},
                    "signatures": {SERVER: {"ed25519:a_key": "x" * 86}},
                    "unsigned": {"age_ts": self.clock}}
        size = len(json.dumps(envelope, ensure_ascii=False, separators=(",", ":"),
                              sort_keys=True).encode("utf-8"))
        if size > MAX_EVENT_BYTES:
            return matrix_error(413, "M_TOO_LARGE", "event too large")
        event = self._append(room_id, self.user_id, event_type, content)
        event["txn_id"] = txn_id  # for tests; served as unsigned.transaction_id to its token
        event["_token"] = token
        self.txns[key] = event["event_id"]
        if self._lose:
            self._lose -= 1
            return None  # stored, but the answer is lost
        return _json(200, {"event_id": event["event_id"]})

    @staticmethod
    def _content_problem(event_type, content):
        """What the spec's m.room.message schema refuses (assumed as a 400: Synapse accepts
        malformed content and clients ignore it; the fake is stricter so that herald's events
        are checked): msgtype and body strings; format with formatted_body; m.image with an
        mxc:// url; m.relates_to of a thread naming its root."""
        if event_type != "m.room.message":
            return None
        if not isinstance(content.get("msgtype"), str) or not isinstance(content.get("body"), str):
            return "m.room.message needs msgtype and body strings"
        if "format" in content and not isinstance(content.get("formatted_body"), str):
            return "format without formatted_body"
        if content["msgtype"] == "m.image" and not str(content.get("url", "")).startswith("mxc://"):
            return "m.image needs an mxc:// url"
        relates = content.get("m.relates_to")
        if relates is not None:
            if not isinstance(relates, dict):
                return "m.relates_to must be an object"
            if relates.get("rel_type") == "m.thread" and not str(
                    relates.get("event_id", "")).startswith("$"):
                return "an m.thread relation names its root"
        return None

    def _upload(self, request):
        content_type = request.headers.get("content-type")
        if not content_type:
            return matrix_error(400, "M_MISSING_PARAM", "Missing Content-Type")
        if len(request.body) > self.upload_size:
            return matrix_error(413, "M_TOO_LARGE", "Upload request body is too large")
        uri = f"mxc://{SERVER}/{secrets.token_urlsafe(12)}"
        filename = request.query.get("filename", [None])[0]
        self.media[uri] = (request.body, content_type, filename)
        return _json(200, {"content_uri": uri})

    def _messages(self, request, room_id, token):
        timeline = self.rooms[room_id]
        direction = request.query.get("dir", [None])[0]
        if direction not in ("b", "f"):
            return matrix_error(400, "M_INVALID_PARAM", "Unknown direction")
        limit = int(request.query.get("limit", ["10"])[0])
        start = request.query.get("from", [None])[0]
        if start is None:
            position = len(timeline) if direction == "b" else 0
        elif start.startswith("s") and start[1:].isdigit() and int(start[1:]) <= len(timeline):
            position = int(start[1:])
        else:
            return matrix_error(400, "M_INVALID_PARAM", "Invalid pagination token")
        if direction == "b":
            chunk = list(reversed(timeline[max(0, position - limit):position]))
            after = position - len(chunk)
            answer = {"chunk": [self._served(e, token) for e in chunk], "start": f"s{position}"}
            if after > 0:
                answer["end"] = f"s{after}"
        else:
            chunk = timeline[position:position + limit]
            answer = {"chunk": [self._served(e, token) for e in chunk], "start": f"s{position}"}
            if chunk:
                answer["end"] = f"s{position + len(chunk)}"
        return _json(200, answer)

    def _relations(self, request, room_id, event_id, rest, token):
        if room_id not in self.rooms:
            return matrix_error(404, "M_NOT_FOUND", "Unknown room")
        if not self._joined(room_id):
            return matrix_error(403, "M_FORBIDDEN", f"User {self.user_id} not in room")
        rel_type = rest[0] if rest else None
        chunk = [e for e in self.rooms[room_id]
                 if e["content"].get("m.relates_to", {}).get("event_id") == event_id
                 and (rel_type is None
                      or e["content"]["m.relates_to"].get("rel_type") == rel_type)]
        if request.query.get("dir", ["b"])[0] == "b":
            chunk.reverse()
        return _json(200, {"chunk": [self._served(e, token) for e in chunk]})
