"""A loopback fake of the X (Twitter) API v2 calls herald's x platform uses (platforms.md
section 3), on HookFakeServer (fakes.py). Standard library only.

Auth, on every request: `Authorization: Bearer <bearer>` (when the fake is given one), or
OAuth 1.0a HMAC-SHA1 (RFC 5849) over the method, the base URL http://127.0.0.1:<port><path> and
the query, oauth_* header and (only for an application/x-www-form-urlencoded body) form
parameters; a wrong key, token, signature, method or version, a nonce seen before, or a
timestamp more than 300 s from `now` (or the real time) answers 401 problem+json. The reason of
the last refusal is in `last_auth_error`, the last recomputed base string in `last_base_string`.

- GET  /2/users/me[?user.fields=public_metrics]
- POST /2/tweets (JSON: text, reply.in_reply_to_tweet_id, media.media_ids): 201; 400 for an
  unknown field, a text over 280 weighted units (twitter-text v3, approximated), a reply to an
  unknown tweet, more than 4 (or unknown) media; 403 for a text the user already posted; 429
  while `rate_limited_until` is set.
- POST /2/media/upload (multipart `media` + `media_category` [+ `media_type`], or the same as
  JSON with base64 `media`): images only; tweet_gif and tweet_video are refused there, as X's
  docs send them through the chunked upload. POST /2/media/metadata (alt text).
- The chunked upload (docs.x.com/x-api/media: initialize-media-upload, append-media-upload,
  finalize-media-upload, get-media-upload-status):
  POST /2/media/upload/initialize (JSON media_type, total_bytes, media_category) -> data.id;
  POST /2/media/upload/<id>/append (multipart `segment_index` 0..999 + `media`, at most 5 MB):
  segments must come in order (0, 1, 2...) and never add up to more than total_bytes;
  POST /2/media/upload/<id>/finalize: 400 until all total_bytes arrived; then the media exists,
  and a GIF or a video is `pending` (check_after_secs: `check_after_secs`) for
  `processing_polls` STATUS reads (in_progress), then succeeded, or failed with
  processing_info.error {code, name, message} after fail_processing(message);
  GET /2/media/upload?command=STATUS&media_id=<id>. A tweet with media not yet succeeded is a
  400. `uploads` keeps each session: its segments as received, in order.
- GET  /2/users/<id>/tweets?max_results=5..100&pagination_token=&start_time=&end_time=
  &since_id=&until_id=&tweet.fields=&exclude=: the user's tweets, newest first, in pages.
- GET  /2/tweets?ids=<1..100 ids>&tweet.fields=public_metrics,...: the tweets found, as the
  timeline renders them, in the order asked; the others in errors[] (Not Found Error).
  public_metrics come from set_counts() (0 when not set; reply_count: the stored replies);
  `metrics_field_names = "new"` answers with the names of X's newest OpenAPI file
  (repost_count for retweet_count, and post_count for tweet_count in users/me).
- GET  /2/users/<id>/mentions?max_results=5..100&pagination_token=&since_id=&until_id=
  &start_time=&end_time=&tweet.fields=&expansions=author_id&user.fields=: the tweets of other
  users that mention @<username> (case-insensitive) or reply to one of the user's tweets,
  newest first, in pages like the timeline's.
- GET  /2/tweets/search/recent?query=conversation_id:<id>&max_results=10..100&next_token=...:
  the conversation's tweets but its root, newest first, created in the last 7 days of the
  fake's clock; only that query form is understood (anything else is a 400).
With expansions=author_id the three above add includes.users [{id, name, username}] for the
authors of the page, from `users` (add_user; the fake's own user is in it).
Every answer carries x-rate-limit-limit/-remaining/-reset (a 15-minute window per endpoint,
counted on the fake's clock: `now`, or the real time).

Faults: fail_next / echo_next / delay_next / drop_next from HookFakeServer (the next requests,
whatever they are, before any auth); rate_limit_next(n, reset) queues n 429s shaped like X's;
lose_next_tweets(n) stores the next n tweets and then hangs up without answering.
"""

import base64
import binascii
import calendar
import datetime
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import unicodedata
import urllib.parse

from fakes import HookFakeServer

TIMESTAMP_WINDOW = 300  # seconds an oauth_timestamp may be away from the fake's clock
RATE_WINDOW = 900  # the 15-minute window of X's rate limits
RATE_LIMITS = {  # per endpoint and window (platforms.md section 3; the timeline's is unconf.)
    "users_me": 75,
    "tweets": 100,
    "media_upload": 500,
    # the chunked steps: X's table names POST /2/media/upload only; the same is assumed
    "media_initialize": 500,
    "media_append": 500,
    "media_finalize": 500,
    "media_status": 500,
    "media_metadata": 500,
    "user_tweets": 900,
    "tweets_lookup": 5000,  # GET /2/tweets, per user (X's rate-limits page)
    "mentions": 300,
    "search_recent": 300,
    "other": 300,
}
MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
MAX_MEDIA_PER_TWEET = 4
MAX_ALT_TEXT = 1000
MEDIA_CATEGORIES = {  # category -> (size limit in bytes, media_key prefix)
    "tweet_image": (5 * 1024 * 1024, "3"),
    "tweet_gif": (15 * 1024 * 1024, "16"),
    "tweet_video": (512 * 1024 * 1024, "7"),
}
SIMPLE_CATEGORIES = {"tweet_image"}  # X's docs: GIFs and videos go through the chunked upload
MAX_TOTAL_BYTES = 536870912  # initialize's total_bytes range (0..512 MB)
MAX_CHUNK = 5 * 1024 * 1024  # the v1.1 APPEND reference's cap (the v2 one states none)
MAX_SEGMENT = 999
MEDIA_UPLOAD_PATH = re.compile(r"^/2/media/upload/([^/]+)/(append|finalize)$")
MEDIA_TYPES = {"image/jpeg", "image/pjpeg", "image/png", "image/webp", "image/bmp",
               "image/tiff", "image/gif", "video/mp4", "video/webm", "video/mp2t",
               "video/quicktime", "text/srt", "text/vtt", "model/gltf-binary",
               "model/vnd.usdz+zip"}
TWEET_FIELDS = {"text", "reply", "media"}  # the top-level fields of POST /2/tweets it accepts
TIMELINE_QUERY = {"max_results", "pagination_token", "start_time", "end_time", "since_id",
                  "until_id", "tweet.fields", "expansions", "media.fields", "place.fields",
                  "poll.fields", "user.fields", "exclude"}
USERS_ME_QUERY = {"user.fields", "expansions", "tweet.fields"}
LOOKUP_QUERY = {"ids", "tweet.fields", "expansions", "media.fields", "place.fields",
                "poll.fields", "user.fields"}
MENTIONS_QUERY = TIMELINE_QUERY - {"exclude"}
SEARCH_QUERY = {"query", "max_results", "next_token", "pagination_token", "start_time",
                "end_time", "since_id", "until_id", "sort_order", "tweet.fields", "expansions",
                "media.fields", "place.fields", "poll.fields", "user.fields"}
MAX_LOOKUP_IDS = 100
SEARCH_WINDOW = 7 * 86400  # recent search sees the last 7 days
CONVERSATION_QUERY = re.compile(r"^\s*conversation_id:([0-9]{1,19})\s*$")
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
ID_RE = re.compile(r"^[0-9]{1,19}$")
INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401,
                "detail": "Unauthorized"}


# --- OAuth 1.0a (RFC 5849) -------------------------------------------------------------------

def oauth1_encode(value):
    """RFC 5849 section 3.6: UTF-8, then every byte but A-Z a-z 0-9 - . _ ~ as %XX."""
    return urllib.parse.quote(str(value).encode("utf-8"), safe="-._~")


def oauth1_base_uri(url):
    """RFC 5849 section 3.4.1.2: lower-case scheme and host, default port dropped, no query or
    fragment, an empty path as "/"."""
    split = urllib.parse.urlsplit(url)
    scheme = split.scheme.lower()
    host = (split.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = split.port
    if port is not None and not (scheme, port) in (("http", 80), ("https", 443)):
        host += f":{port}"
    return f"{scheme}://{host}{split.path or '/'}"


def oauth1_base_string(method, base_url, params):
    """RFC 5849 section 3.4.1: METHOD & enc(base URI) & enc(normalised parameters), where
    `params` are the decoded (name, value) pairs: the query's, the oauth_* ones but the
    signature, and a form body's."""
    pairs = sorted((oauth1_encode(k), oauth1_encode(v)) for k, v in params)
    normalised = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join([method.upper(), oauth1_encode(oauth1_base_uri(base_url)),
                     oauth1_encode(normalised)])


def oauth1_signature(method, base_url, params, consumer_secret, token_secret):
    """The HMAC-SHA1 signature (base64) of a request, RFC 5849 sections 3.4.1 and 3.4.2."""
    base = oauth1_base_string(method, base_url, params)
    key = oauth1_encode(consumer_secret) + "&" + oauth1_encode(token_secret or "")
    digest = hmac.new(key.encode("utf-8"), base.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


_OAUTH_PARAM = re.compile(r'\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def parse_oauth_header(value):
    """The decoded parameters of an `OAuth k="v", ...` header (realm left out), or None when it
    is not one or a parameter repeats."""
    if not value[:6].lower() == "oauth ":
        return None
    rest, params = value[6:], {}
    pos = 0
    while pos < len(rest):
        if not rest[pos:].strip():
            break
        match = _OAUTH_PARAM.match(rest, pos)
        if not match:
            return None
        name = urllib.parse.unquote(match.group(1))
        if name in params:
            return None
        params[name] = urllib.parse.unquote(match.group(2))
        pos = match.end()
    params.pop("realm", None)
    return params


# --- text weight (twitter-text v3, approximated) ---------------------------------------------

_URL_RE = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_TRAILING = ".,:;!?'\"]}>"


def _url_spans(text):
    spans = []
    for match in _URL_RE.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last in _TRAILING or (last == ")" and "(" not in text[start:end - 1]):
                end -= 1
            else:
                break
        spans.append((start, end))
    return spans


def _char_weight(cp):
    if (cp <= 0x10FF or 0x2000 <= cp <= 0x200D or 0x2010 <= cp <= 0x201F
            or 0x2032 <= cp <= 0x2037):
        return 1
    return 2


def _is_regional(cp):
    return 0x1F1E6 <= cp <= 0x1F1FF


def _is_modifier(cp):
    return (cp in (0xFE0F, 0x20E3) or 0x1F3FB <= cp <= 0x1F3FF  # skin tones
            or 0xE0020 <= cp <= 0xE007F)  # tag sequences (subdivision flags)


def _weigh(text):
    units, i, n = 0, 0, len(text)
    while i < n:
        cp = ord(text[i])
        following = ord(text[i + 1]) if i + 1 < n else None
        if cp >= 0x1F000 or following in (0xFE0F, 0x20E3):
            # An emoji sequence counts 2 in all: the code point, its modifiers, a flag's second
            # regional indicator, and whatever a ZWJ joins on.
            units += 2
            i += 1
            if _is_regional(cp) and i < n and _is_regional(ord(text[i])):
                i += 1
            while i < n:
                c = ord(text[i])
                if _is_modifier(c):
                    i += 1
                elif c == 0x200D:
                    i += 2 if i + 1 < n else 1
                else:
                    break
        else:
            units += _char_weight(cp)
            i += 1
    return units


def weighted_length(text):
    """The twitter-text v3 weighted length of `text`: NFC; every http(s) URL 23; code points in
    U+0000-10FF, U+2000-200D, U+2010-201F, U+2032-2037 1, others 2; an emoji sequence 2 (any
    code point from U+1F000, or one followed by U+FE0F or U+20E3, with what follows it)."""
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for start, end in _url_spans(text):
        total += _weigh(text[pos:start]) + URL_WEIGHT
        pos = end
    return total + _weigh(text[pos:])


# --- times -----------------------------------------------------------------------------------

def rfc3339(epoch):
    """2026-05-01T09:00:00.000Z"""
    stamp = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


_RFC3339_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                         r"([Zz]|[+-]\d{2}:\d{2})$")


def parse_rfc3339(value):
    """The Unix time of an RFC 3339 timestamp, or None."""
    match = _RFC3339_RE.match(value or "")
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) for g in match.groups()[:6])
    try:
        epoch = calendar.timegm(datetime.datetime(y, mo, d, h, mi, s).timetuple())
    except ValueError:
        return None
    if match.group(7):
        epoch += float("0" + match.group(7))
    zone = match.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        epoch -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return epoch


# --- answers ---------------------------------------------------------------------------------

def _json(status, document):
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode()


def _problem(status, document):
    return status, {"Content-Type": "application/problem+json"}, json.dumps(document).encode()


def _invalid(message, **parameters):
    """400 Invalid Request, X's shape: the message as the detail and in errors[]."""
    error = {"message": message}
    if parameters:
        error["parameters"] = {k: [v] for k, v in parameters.items()}
    return _problem(400, {"errors": [error], "title": "Invalid Request", "detail": message,
                          "type": INVALID_REQUEST, "status": 400})


def _not_found():
    return _problem(404, {"title": "Not Found", "type": "about:blank", "status": 404,
                          "detail": "Sorry, that page does not exist"})


def secrets_token():
    return binascii.hexlify(hashlib.sha1(str(time.time_ns()).encode()).digest()[:8]).decode()


SHOWN_URL = re.compile(r"https?://[^\s]+")


def shown_text(text):
    """A post's text as X's API returns it: every link replaced by a t.co link, and &, < and >
    escaped as HTML entities."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SHOWN_URL.sub(lambda m: "https://t.co/" + hashlib.sha1(m.group(0).encode()).hexdigest()[:10],
                         escaped)


class XFake(HookFakeServer):
    USER_TWEETS_PATH = re.compile(r"^/2/users/([^/]+)/tweets$")
    USER_MENTIONS_PATH = re.compile(r"^/2/users/([^/]+)/mentions$")

    def __init__(self, consumer_key="ck", consumer_secret="cs", access_token="at",
                 access_token_secret="ats", bearer=None, username="herald", user_id="1001"):
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.access_token = access_token
        self.access_token_secret = access_token_secret
        self.bearer = bearer
        # OAuth 2.0 renewal: the refresh token the app holds now, and the app's client id.
        self.refresh_token = None
        self.client_id = "herald-client-id"
        self.token_lifetime = 7200
        self.token_requests = []
        self._renewals = 0
        self.username = username
        self.user_id = user_id
        self.name = "Herald"
        self.followers = 0  # GET /2/users/me?user.fields=public_metrics: followers_count
        self.following = 0
        self.listed = 0
        # {"id", "text", "author_id", "created_at" (RFC 3339, ms, Z), "reply_to", "media_ids"}
        self.tweets = []
        # id -> {"id", "username", "name"}: the fake's own user (kept in step with `username`
        # and `name`) and the others add_user() stores, the authors of includes.users
        self.users = {user_id: {"id": user_id, "username": username, "name": self.name}}
        # tweet id -> {"likes", "reposts", "replies", "quotes", "impressions", "bookmarks"}
        # (set_counts); what is not set is 0, but replies: the stored replies to the tweet
        self.counts = {}
        self.metrics_field_names = "old"  # "new": repost_count / post_count (newest OpenAPI)
        # id -> {"id", "media_key", "size" (bytes), "category", "mime", "alt_text", "data",
        #        "filename"}
        self.media = {}
        # id -> {"id", "media_key", "media_type", "category", "total_bytes", "segments" (bytes,
        #        in the order received), "finalized"}: the chunked upload sessions
        self.uploads = {}
        self.processing_polls = 1  # STATUS reads that answer in_progress before the outcome
        self.check_after_secs = 1
        self.processing_error = None  # a message: processing fails with it (fail_processing)
        self.now = None  # a Unix time: the fake's clock for oauth_timestamp and rate limits
        self.clock = time.time  # the time new tweets are stored at (created_at)
        self.rate_limited_until = None  # an epoch: POST /2/tweets answers 429 while set
        self.last_base_string = None  # the last base string recomputed from a request
        self.last_auth_error = None  # why the last refused request was refused
        self.nonces = set()
        self._ids = itertools.count(1900000000000000001)
        self._windows = {}  # endpoint -> [window start, requests in it]
        self._lost_tweets = 0
        self._state = threading.RLock()
        super().__init__()

    # --- control -------------------------------------------------------------------------------

    def rate_limit_next(self, n, reset, limit=100):
        """The next n requests (whatever they are) answer 429 as X does, reset at `reset`."""
        self.fail_next(n, 429, headers={
            "Content-Type": "application/problem+json", "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(reset))},
            body={"title": "Too Many Requests", "detail": "Too Many Requests",
                  "type": "about:blank", "status": 429})

    def fail_processing(self, message="Unsupported video format"):
        """Every upload finalized from now on fails processing with `message`."""
        with self._state:
            self.processing_error = message

    def lose_next_tweets(self, n=1):
        """The next n POST /2/tweets that succeed store the tweet, then hang up unanswered."""
        with self._state:
            self._lost_tweets += n

    def add_tweet(self, text, created_at=None, reply_to=None, media_ids=(), author_id=None):
        """Store a tweet as if it had been posted earlier (created_at: a Unix time or RFC 3339
        text); returns it."""
        with self._state:
            if created_at is None:
                created_at = self.clock()
            if not isinstance(created_at, str):
                created_at = rfc3339(created_at)
            tweet = {"id": self._new_id(), "text": text,
                     "author_id": author_id or self.user_id, "created_at": created_at,
                     "reply_to": reply_to, "media_ids": list(media_ids)}
            self.tweets.append(tweet)
            return tweet

    def tweet(self, tweet_id):
        with self._state:
            return next((t for t in self.tweets if t["id"] == tweet_id), None)

    def add_user(self, user_id, username, name=None):
        """Store another user (the author of tweets add_tweet(..., author_id=user_id) stores,
        shown in includes.users); returns it."""
        with self._state:
            user_id = str(user_id)
            user = {"id": user_id, "username": username, "name": name or username}
            self.users[user_id] = user
            return user

    def set_counts(self, tweet_id, likes=None, reposts=None, replies=None, quotes=None,
                   impressions=None, bookmarks=None):
        """The public_metrics GET /2/tweets answers for a tweet; a count left out keeps its
        value (0 at first; replies: the number of stored replies until set)."""
        with self._state:
            if self.tweet(tweet_id) is None:
                raise KeyError(f"no tweet {tweet_id}")
            counts = self.counts.setdefault(tweet_id, {})
            for name, value in (("likes", likes), ("reposts", reposts), ("replies", replies),
                                ("quotes", quotes), ("impressions", impressions),
                                ("bookmarks", bookmarks)):
                if value is not None:
                    counts[name] = int(value)
            return counts

    @property
    def metrics_field_names(self):
        return self._metrics_field_names

    @metrics_field_names.setter
    def metrics_field_names(self, value):
        if value not in ("old", "new"):
            raise ValueError(f"metrics_field_names is \"old\" or \"new\", not {value!r}")
        self._metrics_field_names = value

    def calls(self, method, path):
        return [r for r in self.requests if r.method == method and r.path == path]

    def status_url(self, tweet_id):
        return f"https://x.com/{self.username}/status/{tweet_id}"

    # --- plumbing ------------------------------------------------------------------------------

    def _clock(self):
        return self.now if self.now is not None else time.time()

    def _new_id(self):
        return str(next(self._ids))

    def _endpoint(self, request):
        path = request.path
        if path == "/2/users/me":
            return "users_me"
        if path == "/2/tweets":
            return "tweets_lookup" if request.method == "GET" else "tweets"
        if path == "/2/tweets/search/recent":
            return "search_recent"
        if path == "/2/media/upload":
            return "media_status" if request.method == "GET" else "media_upload"
        if path == "/2/media/upload/initialize":
            return "media_initialize"
        if MEDIA_UPLOAD_PATH.match(path):
            return "media_" + MEDIA_UPLOAD_PATH.match(path).group(2)
        if path == "/2/media/metadata":
            return "media_metadata"
        if self.USER_TWEETS_PATH.match(path):
            return "user_tweets"
        if self.USER_MENTIONS_PATH.match(path):
            return "mentions"
        return "other"

    def _rate_headers(self, endpoint):
        now = self._clock()
        limit = RATE_LIMITS[endpoint]
        window = self._windows.get(endpoint)
        if window is None or not window[0] <= now < window[0] + RATE_WINDOW:
            window = self._windows[endpoint] = [now, 0]
        window[1] += 1
        return {"x-rate-limit-limit": str(limit),
                "x-rate-limit-remaining": str(max(0, limit - window[1])),
                "x-rate-limit-reset": str(int(window[0] + RATE_WINDOW))}

    def handle(self, request):
        with self._state:
            if request.method == "POST" and request.path.split("?")[0] == "/2/oauth2/token":
                return self._token(request)
            endpoint = self._endpoint(request)
            rate = self._rate_headers(endpoint)
            if not self._authorised(request):
                answer = _problem(401, UNAUTHORIZED)
            else:
                answer = self._route(request, endpoint)
            if answer is None:
                return None
            status, headers, body = answer
            for name, value in rate.items():
                headers.setdefault(name, value)
            return status, headers, body

    # --- OAuth 2.0 token renewal (POST /2/oauth2/token, a public client: client_id in the body) -

    def _token(self, request):
        """grant_type=refresh_token: a new access token and a new refresh token (X rotates them:
        the old refresh token stops working, and so does the old access token)."""
        form = urllib.parse.parse_qs(request.body.decode(), keep_blank_values=True)
        self.token_requests.append(form)
        if request.headers.get("content-type", "").split(";")[0] != \
                "application/x-www-form-urlencoded":
            return _json(400, {"error": "invalid_request",
                               "error_description": "Missing required parameter [grant_type]."})
        if (form.get("grant_type") != ["refresh_token"] or self.refresh_token is None
                or form.get("refresh_token") != [self.refresh_token]
                or form.get("client_id") != [self.client_id]):
            return _json(400, {"error": "invalid_request",
                               "error_description": "Value passed for the token was invalid."})
        self._renewals += 1
        self.bearer = f"renewed-bearer-{self._renewals}"
        self.refresh_token = f"renewed-refresh-{self._renewals}"
        return _json(200, {"token_type": "bearer", "expires_in": self.token_lifetime,
                           "access_token": self.bearer,
                           "scope": "tweet.write users.read tweet.read offline.access",
                           "refresh_token": self.refresh_token})

    def expire_bearer(self):
        """The current access token runs out (X answers 401 to it from now on)."""
        with self._state:
            self.bearer = "expired-" + secrets_token()

    def _refuse(self, reason):
        self.last_auth_error = reason
        return False

    def _authorised(self, request):
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            if self.bearer is not None and hmac.compare_digest(
                    header[7:].strip().encode(), self.bearer.encode()):
                self.last_auth_error = None
                return True
            return self._refuse("wrong or unexpected Bearer token")
        oauth = parse_oauth_header(header)
        if oauth is None:
            return self._refuse("no Authorization header" if not header
                                else "neither Bearer nor a well-formed OAuth header")
        if oauth.get("oauth_consumer_key") != self.consumer_key:
            return self._refuse("wrong oauth_consumer_key")
        if oauth.get("oauth_token") != self.access_token:
            return self._refuse("wrong oauth_token")
        if oauth.get("oauth_signature_method") != "HMAC-SHA1":
            return self._refuse("oauth_signature_method is not HMAC-SHA1")
        if oauth.get("oauth_version", "1.0") != "1.0":
            return self._refuse("oauth_version is not 1.0")
        nonce, stamp = oauth.get("oauth_nonce"), oauth.get("oauth_timestamp")
        if not nonce:
            return self._refuse("no oauth_nonce")
        if not stamp or not stamp.isdigit():
            return self._refuse("no oauth_timestamp (or not a number)")
        if abs(int(stamp) - self._clock()) > TIMESTAMP_WINDOW:
            return self._refuse(f"oauth_timestamp {stamp} is more than {TIMESTAMP_WINDOW} s "
                                f"from {int(self._clock())}")
        signature = oauth.get("oauth_signature")
        if not signature:
            return self._refuse("no oauth_signature")
        params = urllib.parse.parse_qsl(request.raw_query, keep_blank_values=True)
        params += [(k, v) for k, v in oauth.items() if k != "oauth_signature"]
        if request.headers.get("content-type", "").split(";")[0].strip().lower() == \
                "application/x-www-form-urlencoded":
            params += urllib.parse.parse_qsl(request.body.decode("utf-8", "replace"),
                                             keep_blank_values=True)
        base_url = self.url(request.path)
        self.last_base_string = oauth1_base_string(request.method, base_url, params)
        expected = oauth1_signature(request.method, base_url, params, self.consumer_secret,
                                    self.access_token_secret)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return self._refuse(f"signature mismatch: expected {expected}, got {signature}")
        if nonce in self.nonces:
            return self._refuse(f"oauth_nonce {nonce} replayed")
        self.nonces.add(nonce)
        self.last_auth_error = None
        return True

    def _route(self, request, endpoint):
        method = request.method
        if endpoint == "users_me" and method == "GET":
            return self._users_me(request)
        if endpoint == "tweets" and method == "POST":
            return self._post_tweet(request)
        if endpoint == "media_upload" and method == "POST":
            return self._upload(request)
        if endpoint == "media_metadata" and method == "POST":
            return self._metadata(request)
        if endpoint == "media_initialize" and method == "POST":
            return self._initialize(request)
        if endpoint == "media_append" and method == "POST":
            return self._append(request, MEDIA_UPLOAD_PATH.match(request.path).group(1))
        if endpoint == "media_finalize" and method == "POST":
            return self._finalize(MEDIA_UPLOAD_PATH.match(request.path).group(1))
        if endpoint == "media_status" and method == "GET":
            return self._status(request)
        if endpoint == "user_tweets" and method == "GET":
            return self._timeline(request, self.USER_TWEETS_PATH.match(request.path).group(1))
        if endpoint == "tweets_lookup" and method == "GET":
            return self._lookup(request)
        if endpoint == "mentions" and method == "GET":
            return self._mentions(request, self.USER_MENTIONS_PATH.match(request.path).group(1))
        if endpoint == "search_recent" and method == "GET":
            return self._search_recent(request)
        return _not_found()

    @staticmethod
    def _unknown_query(request, allowed):
        unknown = sorted(set(request.query) - allowed)
        if unknown:
            return _invalid(f"The query parameters [{','.join(unknown)}] is not one of "
                            f"[{','.join(sorted(allowed))}]")
        return None

    @staticmethod
    def _fields(request, name):
        return {f.strip() for v in request.query.get(name, []) for f in v.split(",") if f}

    @staticmethod
    def _is_json(request):
        return request.headers.get("content-type", "").split(";")[0].strip().lower() == \
            "application/json"

    # --- endpoints -----------------------------------------------------------------------------

    def _users_me(self, request):
        problem = self._unknown_query(request, USERS_ME_QUERY)
        if problem:
            return problem
        user = dict(self._user(self.user_id))
        if "public_metrics" in self._fields(request, "user.fields"):
            count_name = "post_count" if self.metrics_field_names == "new" else "tweet_count"
            user["public_metrics"] = {
                "followers_count": self.followers, "following_count": self.following,
                count_name: sum(1 for t in self.tweets if t["author_id"] == self.user_id),
                "listed_count": self.listed}
        return _json(200, {"data": user})

    def _post_tweet(self, request):
        if self.rate_limited_until is not None:
            status, headers, body = _problem(429, {
                "title": "Too Many Requests", "detail": "Too Many Requests",
                "type": "about:blank", "status": 429})
            headers.update({"x-rate-limit-limit": str(RATE_LIMITS["tweets"]),
                            "x-rate-limit-remaining": "0",
                            "x-rate-limit-reset": str(int(self.rate_limited_until))})
            return status, headers, body
        if not self._is_json(request):
            return _invalid("Content-Type must be application/json")
        body = request.json
        if not isinstance(body, dict):
            return _invalid("The request body is not a JSON object")
        unknown = sorted(set(body) - TWEET_FIELDS)
        if unknown:
            return _invalid(f"$.{unknown[0]}: is not defined in the schema and the schema does "
                            f"not allow additional properties")
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            return _invalid("$.text: string expected")
        reply_to = None
        if "reply" in body:
            reply = body["reply"]
            if not isinstance(reply, dict) or set(reply) - {"in_reply_to_tweet_id",
                                                            "exclude_reply_user_ids"}:
                return _invalid("$.reply: invalid object")
            reply_to = reply.get("in_reply_to_tweet_id")
            if not isinstance(reply_to, str) or not ID_RE.match(reply_to):
                return _invalid("$.reply.in_reply_to_tweet_id: a numeric string is expected")
        media_ids = None
        if "media" in body:
            media = body["media"]
            if not isinstance(media, dict) or set(media) - {"media_ids", "tagged_user_ids"}:
                return _invalid("$.media: invalid object")
            media_ids = media.get("media_ids")
            if (not isinstance(media_ids, list) or not media_ids
                    or not all(isinstance(m, str) and ID_RE.match(m) for m in media_ids)):
                return _invalid("$.media.media_ids: a non-empty array of numeric strings is "
                                "expected")
        if not text and not media_ids:
            return _invalid("You must provide at least one of text or media")
        text = text or ""
        if weighted_length(text) > MAX_WEIGHTED_LENGTH:
            return _invalid("Your Tweet text is too long. For more information on how Twitter "
                            "determines text length see https://github.com/twitter/twitter-text.")
        if reply_to is not None and self.tweet(reply_to) is None:
            return _invalid("The tweet you are replying to does not exist or is not visible to "
                            "you", in_reply_to_tweet_id=reply_to)
        if media_ids:
            if len(media_ids) > MAX_MEDIA_PER_TWEET:
                return _invalid(f"$.media.media_ids: at most {MAX_MEDIA_PER_TWEET} media ids")
            unknown = [m for m in media_ids if m not in self.media]
            if unknown:
                return _invalid("Your media IDs are invalid.", media_ids=unknown[0])
            unready = [m for m in media_ids if self.media[m]["state"] != "succeeded"]
            if unready:
                return _invalid("Your media IDs are invalid: the media is not processed yet.",
                                media_ids=unready[0])
            categories = [self.media[m]["category"] for m in media_ids]
            if len(media_ids) > 1 and any(c != "tweet_image" for c in categories):
                return _invalid("Your media IDs are invalid: a GIF or a video goes alone.")
        if text and any(t["text"] == text and t["author_id"] == self.user_id
                        for t in self.tweets):
            return _problem(403, {"detail": "You are not allowed to create a Tweet with "
                                            "duplicate content.",
                                  "type": "about:blank", "title": "Forbidden", "status": 403})
        tweet = self.add_tweet(text, reply_to=reply_to, media_ids=media_ids or ())
        if self._lost_tweets:
            self._lost_tweets -= 1
            return None  # stored, but the answer is lost
        return _json(201, {"data": {"id": tweet["id"], "text": shown_text(text),
                                    "edit_history_tweet_ids": [tweet["id"]]}})

    def _upload(self, request):
        if request.parts is not None:
            file = request.part("media")
            fields = {p["name"]: p["data"].decode("utf-8", "replace")
                      for p in request.parts if p["filename"] is None and p["name"] != "media"}
            if file is None:
                return _invalid("The multipart body has no `media` part")
            data, filename = file["data"], file["filename"]
            declared = file["content_type"]
        elif self._is_json(request) and isinstance(request.json, dict):
            fields = {k: v for k, v in request.json.items() if isinstance(v, str)}
            try:
                data = base64.b64decode(fields.pop("media", ""), validate=True)
            except (binascii.Error, ValueError):
                return _invalid("$.media: base64 expected")
            filename, declared = None, None
        else:
            return _invalid("Content-Type must be multipart/form-data (or application/json)")
        if not data:
            return _invalid("The media is empty")
        category = fields.get("media_category")
        if category not in MEDIA_CATEGORIES:
            return _invalid(f"media_category must be one of {sorted(MEDIA_CATEGORIES)}",
                            media_category=category)
        if category not in SIMPLE_CATEGORIES:
            return _invalid(f"{category} needs the chunked upload", media_category=category)
        mime = fields.get("media_type")
        if mime is not None and mime not in MEDIA_TYPES:
            return _invalid(f"media_type {mime} is not supported", media_type=mime)
        if mime is None:
            if declared and declared != "application/octet-stream":
                mime = declared
            else:
                mime = _sniff(data)
        limit, key_prefix = MEDIA_CATEGORIES[category]
        if len(data) > limit:
            return _invalid(f"The media is too large: {len(data)} bytes, at most {limit} for "
                            f"{category}")
        media_id = self._new_id()
        self.media[media_id] = {"id": media_id, "media_key": f"{key_prefix}_{media_id}",
                                "size": len(data), "category": category, "mime": mime,
                                "alt_text": None, "data": data, "filename": filename,
                                "state": "succeeded", "polls": 0}
        document = {"id": media_id, "media_key": f"{key_prefix}_{media_id}", "size": len(data),
                    "expires_after_secs": 86400, "image": {"image_type": mime}}
        return _json(200, {"data": document})

    # --- the chunked upload --------------------------------------------------------------------

    def _initialize(self, request):
        if not self._is_json(request) or not isinstance(request.json, dict):
            return _invalid("Content-Type must be application/json, with a JSON object")
        body = request.json
        unknown = set(body) - {"media_type", "total_bytes", "media_category", "additional_owners",
                               "shared"}
        if unknown:
            return _invalid(f"$.{sorted(unknown)[0]}: unknown field")
        mime, total, category = (body.get("media_type"), body.get("total_bytes"),
                                 body.get("media_category"))
        if mime not in MEDIA_TYPES:
            return _invalid(f"media_type {mime} is not supported", media_type=str(mime))
        if (not isinstance(total, int) or isinstance(total, bool)
                or not 0 <= total <= MAX_TOTAL_BYTES):
            return _invalid(f"$.total_bytes: an integer in 0..{MAX_TOTAL_BYTES}")
        if category not in MEDIA_CATEGORIES:
            return _invalid(f"media_category must be one of {sorted(MEDIA_CATEGORIES)}",
                            media_category=str(category))
        limit, key_prefix = MEDIA_CATEGORIES[category]
        if total > limit:
            return _invalid(f"The media is too large: {total} bytes, at most {limit} for "
                            f"{category}")
        media_id = self._new_id()
        self.uploads[media_id] = {"id": media_id, "media_key": f"{key_prefix}_{media_id}",
                                  "media_type": mime, "category": category,
                                  "total_bytes": total, "segments": [], "finalized": False}
        return _json(200, {"data": {"id": media_id, "media_key": f"{key_prefix}_{media_id}",
                                    "expires_after_secs": 86400}})

    def _append(self, request, media_id):
        upload = self.uploads.get(media_id)
        if upload is None:
            return _invalid("The media id is not an upload in progress", id=media_id)
        if upload["finalized"]:
            return _invalid("The upload is finalized already", id=media_id)
        if request.parts is None:
            return _invalid("Content-Type must be multipart/form-data")
        index, media = request.part("segment_index"), request.part("media")
        if index is None or media is None:
            return _invalid("segment_index and media are required")
        index = index["data"].decode("utf-8", "replace")
        if not index.isdigit() or not 0 <= int(index) <= MAX_SEGMENT:
            return _invalid(f"segment_index must be an integer in 0..{MAX_SEGMENT}",
                            segment_index=index)
        if int(index) != len(upload["segments"]):
            return _invalid(f"segment_index {index} is out of order: expected "
                            f"{len(upload['segments'])}", segment_index=index)
        chunk = media["data"]
        if not chunk or len(chunk) > MAX_CHUNK:
            return _invalid(f"A segment is 1..{MAX_CHUNK} bytes, not {len(chunk)}")
        received = sum(len(c) for c in upload["segments"])
        if received + len(chunk) > upload["total_bytes"]:
            return _invalid(f"More bytes than total_bytes ({upload['total_bytes']})")
        upload["segments"].append(chunk)
        return _json(200, {"data": {"expires_at": int(self._clock()) + 86400}})

    def _finalize(self, media_id):
        upload = self.uploads.get(media_id)
        if upload is None or upload["finalized"]:
            return _invalid("The media id is not an upload in progress", id=media_id)
        data = b"".join(upload["segments"])
        if len(data) != upload["total_bytes"]:
            return _invalid(f"FINALIZE after {len(data)} of {upload['total_bytes']} bytes")
        upload["finalized"] = True
        processed = upload["category"] != "tweet_image"
        state = "pending" if processed and self.processing_polls > 0 else "succeeded"
        if processed and state == "succeeded" and self.processing_error:
            state = "failed"
        self.media[media_id] = {"id": media_id, "media_key": upload["media_key"],
                                "size": len(data), "category": upload["category"],
                                "mime": upload["media_type"], "alt_text": None, "data": data,
                                "filename": None, "state": state, "polls": 0,
                                "error": self.processing_error if processed else None}
        return _json(200, {"data": self._media_document(media_id)})

    def _status(self, request):
        problem = self._unknown_query(request, {"command", "media_id"})
        if problem:
            return problem
        if request.query.get("command") != ["STATUS"]:
            return _invalid("command must be STATUS")
        media_id = (request.query.get("media_id") or [""])[0]
        media = self.media.get(media_id)
        if media is None:
            return _invalid("The media id is not known", media_id=media_id)
        media["polls"] += 1
        if media["state"] in ("pending", "in_progress"):
            if media["polls"] <= self.processing_polls:
                media["state"] = "in_progress"
            else:
                media["state"] = "failed" if media["error"] else "succeeded"
        return _json(200, {"data": self._media_document(media_id)})

    def _media_document(self, media_id):
        media = self.media[media_id]
        document = {"id": media_id, "media_key": media["media_key"], "size": media["size"],
                    "expires_after_secs": 86400}
        state = media["state"]
        if media["category"] == "tweet_image":
            return document
        info = {"state": state}
        if state in ("pending", "in_progress"):
            info["check_after_secs"] = self.check_after_secs
            info["progress_percent"] = 0 if state == "pending" else 50
        elif state == "succeeded":
            info["progress_percent"] = 100
        else:
            info["progress_percent"] = 50
            info["error"] = {"code": 1, "name": "InvalidMedia", "message": media["error"]}
        document["processing_info"] = info
        return document

    def _metadata(self, request):
        if not self._is_json(request):
            return _invalid("Content-Type must be application/json")
        body = request.json
        if not isinstance(body, dict):
            return _invalid("The request body is not a JSON object")
        media_id = body.get("id")
        if not isinstance(media_id, str) or media_id not in self.media:
            return _invalid("$.id: unknown media id", id=str(media_id))
        metadata = body.get("metadata")
        alt = metadata.get("alt_text") if isinstance(metadata, dict) else None
        text = alt.get("text") if isinstance(alt, dict) else None
        if not isinstance(text, str):
            return _invalid("$.metadata.alt_text.text: string expected")
        if len(text) > MAX_ALT_TEXT:
            return _invalid(f"$.metadata.alt_text.text: at most {MAX_ALT_TEXT} characters")
        self.media[media_id]["alt_text"] = text
        return _json(200, {"data": {"id": media_id,
                                    "associated_metadata": {"alt_text": {"text": text}}}})

    def _timeline(self, request, user_id):
        problem = self._unknown_query(request, TIMELINE_QUERY)
        if problem:
            return problem
        if not ID_RE.match(user_id):
            return _invalid(f"The `id` query parameter value [{user_id}] is not valid", id=user_id)
        if user_id != self.user_id:
            return _user_not_found(user_id)
        q = self._query(request)
        max_results, problem = self._max_results(q, 5, 100, 10)
        if problem:
            return problem
        bounds, problem = self._bounds(q)
        if problem:
            return problem
        start_id, problem = self._start_id(q, "pagination_token")
        if problem:
            return problem
        exclude = self._fields(request, "exclude")
        found = [t for t in self._newest_first()
                 if t["author_id"] == user_id and not ("replies" in exclude and t["reply_to"])
                 and self._within(t, bounds)]
        return self._page(request, found, max_results, start_id)

    def _lookup(self, request):
        problem = self._unknown_query(request, LOOKUP_QUERY)
        if problem:
            return problem
        raw = self._query(request).get("ids", "")
        ids = raw.split(",") if raw else []
        if not ids:
            return _invalid("The `ids` query parameter can not be empty", ids=raw)
        if len(ids) > MAX_LOOKUP_IDS:
            return _invalid(f"The number of values in the `ids` query parameter list "
                            f"[{len(ids)}] is not between 1 and {MAX_LOOKUP_IDS}", ids=raw)
        bad = next((i for i in ids if not ID_RE.match(i)), None)
        if bad is not None:
            return _invalid(f"The `ids` query parameter value [{bad}] is not valid", ids=bad)
        fields = self._fields(request, "tweet.fields")
        found, errors = [], []
        for tweet_id in dict.fromkeys(ids):  # in the order asked, each once
            tweet = self.tweet(tweet_id)
            if tweet is not None:
                found.append(tweet)
            else:
                errors.append({
                    "value": tweet_id, "detail": f"Could not find tweet with ids: [{tweet_id}].",
                    "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                    "resource_id": tweet_id, "type": NOT_FOUND})
        document = {}
        if found:
            document["data"] = [self._render(t, fields) for t in found]
            includes = self._includes(request, found)
            if includes:
                document["includes"] = includes
        if errors:
            document["errors"] = errors
        return _json(200, document)

    def _mentions(self, request, user_id):
        problem = self._unknown_query(request, MENTIONS_QUERY)
        if problem:
            return problem
        if not ID_RE.match(user_id):
            return _invalid(f"The `id` query parameter value [{user_id}] is not valid", id=user_id)
        if user_id != self.user_id and user_id not in self.users:
            return _user_not_found(user_id)
        q = self._query(request)
        max_results, problem = self._max_results(q, 5, 100, 10)
        if problem:
            return problem
        bounds, problem = self._bounds(q)
        if problem:
            return problem
        start_id, problem = self._start_id(q, "pagination_token")
        if problem:
            return problem
        handle = self._user(user_id)["username"]
        mention = re.compile(r"(?<![A-Za-z0-9_@])@" + re.escape(handle) + r"(?![A-Za-z0-9_])",
                             re.IGNORECASE)
        found = []
        for tweet in self._newest_first():
            if tweet["author_id"] == user_id or not self._within(tweet, bounds):
                continue
            parent = self.tweet(tweet["reply_to"]) if tweet["reply_to"] else None
            if mention.search(tweet["text"]) or (parent is not None
                                                 and parent["author_id"] == user_id):
                found.append(tweet)
        return self._page(request, found, max_results, start_id)

    def _search_recent(self, request):
        problem = self._unknown_query(request, SEARCH_QUERY)
        if problem:
            return problem
        q = self._query(request)
        query = q.get("query", "")
        if not query:
            return _invalid("The `query` query parameter can not be empty", query=query)
        match = CONVERSATION_QUERY.match(query)
        if not match:
            return _invalid(f"The fake understands only the query conversation_id:<id>, not "
                            f"[{query}]", query=query)
        max_results, problem = self._max_results(q, 10, 100, 10)
        if problem:
            return problem
        bounds, problem = self._bounds(q)
        if problem:
            return problem
        oldest = self._clock() - SEARCH_WINDOW
        if "start_time" in bounds and bounds["start_time"] < oldest:
            return _invalid(f"Invalid 'start_time':'{q['start_time']}'. 'start_time' must be on "
                            f"or after {rfc3339(oldest)}", start_time=q["start_time"])
        if q.get("sort_order", "recency") not in ("recency", "relevancy"):
            return _invalid(f"The `sort_order` query parameter value [{q['sort_order']}] is not "
                            f"one of [recency,relevancy]", sort_order=q["sort_order"])
        # X documents both names of the request's token; next_token is the usual one.
        start_id, problem = self._start_id(
            q, "next_token" if "next_token" in q else "pagination_token")
        if problem:
            return problem
        root_id = match.group(1)
        found = [t for t in self._newest_first()
                 if t["id"] != root_id and self._root(t)["id"] == root_id
                 and parse_rfc3339(t["created_at"]) >= oldest and self._within(t, bounds)]
        return self._page(request, found, max_results, start_id)

    # --- reading, shared ----------------------------------------------------------------------

    @staticmethod
    def _query(request):
        return {k: v[-1] for k, v in request.query.items()}

    @staticmethod
    def _max_results(q, low, high, default):
        """max_results of a query, checked against [low, high]: (value, problem)."""
        try:
            value = int(q.get("max_results", str(default)))
        except ValueError:
            value = 0
        if not low <= value <= high:
            return None, _invalid(f"The `max_results` query parameter value "
                                  f"[{q.get('max_results')}] is not between {low} and {high}",
                                  max_results=q.get("max_results"))
        return value, None

    @staticmethod
    def _bounds(q):
        """start_time and end_time (Unix times), since_id and until_id (numbers) of a query,
        checked: (bounds, problem)."""
        bounds = {}
        for name in ("start_time", "end_time"):
            if name in q:
                bounds[name] = parse_rfc3339(q[name])
                if bounds[name] is None:
                    return None, _invalid(f"Invalid '{name}':'{q[name]}'. '{name}' must be a "
                                          f"valid RFC 3339 date-time", **{name: q[name]})
        for name in ("since_id", "until_id"):
            if name in q:
                if not ID_RE.match(q[name]):
                    return None, _invalid(f"The `{name}` query parameter value [{q[name]}] is "
                                          f"not valid", **{name: q[name]})
                bounds[name] = int(q[name])
        return bounds, None

    @staticmethod
    def _within(tweet, bounds):
        number, created = int(tweet["id"]), parse_rfc3339(tweet["created_at"])
        return not (("since_id" in bounds and number <= bounds["since_id"])
                    or ("until_id" in bounds and number >= bounds["until_id"])
                    or ("start_time" in bounds and created < int(bounds["start_time"]))
                    or ("end_time" in bounds and created >= int(bounds["end_time"])))

    @staticmethod
    def _start_id(q, name):
        """The tweet id a page token (the query parameter `name`) starts at: (id, problem)."""
        if name not in q:
            return None, None
        start_id = _token_id(q[name])
        if start_id is None:
            return None, _invalid(f"The `{name}` query parameter value [{q[name]}] is not valid",
                                  **{name: q[name]})
        return start_id, None

    def _newest_first(self):
        return sorted(self.tweets, key=lambda t: int(t["id"]), reverse=True)

    def _page(self, request, found, max_results, start_id):
        """One page of `found` (newest first) from the tweet start_id: data, includes, meta."""
        if start_id is not None:
            found = [t for t in found if int(t["id"]) <= start_id]
        page, rest = found[:max_results], found[max_results:]
        if not page:
            return _json(200, {"meta": {"result_count": 0}})
        fields = self._fields(request, "tweet.fields")
        document = {"data": [self._render(t, fields) for t in page]}
        includes = self._includes(request, page)
        if includes:
            document["includes"] = includes
        meta = {"result_count": len(page), "newest_id": page[0]["id"],
                "oldest_id": page[-1]["id"]}
        if rest:
            meta["next_token"] = _token(rest[0]["id"])
        document["meta"] = meta
        return _json(200, document)

    def _includes(self, request, tweets):
        """includes.users of expansions=author_id: each author of `tweets` once, in order."""
        if "author_id" not in self._fields(request, "expansions"):
            return None
        authors = dict.fromkeys(t["author_id"] for t in tweets)
        return {"users": [self._user(a) for a in authors]}

    def _user(self, user_id):
        """A user with X's default fields; the fake's own follows `username` and `name`, one
        add_user() never stored gets a made-up name."""
        if user_id == self.user_id:
            self.users[user_id] = {"id": user_id, "username": self.username, "name": self.name}
        user = self.users.get(user_id) or {"id": user_id, "username": f"user{user_id}",
                                           "name": f"User {user_id}"}
        return {"id": user["id"], "name": user["name"], "username": user["username"]}

    def _root(self, tweet):
        """The first tweet of a reply chain: the conversation_id X gives its tweets."""
        while tweet["reply_to"] and self.tweet(tweet["reply_to"]) is not None:
            tweet = self.tweet(tweet["reply_to"])
        return tweet

    def _public_metrics(self, tweet):
        counts = self.counts.get(tweet["id"], {})
        replies = counts.get("replies")
        if replies is None:
            replies = sum(1 for t in self.tweets if t["reply_to"] == tweet["id"])
        reposts = "repost_count" if self.metrics_field_names == "new" else "retweet_count"
        return {reposts: counts.get("reposts", 0), "reply_count": replies,
                "like_count": counts.get("likes", 0), "quote_count": counts.get("quotes", 0),
                "bookmark_count": counts.get("bookmarks", 0),
                "impression_count": counts.get("impressions", 0)}

    def _render(self, tweet, fields):
        item = {"id": tweet["id"], "text": shown_text(tweet["text"]),
                "edit_history_tweet_ids": [tweet["id"]]}
        if "created_at" in fields:
            item["created_at"] = tweet["created_at"]
        if "author_id" in fields:
            item["author_id"] = tweet["author_id"]
        if "conversation_id" in fields:
            item["conversation_id"] = self._root(tweet)["id"]
        parent = self.tweet(tweet["reply_to"]) if tweet["reply_to"] else None
        if "in_reply_to_user_id" in fields and parent is not None:
            item["in_reply_to_user_id"] = parent["author_id"]
        if "referenced_tweets" in fields and tweet["reply_to"]:
            item["referenced_tweets"] = [{"type": "replied_to", "id": tweet["reply_to"]}]
        if "attachments" in fields and tweet["media_ids"]:
            item["attachments"] = {"media_keys": [self.media[m]["media_key"]
                                                  for m in tweet["media_ids"] if m in self.media]}
        if "public_metrics" in fields:
            item["public_metrics"] = self._public_metrics(tweet)
        return item


def _user_not_found(user_id):
    return _json(200, {"errors": [{
        "value": user_id, "detail": f"Could not find user with id: [{user_id}].",
        "title": "Not Found Error", "resource_type": "user", "parameter": "id",
        "resource_id": user_id, "type": NOT_FOUND}]})


def _token(tweet_id):
    """An opaque pagination token that names the first tweet of the next page."""
    return base64.b32encode(f"next:{tweet_id}".encode()).decode().rstrip("=").lower()


def _token_id(token):
    try:
        padded = token.upper() + "=" * (-len(token) % 8)
        text = base64.b32decode(padded).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not text.startswith("next:") or not text[5:].isdigit():
        return None
    return int(text[5:])


def _sniff(data):
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return "application/octet-stream"
