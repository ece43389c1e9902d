"""A loopback fake of the Meta Threads API calls herald's threads platform uses (platforms.md
section 8; graph.threads.net), on HookFakeServer (fakes.py). Standard library only.

Auth, on every request: the user token as the `access_token` query parameter or body field, or
`Authorization: Bearer <token>`. A missing or wrong token answers 400 Graph error code 190
("Invalid OAuth access token - Cannot parse access token"); a token more than 60 days past
`token_issued_at` (a Unix time on the fake's clock; None, the default: always a week before the
clock) answers code 190 subcode 463 (expired). `<user>` in a path is `user_id` or `me`.
Parameters are read from the query string and from an application/x-www-form-urlencoded,
multipart/form-data or JSON body alike (curl -F, as Meta's examples use, sends multipart).

- GET  /v1.0/me?fields=id,username,name,threads_profile_picture_url,threads_biography
- POST /v1.0/<user>/threads  media_type=TEXT|IMAGE|VIDEO|CAROUSEL, text, image_url, video_url,
  alt_text, reply_to_id, is_carousel_item, children -> {"id": <container id>}. The text is at
  most 500 (text_length(): one per character, an emoji its UTF-8 bytes), with at most 5
  distinct links; image_url / video_url are FETCHED (urllib, no proxy, 5 s) while the request
  is answered: anything but a 200 with an image/* (video/*) Content-Type makes the container
  end in ERROR. Every fetch is logged in `fetches`.
- GET  /v1.0/<container id>?fields=id,status,error_message: a container with media is
  IN_PROGRESS for `processing_polls` reads that ask for status, then FINISHED (or ERROR);
  text and carousel containers are FINISHED at once; EXPIRED 24 h after creation (the fake's
  clock) unless PUBLISHED.
- POST /v1.0/<user>/threads_publish creation_id=<container id> -> {"id": <post id>}; the
  quotas (250 posts, 1,000 replies, per moving 24 h of the fake's clock) are enforced here.
- GET  /v1.0/<user>/threads_publishing_limit?fields=quota_usage,config,reply_quota_usage,
  reply_config[,delete_*,location_search_*]
- GET  /v1.0/<post id>?fields=...; GET /v1.0/<user>/threads (own top-level posts, newest
  first) and /v1.0/<user>/replies (own replies) ?fields=&limit=1..100&since=&until=&before=&after=
  Graph always adds the id; an unknown field is refused; a carousel's children are the ids of
  its item containers (the fake makes no media objects for them).
- GET  /v1.0/<post id>/replies (direct replies) and /conversation (all depths, flattened)
  ?fields=&reverse=true|false&limit=&before=&after=
- GET  /v1.0/<post id>/insights?metric=views,likes,replies,reposts,quotes,shares and
  GET /v1.0/<user>/threads_insights?metric=followers_count,views,likes,replies,reposts,quotes,clicks
- GET  /refresh_access_token?grant_type=th_refresh_token&access_token=<current> (NOT under
  /v1.0, as Meta documents it): a new token, valid 60 days; the old one stops working
  (`refresh_revokes_old`); a token less than 24 h old (token_issued_at) is refused.
- HEAD of anything answers as GET without the body. Anything else: 400 "Unsupported <method>
  request" (GraphMethodException, code 100, subcode 33), as Graph answers an unknown object.

Shapes checked against Meta's Threads docs (developers.facebook.com/docs/threads, as stored
mid-2026): the two-step publish and its parameters; the container statuses (IN_PROGRESS,
FINISHED, ERROR, EXPIRED after 24 h, PUBLISHED), the status answer without error_message unless
ERROR, and the documented error_message values (FAILED_DOWNLOADING_VIDEO, ..., UNKNOWN); the
500-character limit with emojis counted as UTF-8 bytes; more than 5 unique links failing at
container creation (THREADS_API__LINK_LIMIT_EXCEEDED, since 2025-12-22); 250 posts / 24 h
(carousel = 1) and 1,000 replies / 24 h, and the threads_publishing_limit answer
{"data": [{quota_usage, config: {quota_total, quota_duration}, reply_...}]}; the post fields
(media_type TEXT_POST / IMAGE / VIDEO / CAROUSEL_ALBUM when read back, permalink
https://www.threads.net/@<user>/post/<shortcode>, timestamp "2023-10-17T05:42:03+0000",
owner {id}), the user timeline's since/until/limit (default 25, at most 100)/before/after and
its paging.cursors; replies vs conversation, reverse (default true), hide_status; the media
insights answer (name, period "lifetime", values[{value}], title, description,
id "<media>/insights/<name>/lifetime"); GET /refresh_access_token (unversioned) with
grant_type=th_refresh_token -> {access_token, token_type "bearer", expires_in}, and that only
tokens at least 24 h old (and unexpired) can be refreshed.
Seen in third-party code and issue reports, not in Meta's docs: replied_to / root_post as
{"id": ...} objects; followers_count as {name, period "day", title "followers_count",
description, total_value {value}, id "<user>/insights/followers_count/day"}; publishing a
container that is not ready answering code 24 subcode 4279009 "The requested resource does not
exist" (error_user_title "Media Not Found"), which is what this fake answers for a container
that is IN_PROGRESS, ERROR, EXPIRED or unknown; an image that cannot be fetched ending in
status ERROR with error_message "UNKNOWN" (Meta documents no image-specific value:
IMAGE_DOWNLOAD_ERROR); `Authorization: Bearer` accepted (Graph-wide, used by clients).
Assumed (not found documented): the error codes of the parameter checks (code 100, messages
written here, the link limit's name in error_user_title); the quota refusal (code 4
"Application request limit reached", QUOTA_ERROR; Instagram's own publishing limit answers code 9
subcode 2207042); publishing a PUBLISHED container (code 100, ALREADY_PUBLISHED_ERROR); the
refusal of a token too new to refresh (code 100, REFRESH_TOO_NEW_ERROR); the old token dying on
refresh; the delete/location_search quotas (100 and 500); the user-insights views values; the
Graph generic errors (190/463 expiry, 100/33 unknown object, "Tried accessing nonexisting
field") are Graph API conventions, not Threads-specific docs.

Faults: fail_next / echo_next / delay_next / drop_next from HookFakeServer (the next requests,
whatever they are, before any auth); lose_next_publishes(n) publishes the next n containers and
then hangs up without answering (an ambiguous publish failure).

MediaServer: a second loopback server serving files the test registers with put(path, bytes,
content_type) for GET and HEAD (404 otherwise): "the user's public media URL".
"""

import base64
import binascii
import calendar
import datetime
import itertools
import json
import re
import secrets
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

from fakes import HookFakeServer

API = "/v1.0"
MAX_TEXT = 500
MAX_LINKS = 5
MAX_ALT_TEXT = 1000
CAROUSEL_MIN, CAROUSEL_MAX = 2, 20
CONTAINER_LIFETIME = 86400  # a container not published within 24 h is EXPIRED
QUOTA_WINDOW = 86400
QUOTA_TOTAL = 250
REPLY_QUOTA_TOTAL = 1000
DELETE_QUOTA_TOTAL = 100  # assumed
LOCATION_SEARCH_QUOTA_TOTAL = 500  # assumed
TOKEN_LIFETIME = 60 * 86400  # long-lived tokens: 60 days
REFRESH_MIN_AGE = 86400  # a token can be refreshed once it is at least 24 h old
FETCH_TIMEOUT = 5
CRAWLER_AGENT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
DEFAULT_LIMIT, MAX_LIMIT = 25, 100
OLDEST_SINCE = 1688540400  # the timeline's `since` must be at least this (Meta's docs)
PERMALINK_HOST = "www.threads.net"
# media_type when creating -> media_type when reading back
MEDIA_TYPES = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "VIDEO": "VIDEO",
               "CAROUSEL": "CAROUSEL_ALBUM"}
IMAGE_DOWNLOAD_ERROR = "UNKNOWN"
VIDEO_DOWNLOAD_ERROR = "FAILED_DOWNLOADING_VIDEO"
QUOTA_ERROR = {"code": 4, "message": "Application request limit reached"}
ALREADY_PUBLISHED_ERROR = {"code": 100, "message": "The media has already been published"}
REFRESH_TOO_NEW_ERROR = {"code": 100, "message": "The access token can only be refreshed when "
                                                  "it is at least 24 hours old"}
USER_FIELDS = {"id", "username", "name", "threads_profile_picture_url", "threads_biography",
               "is_verified"}
CONTAINER_FIELDS = {"id", "status", "error_message"}
POST_FIELDS = {"id", "media_product_type", "media_type", "media_url", "permalink", "owner",
               "username", "text", "timestamp", "shortcode", "thumbnail_url", "children",
               "is_quote_post", "quoted_post", "reposted_post", "alt_text",
               "link_attachment_url", "has_replies", "reply_audience", "is_reply",
               "is_reply_owned_by_me", "root_post", "replied_to", "hide_status", "gif_url",
               "poll_attachment", "topic_tag", "profile_picture_url"}
LIMIT_FIELDS = ("quota_usage", "config", "reply_quota_usage", "reply_config",
                "delete_quota_usage", "delete_config", "location_search_quota_usage",
                "location_search_config")
MEDIA_METRICS = {  # name -> (title, description); likes and replies as in Meta's example
    "views": ("Views", "The number of times your post was played or displayed."),
    "likes": ("Likes", "The number of likes on your post."),
    "replies": ("Replies", "The number of replies on your post."),
    "reposts": ("Reposts", "The number of times your post was reposted."),
    "quotes": ("Quotes", "The number of times your post was quoted."),
    "shares": ("Shares", "The number of shares of your post."),
}
USER_METRICS = {
    "views": "The number of times your profile was viewed.",
    "likes": "The number of likes on your posts.",
    "replies": "The number of replies on your posts.",
    "reposts": "The number of times your posts were reposted.",
    "quotes": "The number of times your posts were quoted.",
    "clicks": "The number of clicks on links in your posts.",
    "followers_count": "This is your total number of followers on Threads.",
}
ID_RE = re.compile(r"^[0-9]{1,25}$")


# --- text ------------------------------------------------------------------------------------

def _is_emoji_start(cp, following):
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or 0x2300 <= cp <= 0x23FF or following in (0xFE0F, 0x20E3))


def _is_modifier(cp):
    return (cp in (0xFE0F, 0x20E3) or 0x1F3FB <= cp <= 0x1F3FF  # skin tones
            or 0xE0020 <= cp <= 0xE007F)  # tag sequences (subdivision flags)


def text_length(text):
    """The length Threads checks against 500: every character counts one (combining marks
    none, after NFC), but an emoji counts the UTF-8 bytes of its whole sequence (modifiers, a
    flag's pair of regional indicators, the ZWJ and what it joins), as Meta's docs say."""
    text = unicodedata.normalize("NFC", text)
    total, i, n = 0, 0, len(text)
    while i < n:
        cp = ord(text[i])
        following = ord(text[i + 1]) if i + 1 < n else None
        if _is_emoji_start(cp, following):
            start = i
            i += 1
            if 0x1F1E6 <= cp <= 0x1F1FF and i < n and 0x1F1E6 <= ord(text[i]) <= 0x1F1FF:
                i += 1
            while i < n:
                c = ord(text[i])
                if _is_modifier(c):
                    i += 1
                elif c == 0x200D:
                    i += 2 if i + 1 < n else 1
                else:
                    break
            total += len(text[start:i].encode("utf-8"))
        else:
            if not unicodedata.combining(text[i]):
                total += 1
            i += 1
    return total


_LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\")]}>"


def links(text):
    """The distinct links of a text, in order: http(s) URLs and www. addresses, trailing
    punctuation left out."""
    found = []
    for match in _LINK_RE.finditer(text or ""):
        link = match.group(0).rstrip(_TRAILING)
        if link not in found:
            found.append(link)
    return found


# --- times -----------------------------------------------------------------------------------

def iso8601(epoch):
    """2026-12-01T08:00:00+0000, as Threads writes timestamps."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(int(epoch)))


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                      r"([Zz]|[+-]\d{2}:?\d{2})?)?$")


def parse_time(value):
    """A Unix time, or a date / date-time (ISO 8601, zone Z, +0000 or +00:00, UTC if none) as
    Threads accepts for since/until and timestamps; None if neither."""
    value = (value or "").strip()
    if re.fullmatch(r"-?[0-9]{1,12}", value):
        return int(value)
    match = _DATE_RE.match(value)
    if not match:
        return None
    y, mo, d = (int(g) for g in match.groups()[:3])
    h, mi, s = (int(g or 0) for g in match.groups()[3:6])
    try:
        epoch = calendar.timegm(datetime.datetime(y, mo, d, h, mi, s).timetuple())
    except ValueError:
        return None
    zone = match.group(7)
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 3600 + int(digits[2:]) * 60
        epoch -= offset if zone[0] == "+" else -offset
    return epoch


# --- answers ---------------------------------------------------------------------------------

def _json(status, document, headers=None):
    out = {"Content-Type": "application/json; charset=UTF-8"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def _trace_id():
    return "A" + secrets.token_urlsafe(16)[:22]


def graph_error(message, code, error_subcode=None, error_type="OAuthException", status=400,
                **extra):
    """A Graph-style error answer: {"error": {message, type, code[, error_subcode], ...,
    fbtrace_id}}."""
    error = {"message": message, "type": error_type, "code": code}
    if error_subcode is not None:
        error["error_subcode"] = error_subcode
    error.update(extra)
    error["fbtrace_id"] = _trace_id()
    headers = None
    if code == 190:
        headers = {"WWW-Authenticate": f'OAuth "Facebook Platform" "invalid_token" "{message}"'}
    return _json(status, {"error": error}, headers)


def _param_error(message, **extra):
    return graph_error(f"(#100) {message}", 100, **extra)


def _unsupported(method, object_id):
    return graph_error(
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation.",
        100, 33, error_type="GraphMethodException")


def _not_ready(container_id):
    return graph_error("The requested resource does not exist", 24, 4279009, is_transient=False,
                       error_user_title="Media Not Found",
                       error_user_msg=f"The media with id {container_id} cannot be found.")


def _cursor(item_id):
    return base64.urlsafe_b64encode(f"threads:{item_id}".encode()).decode().rstrip("=")


def _cursor_id(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text[8:] if text.startswith("threads:") else None


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def shortcode(post_id):
    """The shortcode of a post: its id in base 62 (letters and digits)."""
    number, out = int(post_id), ""
    while True:
        number, digit = divmod(number, 62)
        out = _BASE62[digit] + out
        if not number:
            return "C" + out


def _allow_head(server):
    """Answer HEAD like GET on `server` (a HookFakeServer), with the headers (Content-Length
    too) but without the body: the base's handler knows no HEAD. And no traceback for a
    client that hung up before the answer was written."""

    class Sink:
        def write(self, data):
            return len(data)

        def flush(self):
            pass

    def do_head(handler):
        real = handler.wfile
        original_end = handler.end_headers

        def end_headers():
            original_end()  # writes the status line and headers to the real stream
            handler.wfile = Sink()

        handler.end_headers = end_headers
        try:
            server._serve(handler)
        finally:
            handler.wfile = real
            del handler.end_headers

    server._server.RequestHandlerClass.do_HEAD = do_head
    default_handle_error = server._server.handle_error

    def handle_error(request, client_address):
        # A client that gave up (a fetch timed out, a HEAD) is no error worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            default_handle_error(request, client_address)

    server._server.handle_error = handle_error


class ThreadsFake(HookFakeServer):
    def __init__(self, token="th-t0ken", user_id="17841400000000001", username="herald",
                 processing_polls=1):
        self.token = token  # the valid user token; refresh replaces it
        self.user_id = user_id
        self.username = username
        self.name = "Herald"
        self.biography = ""
        self.profile_picture_url = "https://scontent.cdninstagram.com/v/herald.jpg"
        self.processing_polls = processing_polls
        self.clock = time.time  # the fake's clock: timestamps, expiry, quotas, token age
        # the Unix time the token was issued (fake clock); None: a week before the clock's
        # reading, whatever the clock says (never too new to refresh, never expired)
        self.token_issued_at = None
        self.refresh_revokes_old = True  # the token refreshed stops working (assumed)
        self.old_tokens = []  # the tokens refresh replaced, oldest first
        # id -> {"id", "media_type" (as created), "text", "image_url", "video_url", "alt_text",
        #        "reply_to_id", "is_carousel_item", "children", "status", "error_message",
        #        "published_id", "polls", "created_at" (fake clock), "outcome"}
        self.containers = {}
        # [{"id", "text", "media_type" (as read: TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM),
        #   "image_urls", "alt_texts", "reply_to_id", "timestamp", "permalink", "shortcode",
        #   "username", "owner_id", "container_id", "hide_status", "children"}]
        self.posts = []
        # post id -> {"views", "likes", "replies", "reposts", "quotes", "shares"} (set_counts)
        self.counts = {}
        self.followers = 0
        self.fetches = []  # [{"url", "status", "content_type"}]: the media the fake fetched
        self.last_error = None  # the last Graph error document answered
        self._publish_times = []
        self._reply_times = []
        self._container_ids = itertools.count(17890000000000001)
        self._post_ids = itertools.count(18020000000000001)
        self._other_users = {}
        self._lost_publishes = 0
        self._state = threading.RLock()
        super().__init__()
        _allow_head(self)

    # --- control -------------------------------------------------------------------------------

    @property
    def quota_usage(self):
        """The posts published in the last 24 h of the fake's clock (replies apart)."""
        with self._state:
            return self._in_window(self._publish_times)

    @quota_usage.setter
    def quota_usage(self, n):
        with self._state:
            self._publish_times = [self.clock()] * int(n)

    @property
    def reply_quota_usage(self):
        with self._state:
            return self._in_window(self._reply_times)

    @reply_quota_usage.setter
    def reply_quota_usage(self, n):
        with self._state:
            self._reply_times = [self.clock()] * int(n)

    def lose_next_publishes(self, n=1):
        """The next n threads_publish that succeed publish the post, then hang up unanswered."""
        with self._state:
            self._lost_publishes += n

    def post(self, post_id):
        with self._state:
            return next((p for p in self.posts if p["id"] == post_id), None)

    def add_post(self, text, timestamp=None, reply_to_id=None, username=None):
        """Store a post as if published earlier (timestamp: a Unix time or ISO 8601 text; by
        default now), by the fake's user or, with `username`, by another; returns it. It counts
        in no quota."""
        with self._state:
            if reply_to_id is not None and self.post(reply_to_id) is None:
                raise KeyError(f"no post {reply_to_id}")
            return self._store_post(text=text, media_type="TEXT_POST", reply_to_id=reply_to_id,
                                    timestamp=timestamp, username=username)

    def add_reply(self, to_post_id, username, text, timestamp=None):
        """Another user's reply to a post (any depth); returns it."""
        return self.add_post(text, timestamp=timestamp, reply_to_id=to_post_id,
                             username=username)

    def set_counts(self, post_id, views=None, likes=None, replies=None, reposts=None,
                   quotes=None, shares=None):
        """The media insights of a post; a count left out keeps its value (0 at first;
        replies: the stored replies until set, all depths for a root post, direct ones for a
        reply, as Meta's docs say)."""
        with self._state:
            if self.post(post_id) is None:
                raise KeyError(f"no post {post_id}")
            counts = self.counts.setdefault(post_id, {})
            for name, value in (("views", views), ("likes", likes), ("replies", replies),
                                ("reposts", reposts), ("quotes", quotes), ("shares", shares)):
                if value is not None:
                    counts[name] = int(value)
            return counts

    def own_posts(self):
        """The fake user's top-level posts, newest first."""
        with self._state:
            return [p for p in self._newest_first()
                    if p["owner_id"] == self.user_id and not p["reply_to_id"]]

    def calls(self, method, path):
        return [r for r in self.requests if r.method == method and r.path == path]

    def permalink(self, username, code):
        return f"https://{PERMALINK_HOST}/@{username}/post/{code}"

    # --- plumbing ------------------------------------------------------------------------------

    def _in_window(self, times):
        now = self.clock()
        return sum(1 for t in times if now - QUOTA_WINDOW < t <= now + 1e-6)

    def _other_user_id(self, username):
        return self._other_users.setdefault(username, str(17841400000000101
                                                          + len(self._other_users)))

    def _store_post(self, text, media_type, reply_to_id=None, timestamp=None, username=None,
                    image_urls=(), alt_texts=(), container_id=None, children=()):
        if timestamp is None:
            timestamp = self.clock()
        if not isinstance(timestamp, str):
            timestamp = iso8601(timestamp)
        elif parse_time(timestamp) is None:
            raise ValueError(f"not a timestamp: {timestamp!r}")
        post_id = str(next(self._post_ids))
        username = username or self.username
        owner_id = self.user_id if username == self.username else self._other_user_id(username)
        code = shortcode(post_id)
        post = {"id": post_id, "text": text or "", "media_type": media_type,
                "image_urls": list(image_urls), "alt_texts": list(alt_texts),
                "reply_to_id": reply_to_id, "timestamp": timestamp,
                "permalink": self.permalink(username, code), "shortcode": code,
                "username": username, "owner_id": owner_id, "container_id": container_id,
                "hide_status": "NOT_HUSHED", "children": list(children)}
        self.posts.append(post)
        return post

    def _newest_first(self):
        return sorted(self.posts, key=lambda p: (parse_time(p["timestamp"]), int(p["id"])),
                      reverse=True)

    def _params(self, request):
        """The request's parameters: the query's, then the body's (form, multipart or JSON)."""
        params = {k: v[-1] for k, v in request.query.items()}
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            params.update(urllib.parse.parse_qsl(request.body.decode("utf-8", "replace"),
                                                 keep_blank_values=True))
        elif request.parts is not None:
            for part in request.parts:
                if part["name"] and part["filename"] is None:
                    params[part["name"]] = part["data"].decode("utf-8", "replace")
        elif isinstance(request.json, dict):
            for key, value in request.json.items():
                if isinstance(value, (dict, list)):
                    value = json.dumps(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                params[key] = str(value)
        return params

    def _token_of(self, request, params):
        if "access_token" in params:
            return params["access_token"]
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            return header[7:].strip()
        if header[:6].lower() == "oauth ":
            return header[6:].strip()
        return None

    def _issued_at(self):
        if self.token_issued_at is None:
            return self.clock() - 7 * 86400
        return self.token_issued_at

    def _auth_error(self, token):
        """None when `token` is the valid, unexpired token; else the Graph error answer."""
        valid = token == self.token or (not self.refresh_revokes_old and token in self.old_tokens)
        if not token or not valid:
            return graph_error("Invalid OAuth access token - Cannot parse access token", 190)
        expires = self._issued_at() + TOKEN_LIFETIME
        now = self.clock()
        if now >= expires:
            stamp = time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(expires))
            current = time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(now))
            return graph_error(f"Error validating access token: Session has expired on {stamp}. "
                               f"The current time is {current}.", 190, 463)
        return None

    def handle(self, request):
        answer = self._handle(request)
        if answer is not None and answer[0] >= 400:
            try:
                self.last_error = json.loads(answer[2])
            except ValueError:
                pass
        return answer

    def _handle(self, request):
        method = "GET" if request.method == "HEAD" else request.method
        params = self._params(request)
        with self._state:
            problem = self._auth_error(self._token_of(request, params))
        if problem:
            return problem
        path = request.path.rstrip("/") or "/"
        if path == "/refresh_access_token":
            if method != "GET":
                return _unsupported(method, "refresh_access_token")
            return self._refresh(params)
        if not path.startswith(API + "/"):
            return _unsupported(method, path.lstrip("/").split("/")[0] or "/")
        parts = path[len(API) + 1:].split("/")
        node = urllib.parse.unquote(parts[0])
        edge = parts[1] if len(parts) > 1 else None
        if len(parts) > 2:
            return _unsupported(method, node)
        with self._state:
            is_user = node in ("me", self.user_id)
            is_container = node in self.containers
            is_post = self.post(node) is not None
        if is_user:
            route = {("GET", None): self._me, ("POST", "threads"): self._create,
                     ("GET", "threads"): self._timeline, ("GET", "replies"): self._own_replies,
                     ("POST", "threads_publish"): self._publish,
                     ("GET", "threads_publishing_limit"): self._limits,
                     ("GET", "threads_insights"): self._user_insights}.get((method, edge))
            if route:
                return route(params)
        elif is_container and method == "GET" and edge is None:
            return self._container(node, params)
        elif is_post and method == "GET":
            route = {None: self._read_post, "replies": self._replies,
                     "conversation": self._conversation, "insights": self._insights}.get(edge)
            if route:
                return route(node, params)
        return _unsupported(method, node)

    # --- fields --------------------------------------------------------------------------------

    @staticmethod
    def _fields(params, allowed, node_type, default=("id",)):
        """The fields asked for (in order, each once, and id last when not asked: Graph always
        answers a node's id), or the Graph error for an unknown one."""
        raw = params.get("fields", "")
        fields = [f.strip() for f in raw.split(",") if f.strip()] or list(default)
        for field in fields:
            if field not in allowed:
                return None, _param_error(f"Tried accessing nonexisting field ({field}) on node "
                                          f"type ({node_type})")
        return list(dict.fromkeys(fields + ["id"])), None

    def _render_post(self, post, fields):
        is_reply = bool(post["reply_to_id"])
        values = {
            "id": post["id"], "media_product_type": "THREADS", "media_type": post["media_type"],
            "permalink": post["permalink"], "username": post["username"],
            "timestamp": post["timestamp"], "shortcode": post["shortcode"],
            "is_quote_post": False, "has_replies": any(
                p["reply_to_id"] == post["id"] for p in self.posts),
            "is_reply": is_reply, "is_reply_owned_by_me": is_reply
            and post["owner_id"] == self.user_id, "reply_audience": "EVERYONE",
            "hide_status": post["hide_status"],
        }
        if post["text"]:
            values["text"] = post["text"]
        if post["media_type"] in ("IMAGE", "VIDEO") and post["image_urls"]:
            values["media_url"] = post["image_urls"][0]
        if post["alt_texts"] and post["alt_texts"][0] and post["media_type"] != "CAROUSEL_ALBUM":
            values["alt_text"] = post["alt_texts"][0]
        if post["owner_id"] == self.user_id and not is_reply:
            values["owner"] = {"id": self.user_id}
        if post["children"]:
            values["children"] = {"data": [{"id": c} for c in post["children"]]}
        found = links(post["text"])
        if post["media_type"] == "TEXT_POST" and found:
            values["link_attachment_url"] = found[0]
        if is_reply:
            values["replied_to"] = {"id": post["reply_to_id"]}
            values["root_post"] = {"id": self._root(post)["id"]}
        return {f: values[f] for f in fields if f in values}

    def _root(self, post):
        while post["reply_to_id"] and self.post(post["reply_to_id"]) is not None:
            post = self.post(post["reply_to_id"])
        return post

    # --- endpoints -----------------------------------------------------------------------------

    def _me(self, params):
        fields, problem = self._fields(params, USER_FIELDS, "ThreadsUser")
        if problem:
            return problem
        values = {"id": self.user_id, "username": self.username, "name": self.name,
                  "threads_profile_picture_url": self.profile_picture_url,
                  "threads_biography": self.biography, "is_verified": False}
        return _json(200, {f: values[f] for f in fields})

    def _fetch(self, url, kind):
        """Fetch a media URL as Meta's crawler would: True when it answers 200 with a
        Content-Type of `kind`/*. Not under the lock: the URL may be this very fake."""
        status = content_type = None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(url, headers={"User-Agent": CRAWLER_AGENT})
        try:
            with opener.open(request, timeout=FETCH_TIMEOUT) as answer:
                answer.read()
                status, content_type = answer.status, answer.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            status, content_type = error.code, error.headers.get("Content-Type")
        except (urllib.error.URLError, OSError, ValueError):
            pass
        with self._state:
            self.fetches.append({"url": url, "status": status, "content_type": content_type})
        mime = (content_type or "").split(";")[0].strip().lower()
        return status == 200 and mime.startswith(kind + "/")

    def _create(self, params):
        media_type = params.get("media_type")
        if not media_type:
            return _param_error("The parameter media_type is required")
        if media_type not in MEDIA_TYPES:
            return _param_error(f"Param media_type must be one of {{TEXT, IMAGE, VIDEO, "
                                f"CAROUSEL}} - got \"{media_type}\"")
        text = params.get("text", "")
        carousel_item = params.get("is_carousel_item", "false").lower()
        if carousel_item not in ("true", "false", "1", "0"):
            return _param_error("Param is_carousel_item must be a boolean")
        carousel_item = carousel_item in ("true", "1")
        if media_type == "TEXT" and not text:
            return _param_error("The parameter text is required for media_type=TEXT")
        if text_length(text) > MAX_TEXT:
            return _param_error(f"Param text must be at most {MAX_TEXT} characters long "
                                f"(emojis count as their UTF-8 bytes): {text_length(text)}")
        if len(links(text)) > MAX_LINKS:
            return _param_error(f"The post has more than {MAX_LINKS} links "
                                "(THREADS_API__LINK_LIMIT_EXCEEDED)",
                                error_user_title="THREADS_API__LINK_LIMIT_EXCEEDED",
                                error_user_msg=f"Reduce the number of unique links in the post "
                                               f"to {MAX_LINKS} or less.")
        alt_text = params.get("alt_text")
        if alt_text is not None and len(alt_text) > MAX_ALT_TEXT:
            return _param_error(f"Param alt_text must be at most {MAX_ALT_TEXT} characters long")
        if carousel_item and media_type not in ("IMAGE", "VIDEO"):
            return _param_error("A carousel item must be an IMAGE or a VIDEO")
        reply_to_id = params.get("reply_to_id") or None
        children = []
        with self._state:
            if reply_to_id is not None and self.post(reply_to_id) is None:
                return _param_error(f"Param reply_to_id must be the id of an existing post: "
                                    f"{reply_to_id}")
            if media_type == "CAROUSEL":
                children = [c.strip() for c in params.get("children", "").split(",") if c.strip()]
                if not CAROUSEL_MIN <= len(children) <= CAROUSEL_MAX:
                    return _param_error(f"Param children must name {CAROUSEL_MIN} to "
                                        f"{CAROUSEL_MAX} carousel items, not {len(children)}")
                for child_id in children:
                    child = self.containers.get(child_id)
                    if child is None or not child["is_carousel_item"]:
                        return _param_error(f"Param children: {child_id} is not a carousel "
                                            "item container")
                    if self._status(child) != "FINISHED":
                        return _param_error(f"Param children: the carousel item {child_id} is "
                                            f"{self._status(child)}, not FINISHED")
        url, kind = None, None
        if media_type == "IMAGE":
            url, kind = params.get("image_url"), "image"
        elif media_type == "VIDEO":
            url, kind = params.get("video_url"), "video"
        if kind and not url:
            return _param_error(f"The parameter {kind}_url is required for "
                                f"media_type={media_type}")
        if url and urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
            return _param_error(f"Param {kind}_url must be a valid http(s) URL")
        outcome, error_message = "FINISHED", None
        if url and not self._fetch(url, kind):
            outcome = "ERROR"
            error_message = IMAGE_DOWNLOAD_ERROR if kind == "image" else VIDEO_DOWNLOAD_ERROR
        with self._state:
            container_id = str(next(self._container_ids))
            in_progress = url is not None and self.processing_polls > 0
            self.containers[container_id] = {
                "id": container_id, "media_type": media_type, "text": text,
                "image_url": params.get("image_url") if media_type == "IMAGE" else None,
                "video_url": params.get("video_url") if media_type == "VIDEO" else None,
                "alt_text": alt_text, "reply_to_id": reply_to_id,
                "is_carousel_item": carousel_item, "children": children,
                "status": "IN_PROGRESS" if in_progress else outcome,
                "error_message": None if in_progress else error_message,
                "published_id": None, "polls": 0, "created_at": self.clock(),
                "outcome": (outcome, error_message)}
        return _json(200, {"id": container_id})

    def _status(self, container):
        """A container's status now (EXPIRED once 24 h old, unless PUBLISHED)."""
        if container["status"] not in ("PUBLISHED", "EXPIRED") and \
                self.clock() - container["created_at"] >= CONTAINER_LIFETIME:
            container["status"] = "EXPIRED"
        return container["status"]

    def _container(self, container_id, params):
        fields, problem = self._fields(params, CONTAINER_FIELDS, "ThreadsMediaContainer")
        if problem:
            return problem
        with self._state:
            container = self.containers[container_id]
            if "status" in fields or "error_message" in fields:
                container["polls"] += 1
                if container["status"] == "IN_PROGRESS" and \
                        container["polls"] > self.processing_polls:
                    container["status"], container["error_message"] = container["outcome"]
            status = self._status(container)
            values = {"id": container_id, "status": status}
            if status == "ERROR" and container["error_message"]:
                values["error_message"] = container["error_message"]
            return _json(200, {f: values[f] for f in fields if f in values})

    def _publish(self, params):
        container_id = params.get("creation_id")
        if not container_id:
            return _param_error("The parameter creation_id is required")
        with self._state:
            container = self.containers.get(container_id)
            if container is None:
                return _not_ready(container_id)
            status = self._status(container)
            if status == "PUBLISHED":
                return graph_error(ALREADY_PUBLISHED_ERROR["message"],
                                   ALREADY_PUBLISHED_ERROR["code"])
            if status != "FINISHED":
                return _not_ready(container_id)
            if container["is_carousel_item"]:
                return _param_error("A carousel item can only be published in a carousel")
            is_reply = container["reply_to_id"] is not None
            if is_reply and self.reply_quota_usage >= REPLY_QUOTA_TOTAL:
                return graph_error(QUOTA_ERROR["message"], QUOTA_ERROR["code"])
            if not is_reply and self.quota_usage >= QUOTA_TOTAL:
                return graph_error(QUOTA_ERROR["message"], QUOTA_ERROR["code"])
            items = [self.containers[c] for c in container["children"]] or [container]
            image_urls = [c["image_url"] or c["video_url"] for c in items
                          if c["image_url"] or c["video_url"]]
            alt_texts = [c["alt_text"] for c in items if c["image_url"] or c["video_url"]]
            post = self._store_post(
                text=container["text"], media_type=MEDIA_TYPES[container["media_type"]],
                reply_to_id=container["reply_to_id"], image_urls=image_urls,
                alt_texts=alt_texts, container_id=container_id,
                children=container["children"])
            container["status"] = "PUBLISHED"
            container["published_id"] = post["id"]
            (self._reply_times if is_reply else self._publish_times).append(self.clock())
            if self._lost_publishes:
                self._lost_publishes -= 1
                return None
        return _json(200, {"id": post["id"]})

    def _limits(self, params):
        raw = params.get("fields", "")
        fields = [f.strip() for f in raw.split(",") if f.strip()] or ["quota_usage", "config"]
        for field in fields:
            if field not in LIMIT_FIELDS:
                return _param_error(f"Tried accessing nonexisting field ({field}) on node type "
                                    "(ThreadsPublishingLimit)")
        with self._state:
            values = {
                "quota_usage": self.quota_usage,
                "config": {"quota_total": QUOTA_TOTAL, "quota_duration": QUOTA_WINDOW},
                "reply_quota_usage": self.reply_quota_usage,
                "reply_config": {"quota_total": REPLY_QUOTA_TOTAL, "quota_duration": QUOTA_WINDOW},
                "delete_quota_usage": 0,
                "delete_config": {"quota_total": DELETE_QUOTA_TOTAL,
                                  "quota_duration": QUOTA_WINDOW},
                "location_search_quota_usage": 0,
                "location_search_config": {"quota_total": LOCATION_SEARCH_QUOTA_TOTAL,
                                           "quota_duration": QUOTA_WINDOW},
            }
        return _json(200, {"data": [{f: values[f] for f in dict.fromkeys(fields)}]})

    def _read_post(self, post_id, params):
        fields, problem = self._fields(params, POST_FIELDS, "ThreadsMedia")
        if problem:
            return problem
        with self._state:
            return _json(200, self._render_post(self.post(post_id), fields))

    def _timeline(self, params):
        with self._state:
            found = self.own_posts()
        return self._listing(params, found, "/me/threads", with_bounds=True)

    def _own_replies(self, params):
        with self._state:
            found = [p for p in self._newest_first()
                     if p["owner_id"] == self.user_id and p["reply_to_id"]]
        return self._listing(params, found, "/me/replies", with_bounds=True)

    def _reply_listing(self, post_id, params, direct):
        reverse = params.get("reverse", "true").lower()
        if reverse not in ("true", "false"):
            return _param_error("Param reverse must be a boolean")
        with self._state:
            if direct:
                found = [p for p in self.posts if p["reply_to_id"] == post_id]
            else:
                found = [p for p in self.posts
                         if p["reply_to_id"] and p["id"] != post_id
                         and self._descends(p, post_id)]
            found.sort(key=lambda p: (parse_time(p["timestamp"]), int(p["id"])),
                       reverse=reverse == "true")
        edge = "replies" if direct else "conversation"
        return self._listing(params, found, f"/{post_id}/{edge}", with_bounds=False)

    def _descends(self, post, ancestor_id):
        seen = set()
        while post["reply_to_id"] and post["id"] not in seen:
            seen.add(post["id"])
            if post["reply_to_id"] == ancestor_id:
                return True
            post = self.post(post["reply_to_id"])
            if post is None:
                return False
        return False

    def _replies(self, post_id, params):
        return self._reply_listing(post_id, params, direct=True)

    def _conversation(self, post_id, params):
        return self._reply_listing(post_id, params, direct=False)

    def _listing(self, params, found, path, with_bounds):
        """One page of `found` (already in order): data, paging.cursors, paging.next/previous."""
        fields, problem = self._fields(params, POST_FIELDS, "ThreadsMedia")
        if problem:
            return problem
        raw_limit = params.get("limit", str(DEFAULT_LIMIT))
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            return _param_error(f"Param limit must be a number from 1 to {MAX_LIMIT}: "
                                f"{raw_limit}")
        limit = int(raw_limit)
        if with_bounds:
            bounds = {}
            for name in ("since", "until"):
                if name in params:
                    bounds[name] = parse_time(params[name])
                    if bounds[name] is None:
                        return _param_error(f"Param {name} must be a Unix timestamp or a date: "
                                            f"{params[name]}")
            if "since" in bounds and bounds["since"] < OLDEST_SINCE:
                return _param_error(f"Param since must be at least {OLDEST_SINCE}")
            if "since" in bounds and "until" in bounds and bounds["since"] >= bounds["until"]:
                return _param_error("Param since must be less than until")
            found = [p for p in found
                     if ("since" not in bounds or parse_time(p["timestamp"]) >= bounds["since"])
                     and ("until" not in bounds or parse_time(p["timestamp"]) <= bounds["until"])]
        if "before" in params and "after" in params:
            return _param_error("Params before and after cannot be passed at the same time")
        ids = [p["id"] for p in found]
        start = 0
        for name in ("after", "before"):
            if name in params:
                anchor = _cursor_id(params[name])
                if anchor is None or anchor not in ids:
                    return _param_error(f"Param {name} is not a valid cursor: {params[name]}")
                at = ids.index(anchor)
                start = at + 1 if name == "after" else max(0, at - limit)
        end = start + limit
        if "before" in params:
            end = ids.index(_cursor_id(params["before"]))
        page = found[start:end]
        if not page:
            return _json(200, {"data": []})
        with self._state:
            data = [self._render_post(p, fields) for p in page]
        paging = {"cursors": {"before": _cursor(page[0]["id"]), "after": _cursor(page[-1]["id"])}}
        base = {k: v for k, v in params.items() if k not in ("before", "after")}
        if end < len(found):
            paging["next"] = self.url(API + path) + "?" + urllib.parse.urlencode(
                dict(base, after=paging["cursors"]["after"]))
        if start > 0:
            paging["previous"] = self.url(API + path) + "?" + urllib.parse.urlencode(
                dict(base, before=paging["cursors"]["before"]))
        return _json(200, {"data": data, "paging": paging})

    @staticmethod
    def _metrics(params, allowed):
        raw = params.get("metric", "")
        metrics = [m.strip() for m in raw.split(",") if m.strip()]
        if not metrics:
            return None, _param_error("The parameter metric is required")
        for index, metric in enumerate(metrics):
            if metric not in allowed:
                return None, _param_error(f"metric[{index}] must be one of the following "
                                          f"values: {', '.join(allowed)}")
        return list(dict.fromkeys(metrics)), None

    def _count(self, post, name):
        counts = self.counts.get(post["id"], {})
        if name in counts:
            return counts[name]
        if name == "replies":
            if post["reply_to_id"]:
                return sum(1 for p in self.posts if p["reply_to_id"] == post["id"])
            return sum(1 for p in self.posts if p["reply_to_id"] and
                       self._descends(p, post["id"]))
        return 0

    def _insights(self, post_id, params):
        metrics, problem = self._metrics(params, list(MEDIA_METRICS))
        if problem:
            return problem
        with self._state:
            post = self.post(post_id)
            data = []
            for name in metrics:
                title, description = MEDIA_METRICS[name]
                data.append({"name": name, "period": "lifetime",
                             "values": [{"value": self._count(post, name)}], "title": title,
                             "description": description,
                             "id": f"{post_id}/insights/{name}/lifetime"})
        return _json(200, {"data": data})

    def _user_insights(self, params):
        metrics, problem = self._metrics(params, list(USER_METRICS))
        if problem:
            return problem
        for name in ("since", "until"):
            if name in params and not params[name].isdigit():
                return _param_error(f"Param {name} must be a Unix timestamp")
        with self._state:
            own = self.own_posts()
            data = []
            for name in metrics:
                item = {"name": name, "period": "day", "title": name,
                        "description": USER_METRICS[name]}
                if name == "followers_count":
                    item["total_value"] = {"value": self.followers}
                elif name == "views":
                    day = self.clock() // 86400 * 86400 + 7 * 3600
                    item["values"] = [{"value": sum(self._count(p, "views") for p in own),
                                       "end_time": iso8601(day)}]
                elif name == "clicks":
                    item["total_value"] = {"value": 0}
                else:
                    item["total_value"] = {"value": sum(self._count(p, name) for p in own)}
                item["id"] = f"{self.user_id}/insights/{name}/day"
                data.append(item)
        return _json(200, {"data": data})

    def _refresh(self, params):
        if params.get("grant_type") != "th_refresh_token":
            return _param_error("Param grant_type must be th_refresh_token")
        with self._state:
            if self.clock() - self._issued_at() < REFRESH_MIN_AGE:
                return graph_error(REFRESH_TOO_NEW_ERROR["message"],
                                   REFRESH_TOO_NEW_ERROR["code"])
            old = self.token
            self.token = "th-" + secrets.token_urlsafe(24)
            self.token_issued_at = self.clock()
            self.old_tokens.append(old)
            return _json(200, {"access_token": self.token, "token_type": "bearer",
                               "expires_in": TOKEN_LIFETIME})


class MediaServer(HookFakeServer):
    """Serves the files a test registers, for GET and HEAD (404 otherwise): the user's public
    media URLs that Threads fetches."""

    def __init__(self):
        self.files = {}  # path -> (bytes, content type)
        self._files_lock = threading.Lock()
        super().__init__()
        _allow_head(self)

    def put(self, path, data, content_type):
        """Serve `data` at `path` with `content_type`; returns its URL."""
        with self._files_lock:
            self.files[path] = (bytes(data), content_type)
        return self.url(path)

    def remove(self, path):
        with self._files_lock:
            self.files.pop(path, None)

    def handle(self, request):
        if request.method not in ("GET", "HEAD"):
            return (405, {"Content-Type": "text/plain", "Allow": "GET, HEAD"},
                    b"method not allowed\n")
        with self._files_lock:
            entry = self.files.get(request.path)
        if entry is None:
            return 404, {"Content-Type": "text/plain"}, b"not found\n"
        data, content_type = entry
        return 200, {"Content-Type": content_type}, data
