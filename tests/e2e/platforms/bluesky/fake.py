"""A loopback fake of the AT Protocol PDS calls herald's bluesky platform uses (platforms.md
section 2 and its addendum), on HookFakeServer (fake_platforms.py). Standard library only.

It behaves like the reference PDS where herald depends on it:
- createSession / refreshSession / getSession with rotating tokens; an expired access token is
  refused with 400 ExpiredToken (expire_access_tokens() makes every issued one expire);
- the 31st createSession within 5 minutes answers 429 RateLimitExceeded with Retry-After;
- createRecord checks the Bearer token, repo, collection, $type, createdAt, the text limits
  (300 graphemes, approximated by code points without combining marks, and 3000 bytes) and that
  a caller-chosen rkey is a valid TID (else 400 InvalidRequest); a taken rkey answers 500
  InternalServerError; an embed naming a blob never uploaded answers 400 BlobNotFound;
- getRecord, uploadBlob (returns a blob ref) and resolveHandle.
Faults: fail_path(nsid, ...) answers the next call of one method with a canned error, and
drop_after_create() stores the next record, then hangs up without answering.
"""

import base64
import hashlib
import json
import re
import secrets
import threading
import time
import unicodedata

from fakes import HookFakeServer

TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
COLLECTION = "app.bsky.feed.post"
SESSION_LIMIT = 30
SESSION_WINDOW = 300.0


def _json(status, document, headers=None):
    out = {"Content-Type": "application/json; charset=utf-8"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def _error(status, name, message=None, headers=None):
    document = {"error": name}
    if message is not None:
        document["message"] = message
    return _json(status, document, headers)


def _jwt(kind):
    """Something shaped like a JWT, unique, and easy to grep for."""
    header = base64.urlsafe_b64encode(json.dumps({"typ": kind, "alg": "ES256K"}).encode())
    return (header.decode().rstrip("=") + "." + secrets.token_urlsafe(24) + "."
            + secrets.token_urlsafe(16))


def _tid(micros, clock_id=0):
    value = (micros << 10) | (clock_id & 1023)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def graphemes_approx(text):
    return sum(1 for c in text if not unicodedata.combining(c) and c != "\u200d")


class FakeBluesky(HookFakeServer):
    def __init__(self, handle="alice.test", did="did:plc:alice0000000000000", password="app-pass-s3cr3t",
                 others=None):
        self.user_handle = handle
        self.did = did
        self.password = password
        self.handles = {handle: did}
        self.handles.update(others or {})  # more handles resolveHandle knows
        self.access = {}  # accessJwt -> {"expired": bool}
        self.refresh = {}  # refreshJwt -> {"used": bool}
        self.issued = []  # every JWT handed out, for log checks
        self.session_times = []  # monotonic times of successful or attempted createSession
        self.records = {}  # rkey -> {"uri", "cid", "value"}
        self.blobs = {}  # cid -> {"mimeType", "size", "data"}
        self._path_faults = {}  # nsid -> [(status, headers, body)]
        self._drops = 0
        self.create_delay = 0.0  # seconds each createRecord takes before it is done
        self._state = threading.Lock()
        super().__init__()

    # --- control -------------------------------------------------------------------------------

    def fail_path(self, nsid, status, headers=None, body=None, count=1, skip=0):
        """Answer `count` calls of `nsid`, after `skip` normal ones, with `status` and nothing
        done; `body` may be a function of the request (a server that echoes it)."""
        with self._state:
            faults = self._path_faults.setdefault(nsid, [])
            faults += [None] * skip
            faults += [(status, dict(headers or {}), body or {"error": "InternalServerError"})] * count

    def drop_after_create(self, count=1):
        with self._state:
            self._drops += count

    def expire_access_tokens(self):
        with self._state:
            for token in self.access.values():
                token["expired"] = True

    def expire_refresh_tokens(self):
        with self._state:
            for token in self.refresh.values():
                token["used"] = True

    def calls(self, nsid):
        return [r for r in self.requests if r.path == f"/xrpc/{nsid}"]

    def posts(self):
        """The stored records, in creation order."""
        with self._state:
            return list(self.records.values())

    # --- the PDS -------------------------------------------------------------------------------

    def handle(self, request):
        nsid = request.path[len("/xrpc/"):] if request.path.startswith("/xrpc/") else ""
        with self._state:
            faults = self._path_faults.get(nsid)
            fault = faults.pop(0) if faults else None
            if fault:
                status, headers, body = fault
                if callable(body):  # a server that echoes what it was sent: body(request)
                    body = body(request)
                return _json(status, body, headers)
        routes = {
            ("POST", "com.atproto.server.createSession"): self._create_session,
            ("POST", "com.atproto.server.refreshSession"): self._refresh_session,
            ("GET", "com.atproto.server.getSession"): self._get_session,
            ("POST", "com.atproto.repo.createRecord"): self._create_record,
            ("GET", "com.atproto.repo.getRecord"): self._get_record,
            ("POST", "com.atproto.repo.uploadBlob"): self._upload_blob,
            ("GET", "com.atproto.identity.resolveHandle"): self._resolve_handle,
        }
        route = routes.get((request.method, nsid))
        if nsid == "com.atproto.repo.createRecord" and self.create_delay:
            time.sleep(self.create_delay)
        if route is None:
            return _error(501, "MethodNotImplemented", "Method Not Implemented")
        with self._state:
            return route(request)

    def _bearer(self, request):
        value = request.headers.get("authorization", "")
        return value[len("Bearer "):] if value.startswith("Bearer ") else None

    def _check_access(self, request):
        """None when the access token is good, else the error answer."""
        token = self._bearer(request)
        if token is None:
            return _error(401, "AuthenticationRequired", "Authentication Required")
        state = self.access.get(token)
        if state is None:
            return _error(400, "InvalidToken", "Token could not be verified")
        if state["expired"]:
            return _error(400, "ExpiredToken", "Token has expired")
        return None

    def _new_session(self):
        access, refresh = _jwt("at+jwt"), _jwt("refresh+jwt")
        self.access[access] = {"expired": False}
        self.refresh[refresh] = {"used": False}
        self.issued += [access, refresh]
        return _json(200, {"did": self.did, "handle": self.user_handle, "accessJwt": access,
                           "refreshJwt": refresh, "active": True})

    def _create_session(self, request):
        now = time.monotonic()
        self.session_times = [t for t in self.session_times if now - t < SESSION_WINDOW]
        if len(self.session_times) >= SESSION_LIMIT:
            wait = int(SESSION_WINDOW - (now - self.session_times[0])) + 1
            return _error(429, "RateLimitExceeded", "Rate Limit Exceeded", {
                "Retry-After": str(wait), "RateLimit-Limit": str(SESSION_LIMIT),
                "RateLimit-Remaining": "0", "RateLimit-Policy": f"{SESSION_LIMIT};w=300"})
        self.session_times.append(now)
        body = request.json if isinstance(request.json, dict) else {}
        if (body.get("identifier") not in (self.user_handle, self.did)
                or body.get("password") != self.password):
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        return self._new_session()

    def _refresh_session(self, request):
        token = self._bearer(request)
        state = self.refresh.get(token)
        if state is None:
            return _error(400, "InvalidToken", "Token could not be verified")
        if state["used"]:
            return _error(400, "ExpiredToken", "Token has expired")
        state["used"] = True  # refresh tokens rotate
        return self._new_session()

    def _get_session(self, request):
        refused = self._check_access(request)
        if refused:
            return refused
        return _json(200, {"did": self.did, "handle": self.user_handle, "active": True})

    def _create_record(self, request):
        refused = self._check_access(request)
        if refused:
            return refused
        body = request.json
        if not isinstance(body, dict):
            return _error(400, "InvalidRequest", "Input must be an object")
        if body.get("repo") not in (self.did, self.user_handle):
            return _error(400, "InvalidRequest", "Input/repo must be the authenticated account")
        if body.get("collection") != COLLECTION:
            return _error(400, "InvalidRequest", "Unsupported collection")
        record = body.get("record")
        if not isinstance(record, dict) or record.get("$type") != COLLECTION:
            return _error(400, "InvalidRequest", "Invalid $type: expected app.bsky.feed.post")
        if not isinstance(record.get("createdAt"), str):
            return _error(400, "InvalidRequest", 'Record must have the property "createdAt"')
        text = record.get("text")
        if not isinstance(text, str):
            return _error(400, "InvalidRequest", 'Record must have the property "text"')
        if graphemes_approx(text) > 300 or len(text.encode()) > 3000:
            return _error(400, "InvalidRequest",
                          "Invalid app.bsky.feed.post record: Record/text must not be longer "
                          "than 300 graphemes")
        rkey = body.get("rkey")
        if rkey is None:
            rkey = _tid(int(time.time() * 1_000_000), 7)
        elif not isinstance(rkey, str) or not TID_RE.match(rkey):
            return _error(400, "InvalidRequest",
                          "Invalid record key for app.bsky.feed.post: Invalid TID string")
        embed = record.get("embed")
        if embed is not None and isinstance(embed, dict) \
                and embed.get("$type") == "app.bsky.embed.external":
            # The lexicon: external {uri, title, description: strings; thumb: an image blob of
            # at most 1,000,000 bytes}.
            external = embed.get("external")
            if not isinstance(external, dict) or not all(
                    isinstance(external.get(k), str) for k in ("uri", "title", "description")):
                return _error(400, "InvalidRequest", "Invalid app.bsky.embed.external")
            thumb = external.get("thumb")
            if thumb is not None:
                link = ((thumb or {}).get("ref") or {}).get("$link")
                blob = self.blobs.get(link)
                if blob is None:
                    return _error(400, "BlobNotFound", f"Could not find blob: {link}")
                if not blob["mimeType"].startswith("image/") or blob["size"] > 1_000_000:
                    return _error(400, "InvalidRequest", "Invalid thumb: an image up to 1MB")
        elif embed is not None:
            images = embed.get("images") if isinstance(embed, dict) else None
            if embed.get("$type") != "app.bsky.embed.images" or not isinstance(images, list) \
                    or len(images) > 4:
                return _error(400, "InvalidRequest", "Invalid app.bsky.embed.images")
            for image in images:
                if not isinstance(image.get("alt"), str):
                    return _error(400, "InvalidRequest", 'Image must have the property "alt"')
                link = ((image.get("image") or {}).get("ref") or {}).get("$link")
                if link not in self.blobs:
                    return _error(400, "BlobNotFound", f"Could not find blob: {link}")
        if rkey in self.records:
            # The reference PDS fails the duplicate insert without a specific error.
            return _error(500, "InternalServerError", "Internal Server Error")
        uri = f"at://{self.did}/{COLLECTION}/{rkey}"
        cid = "bafyrei" + hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:40]
        self.records[rkey] = {"uri": uri, "cid": cid, "value": record, "rkey": rkey}
        if self._drops:
            self._drops -= 1
            return None  # stored, but the answer is lost
        return _json(200, {"uri": uri, "cid": cid,
                           "commit": {"cid": "bafyreicommit", "rev": _tid(int(time.time() * 1e6))},
                           "validationStatus": "valid"})

    def _get_record(self, request):
        q = {k: v[-1] for k, v in request.query.items()}
        if q.get("repo") not in (self.did, self.user_handle) or q.get("collection") != COLLECTION:
            return _error(400, "RecordNotFound", "Could not locate record")
        record = self.records.get(q.get("rkey"))
        if record is None:
            return _error(400, "RecordNotFound", f"Could not locate record: {q.get('rkey')}")
        return _json(200, {"uri": record["uri"], "cid": record["cid"], "value": record["value"]})

    def _upload_blob(self, request):
        refused = self._check_access(request)
        if refused:
            return refused
        mime = request.headers.get("content-type", "application/octet-stream")
        cid = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:40]
        self.blobs[cid] = {"mimeType": mime, "size": len(request.body), "data": request.body}
        return _json(200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime,
                                    "size": len(request.body)}})

    def _resolve_handle(self, request):
        handle = request.query.get("handle", [""])[-1]
        did = self.handles.get(handle)
        if did is None:
            return _error(400, "InvalidRequest", "Unable to resolve handle")
        return _json(200, {"did": did})
