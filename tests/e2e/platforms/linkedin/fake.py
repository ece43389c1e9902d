"""A loopback fake of the LinkedIn calls herald's linkedin platform uses (platforms.md section 4:
the versioned Posts, Images, Comments and Member Post Statistics APIs under /rest, and OpenID
Connect /v2/userinfo), on HookFakeServer (fakes.py). Standard library only.

Checks on every /rest/* request, in this order (the first that fails answers):
- `Authorization: Bearer <token>`, else 401 {"status":401,"serviceErrorCode":65600,
  "code":"INVALID_ACCESS_TOKEN","message":"Invalid access token"};
- `Linkedin-Version: YYYYMM` (the header name in any case): missing, 400 VERSION_MISSING; not
  one of the active versions, 426 NONEXISTENT_VERSION ("Requested version <v> is not active").
  Active: `active_versions` when given, else every YYYYMM from 12 months before the month of the
  fake's clock up to that month (LinkedIn keeps a monthly version for at least a year);
- `X-Restli-Protocol-Version: 2.0.0`, else 400 RESTLI_PROTOCOL_VERSION_MISSING (or _INVALID)
  (the code is the fake's: LinkedIn does not document this answer).
/v2/userinfo needs only the Bearer token; the upload URL needs the Bearer token and its own
`token` query parameter (else 403).

- GET  /v2/userinfo: {sub, name, given_name, family_name, picture, locale{country, language},
  email, email_verified} (the OpenID Connect userinfo claims).
- POST /rest/posts (JSON): 201, empty body, `x-restli-id` and `x-linkedin-id`:
  urn:li:share:<n> (n from 7100000000000000001). Refusals: 422 for a missing required field
  (author, visibility, distribution, distribution.feedDistribution, lifecycleState), an unknown
  top-level field, a bad value, a commentary over 3,000 code points once unescaped, an image
  that is unknown, was never uploaded, or belongs to another owner, or a multiImage of other
  than 2 to 20 images; 403 ACCESS_DENIED for an author that is neither urn:li:person:<member_id>
  nor one of urn:li:organization:<organizations>; 422 DUPLICATE_POST for the same stored text as
  an earlier post of the author; 429 TOO_MANY_REQUESTS while `quota_exceeded`.
  THE TRAP: commentary is "little" text. Its reserved characters | { } @ [ ] ( ) < > # * _ ~ and
  backslash must be escaped with a backslash; at the first unescaped one LinkedIn silently cuts
  the post and still answers 201. The fake stores `text` cut the same way (see
  little_text_unescape), and `cut` says whether it was.
- GET  /rest/posts?author=<encoded urn>&q=author&count=1..100&start=&sortBy=LAST_MODIFIED|CREATED:
  {elements:[{id, author, commentary, createdAt, lastModifiedAt, publishedAt, lifecycleState,
  visibility, distribution, isReshareDisabledByAuthor[, content]}], paging{start, count, total}},
  newest first; the author must be the member or one of its organizations (else 403).
- POST /rest/images?action=initializeUpload {initializeUploadRequest:{owner}}: 200
  {value:{uploadUrlExpiresAt (ms, an hour on), uploadUrl: <fake>/dms-uploads/<n>?token=<random>,
  image: urn:li:image:<n>}}; then PUT (or POST) the bytes to uploadUrl with the Bearer token:
  201, empty; a wrong upload token or an expired URL 403, an unknown upload 404.
- POST /rest/socialActions/<encoded post or comment urn>/comments {actor, object, message{text},
  parentComment?}: 201 {actor, object (the post's urn), message{text}, created{actor, time},
  lastModified, id, commentUrn, $URN: urn:li:comment:(urn:li:activity:<post n>,<n>)
  [, parentComment]}, header x-restli-id the comment urn; an unknown post (or parent comment)
  404; an actor that is not the member or one of its organizations 403; `object` not the post
  (its share/ugcPost or activity urn) 422. A reply goes to the post's path (with parentComment)
  or to the parent comment's path (naming it as parentComment).
- GET  /rest/socialActions/<encoded urn>/comments?start=&count=: {elements:[{$URN, commentUrn,
  id, actor, message{text}, created{actor, time}, object[, parentComment]}],
  paging{start, count, total}}, oldest first: the first-level comments of a post, or the replies
  to a comment.
  The URN in a socialActions path may also be the post's activity, urn:li:activity:<post n>
  (the one its comment URNs name): the same as the post.
- GET  /rest/memberCreatorPostAnalytics?q=entity&entity=(share:<encoded urn>)|(ugc:<encoded urn>)
  &queryType=IMPRESSION|MEMBERS_REACHED|RESHARE|REACTION|COMMENT&aggregation=TOTAL, and q=me
  (the member's posts together): {paging{start, count, links}, elements:[{count, metricType:
  {"com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": TYPE},
  targetEntity{share|ugc: urn}}]}; counts from set_counts() (COMMENT: the stored comments until
  set); `metric_type_as_string = True` answers metricType as the plain TYPE instead. 403
  ACCESS_DENIED while `analytics_allowed` is False or for a post the member did not author; 404
  for an unknown post.
- Anything else: 404 {"status":404,"code":"NOT_FOUND","message":...}.
URNs in paths and query values must be percent-encoded (":" as %3A), as LinkedIn's Rest.li 2.0
examples show them; a raw ":" answers 400 (the strictness is the fake's).

What is documented and what is assumed (checked mid-2026 with searches of learn.microsoft.com's
LinkedIn pages, platforms.md section 4, and captured answers quoted in public client code):
- Seen on LinkedIn's pages: both required headers on the versioned APIs (Posts, Images pages);
  monthly versions kept at least a year; commentary is "little" text whose reserved characters
  must be escaped (little-text-format page; the character list as platforms.md gives it);
  memberCreatorPostAnalytics: the entity finder (q=entity), an entity that is a share or
  ugcPost, the five queryType values, aggregation, the scope r_member_postAnalytics (Member
  Post Statistics page); the comments API's request fields actor, object, message.text,
  parentComment (Comments API page, via the Pipedream action that cites it).
- From platforms.md and client code, consistent with the docs but not seen there by me: the
  Posts body, the new URN in x-restli-id (x-linkedin-id as well) on an empty 201, multiImage
  2-20; the initializeUpload request and value{uploadUrlExpiresAt, uploadUrl, image}; the
  userinfo claims; no rate-limit headers, daily quotas reset at midnight UTC; Rest.li's 422
  {"message":"ERROR :: /<field> :: field is required but not found and has no default value\n",
  "status":422}; 422 "Content is a duplicate of urn:li:share:<id>" (inputErrors code
  DUPLICATE_POST); 426 NONEXISTENT_VERSION; the comment's $URN; the analytics answer
  {elements:[{count, metricType:{"...CreatorPostAnalyticsMetricTypeV1": TYPE}}]} (several
  clients report a plain-string metricType from version 202605: metric_type_as_string).
- Assumed: the 401/403/404/429 bodies beyond status and code (as the brief gives them), the
  errorDetails of the other 422s and their codes (MISSING_REQUIRED_FIELD, UNRECOGNIZED_FIELD,
  INVALID_VALUE, FIELD_LENGTH_TOO_LONG, INVALID_MEDIA), the 400 on a missing
  X-Restli-Protocol-Version, the 3,000 limit in code points of the unescaped text, that # and @
  cut like the others (real LinkedIn reads "#word" as a hashtag and "@[Name](urn)" as a
  mention: herald must escape them all), the upload URL's lifetime, that an image's owner must
  be the post's author, the comment answer's `object` (the post's urn), comment order (oldest
  first), that comment text is kept as sent (no little-text cut), that socialActions takes the
  activity URN a comment URN names as it takes the post, and the 400 on raw ":" in URNs.

Faults: fail_next / echo_next / delay_next / drop_next from HookFakeServer (the next requests,
whatever they are, before any check); lose_next_posts(n) stores the next n posts and then hangs
up without answering.
"""

import datetime
import itertools
import json
import re
import secrets
import threading
import time
import urllib.parse

from fakes import HookFakeServer

POST_ID_START = 7100000000000000001
COMMENT_ID_START = 7200000000000000001
MAX_COMMENTARY = 3000  # code points of the unescaped commentary
MAX_POSTS_COUNT = 100  # the posts finder's page
MIN_MULTI_IMAGES, MAX_MULTI_IMAGES = 2, 20
UPLOAD_URL_LIFETIME = 3600  # seconds (assumed)
VERSION_WINDOW = 12  # months a version stays active
RESERVED = frozenset("|{}@[]()<>#*_~\\")  # the little text format's reserved characters
VISIBILITIES = ("PUBLIC", "CONNECTIONS", "LOGGED_IN")
POST_FIELDS = {"author", "commentary", "visibility", "distribution", "content", "lifecycleState",
               "isReshareDisabledByAuthor", "contentLandingPage", "contentCallToActionLabel",
               "reshareContext", "container", "adContext"}
QUERY_TYPES = {"IMPRESSION": "impressions", "MEMBERS_REACHED": "reached",
               "RESHARE": "reshares", "REACTION": "reactions", "COMMENT": "comments"}
METRIC_TYPE_KEY = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
POST_URN = re.compile(r"^urn:li:(share|ugcPost):([0-9]+)$")
ACTIVITY_URN = re.compile(r"^urn:li:activity:([0-9]+)$")
COMMENT_URN = re.compile(r"^urn:li:comment:\(urn:li:activity:([0-9]+),([0-9]+)\)$")
ENTITY = re.compile(r"^\((share|ugc):([^()]*)\)$")
VERSION = re.compile(r"^([0-9]{4})(0[1-9]|1[0-2])$")
SOCIAL_ACTIONS = re.compile(r"^/rest/socialActions/([^/]+)/comments$")
UPLOAD_PATH = re.compile(r"^/dms-uploads/([0-9]+)$")
INVALID_TOKEN = {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
                 "message": "Invalid access token"}


# --- the little text format --------------------------------------------------------------------

def _little_scan(commentary):
    """The commentary with its escapes undone, and the index (in that text) of its first
    unescaped reserved character, or None."""
    out, cut, i, n = [], None, 0, len(commentary)
    while i < n:
        ch = commentary[i]
        if ch == "\\" and i + 1 < n and commentary[i + 1] in RESERVED:
            out.append(commentary[i + 1])
            i += 2
            continue
        if ch in RESERVED and cut is None:
            cut = len(out)
        out.append(ch)
        i += 1
    return "".join(out), cut


def little_text_unescape(commentary):
    """The text LinkedIn keeps of a "little" commentary: (text, cut).

    A backslash followed by a reserved character (| { } @ [ ] ( ) < > # * _ ~ or a backslash)
    stands for that character. Any other reserved character, a backslash that escapes nothing
    included, is unescaped: LinkedIn silently drops it and everything after it, and still
    answers 201. `text` is the unescaped commentary up to that point and `cut` is True; when
    every reserved character is escaped, `text` is the whole commentary unescaped and `cut` is
    False. For instance "a \\(b\\) c" gives ("a (b) c", False) and "a (b) c" gives ("a ", True).
    """
    text, cut = _little_scan(commentary)
    if cut is None:
        return text, False
    return text[:cut], True


def little_text_escape(text):
    """The commentary that makes LinkedIn keep `text` whole: every reserved character escaped."""
    return "".join("\\" + ch if ch in RESERVED else ch for ch in text)


# --- answers -----------------------------------------------------------------------------------

def _json(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def _empty(status, headers=None):
    return status, dict(headers or {}), b""


def _error(status, code, message, service_error_code=None):
    document = {"status": status}
    if service_error_code is not None:
        document["serviceErrorCode"] = service_error_code
    document.update({"code": code, "message": message})
    return _json(status, document)


def _bad_request(message, code="BAD_REQUEST"):
    return _error(400, code, message)


def _access_denied(message):
    return _error(403, "ACCESS_DENIED", message, 100)


def _not_found(message):
    return _error(404, "NOT_FOUND", message)


def _invalid(field_path, description, code):
    """422 in Rest.li's validation shape, with LinkedIn's errorDetails."""
    return _json(422, {
        "status": 422, "message": f"ERROR :: {field_path} :: {description}\n",
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "errorDetails": {"inputErrors": [{
            "description": description, "input": {"inputPath": {"fieldPath": field_path}},
            "code": code}]}})


def _missing(field_path):
    return _invalid(field_path, "field is required but not found and has no default value",
                    "MISSING_REQUIRED_FIELD")


def _duplicate(urn):
    message = f"Content is a duplicate of {urn}"
    return _json(422, {
        "status": 422, "message": message,
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "errorDetails": {"inputErrors": [{
            "description": message, "input": {"inputPath": {"fieldPath": "/commentary"}},
            "code": "DUPLICATE_POST"}]}})


def _raw_param(request, name):
    """The last value of a query parameter as sent (not percent-decoded), or None."""
    value = None
    for pair in request.raw_query.split("&"):
        key, _, raw = pair.partition("=")
        if urllib.parse.unquote_plus(key) == name:
            value = raw
    return value


def _month_index(epoch):
    stamp = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return stamp.year * 12 + stamp.month - 1


class LinkedInFake(HookFakeServer):

    def __init__(self, token="li-t0ken", member_id="abc123XYZ", name="Ada Lovelace",
                 organizations=("2414183",), active_versions=None):
        self.token = token
        self.member_id = member_id
        self.name = name
        self.organizations = tuple(str(o) for o in organizations)
        self.active_versions = set(active_versions) if active_versions is not None else None
        self.email = "ada@example.com"
        # {"urn", "author", "commentary" (as received, escaped), "text" (unescaped, cut at the
        #  first unescaped reserved character), "cut", "visibility", "content", "created_at" (ms)}
        self.posts = []
        # {"urn", "id", "object" (post urn), "actor", "text", "parent" (comment urn or None),
        #  "created" (ms)}
        self.comments = []
        # image urn -> {"owner", "uploaded" (bytes, or None until uploaded), "alt"}
        self.images = {}
        # post urn -> {"impressions", "reached", "reshares", "reactions", "comments"}
        self.counts = {}
        self.clock = time.time  # the fake's clock: created times, versions, upload expiry
        self.quota_exceeded = False  # POST /rest/posts answers 429 while set
        self.analytics_allowed = True  # False: memberCreatorPostAnalytics answers 403
        self.metric_type_as_string = False  # True: analytics metricType as the plain TYPE
        self._uploads = {}  # n -> {"image", "token", "expires" (ms)}
        self._post_ids = itertools.count(POST_ID_START)
        self._comment_ids = itertools.count(COMMENT_ID_START)
        self._image_ids = itertools.count(1)
        self._lost_posts = 0
        self._state = threading.RLock()
        super().__init__()

    # --- control -------------------------------------------------------------------------------

    @property
    def person_urn(self):
        return f"urn:li:person:{self.member_id}"

    def author_urns(self):
        """The URNs the token may post, comment and upload as."""
        return [self.person_urn] + [f"urn:li:organization:{o}" for o in self.organizations]

    def now_ms(self):
        return int(self.clock() * 1000)

    def versions(self):
        """The active versions, newest first (the explicit set, or the last 13 months')."""
        if self.active_versions is not None:
            return sorted(self.active_versions, reverse=True)
        month = _month_index(self.clock())
        months = range(month, month - VERSION_WINDOW - 1, -1)
        return [f"{m // 12:04d}{m % 12 + 1:02d}" for m in months]

    def version_active(self, version):
        if self.active_versions is not None:
            return version in self.active_versions
        match = VERSION.match(version or "")
        if not match:
            return False
        asked = int(match.group(1)) * 12 + int(match.group(2)) - 1
        return 0 <= _month_index(self.clock()) - asked <= VERSION_WINDOW

    def lose_next_posts(self, n=1):
        """The next n POST /rest/posts that succeed store the post, then hang up unanswered."""
        with self._state:
            self._lost_posts += n

    def add_post(self, author, commentary, created_at=None, visibility="PUBLIC", content=None):
        """Store a post as if it had been made earlier; returns it. created_at: a Unix time in
        seconds (a value over 1e11 is taken as milliseconds), the clock's by default."""
        with self._state:
            if created_at is None:
                created_ms = self.now_ms()
            elif created_at > 1e11:
                created_ms = int(created_at)
            else:
                created_ms = int(created_at * 1000)
            text, cut = little_text_unescape(commentary)
            post = {"urn": f"urn:li:share:{next(self._post_ids)}", "author": author,
                    "commentary": commentary, "text": text, "cut": cut,
                    "visibility": visibility, "content": content, "created_at": created_ms}
            self.posts.append(post)
            return post

    def post(self, urn):
        with self._state:
            return next((p for p in self.posts if p["urn"] == urn), None)

    def comment(self, urn):
        with self._state:
            return next((c for c in self.comments if c["urn"] == urn), None)

    def add_comment(self, post_urn, actor_urn, text, parent=None, created=None):
        """Store a comment (another member's, usually) on a post, or a reply to the comment
        `parent`; returns it. created: a Unix time in seconds, the clock's by default."""
        with self._state:
            post = self.post(post_urn)
            if post is None:
                raise KeyError(f"no post {post_urn}")
            if parent is not None and self.comment(parent) is None:
                raise KeyError(f"no comment {parent}")
            number = next(self._comment_ids)
            activity = POST_URN.match(post_urn).group(2)
            comment = {"urn": f"urn:li:comment:(urn:li:activity:{activity},{number})",
                       "id": str(number), "object": post_urn, "actor": actor_urn, "text": text,
                       "parent": parent,
                       "created": self.now_ms() if created is None else int(created * 1000)}
            self.comments.append(comment)
            return comment

    def set_counts(self, urn, impressions=None, reactions=None, comments=None, reshares=None,
                   reached=None):
        """The counts memberCreatorPostAnalytics answers for a post; a count left out keeps its
        value (0 at first; comments: the stored comments on the post until set)."""
        with self._state:
            if self.post(urn) is None:
                raise KeyError(f"no post {urn}")
            counts = self.counts.setdefault(urn, {})
            for key, value in (("impressions", impressions), ("reactions", reactions),
                               ("comments", comments), ("reshares", reshares),
                               ("reached", reached)):
                if value is not None:
                    counts[key] = int(value)
            return counts

    def calls(self, method, path):
        return [r for r in self.requests if r.method == method and r.path == path]

    def post_url(self, urn):
        return f"https://www.linkedin.com/feed/update/{urn}/"

    # --- plumbing ------------------------------------------------------------------------------

    def _bearer_ok(self, request):
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and value.strip() == self.token

    def _rest_checks(self, request):
        if not self._bearer_ok(request):
            return _json(401, INVALID_TOKEN)
        version = request.headers.get("linkedin-version")
        if version is None or not version.strip():
            return _error(400, "VERSION_MISSING", "A version must be present. Please specify a "
                          "version by adding the LinkedIn-Version header.")
        version = version.strip()
        if not self.version_active(version):
            return _error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        protocol = request.headers.get("x-restli-protocol-version")
        if protocol is None:
            return _bad_request("The X-Restli-Protocol-Version header is missing: the versioned "
                                "APIs need X-Restli-Protocol-Version: 2.0.0.",
                                "RESTLI_PROTOCOL_VERSION_MISSING")
        if protocol.strip() != "2.0.0":
            return _bad_request(f"X-Restli-Protocol-Version is {protocol!r}, not 2.0.0.",
                                "RESTLI_PROTOCOL_VERSION_INVALID")
        return None

    def handle(self, request):
        with self._state:
            path, method = request.path, request.method
            if path == "/v2/userinfo":
                if not self._bearer_ok(request):
                    return _json(401, INVALID_TOKEN)
                if method != "GET":
                    return _not_found(f"No virtual resource found: {method} {path}")
                return self._userinfo()
            upload = UPLOAD_PATH.match(path)
            if upload and method in ("PUT", "POST"):
                return self._upload(request, upload.group(1))
            if path.startswith("/rest/"):
                problem = self._rest_checks(request)
                if problem:
                    return problem
                return self._route(request)
            return _not_found(f"No virtual resource found: {method} {path}")

    def _route(self, request):
        path, method = request.path, request.method
        if path == "/rest/posts" and method == "POST":
            return self._create_post(request)
        if path == "/rest/posts" and method == "GET":
            return self._find_posts(request)
        if path == "/rest/images" and method == "POST":
            return self._initialize_upload(request)
        match = SOCIAL_ACTIONS.match(path)
        if match and method == "POST":
            return self._create_comment(request, match.group(1))
        if match and method == "GET":
            return self._list_comments(request, match.group(1))
        if path == "/rest/memberCreatorPostAnalytics" and method == "GET":
            return self._analytics(request)
        return _not_found(f"No virtual resource found: {method} {path}")

    @staticmethod
    def _body(request):
        """The request's JSON object: (body, problem)."""
        if not request.headers.get("content-type", "").lower().startswith("application/json"):
            return None, _bad_request("Content-Type must be application/json")
        if not isinstance(request.json, dict):
            return None, _bad_request("The request body is not a JSON object")
        return request.json, None

    @staticmethod
    def _encoded_urn(raw, what):
        """A percent-encoded URN from a path segment or a query value: (urn, problem)."""
        if raw is None or raw == "":
            return None, _bad_request(f"{what} is missing")
        if ":" in raw:
            return None, _bad_request(f"{what} {raw!r} must be URL-encoded (\":\" as %3A)")
        return urllib.parse.unquote(raw), None

    def _page_params(self, request, default_count, max_count):
        """start and count of a collection: (start, count, problem)."""
        q = {k: v[-1] for k, v in request.query.items()}
        try:
            start = int(q.get("start", "0"))
            count = int(q.get("count", str(default_count)))
        except ValueError:
            return None, None, _bad_request("start and count must be integers")
        if start < 0:
            return None, None, _bad_request(f"start must be 0 or more, not {start}")
        if not 1 <= count <= max_count:
            return None, None, _bad_request(f"count must be between 1 and {max_count}, not "
                                            f"{count}")
        return start, count, None

    # --- endpoints -----------------------------------------------------------------------------

    def _userinfo(self):
        given, _, family = self.name.partition(" ")
        return _json(200, {
            "sub": self.member_id, "email_verified": True, "name": self.name,
            "locale": {"country": "US", "language": "en"}, "given_name": given,
            "family_name": family, "email": self.email,
            "picture": f"https://media.licdn.com/dms/image/{self.member_id}/profile-displayphoto"})

    def _create_post(self, request):
        if self.quota_exceeded:
            return _error(429, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY "
                          "limit for calls to this resource is reached.", 101)
        body, problem = self._body(request)
        if problem:
            return problem
        unknown = sorted(set(body) - POST_FIELDS)
        if unknown:
            return _invalid(f"/{unknown[0]}", "unrecognized field found but not allowed",
                            "UNRECOGNIZED_FIELD")
        for name in ("author", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return _missing(f"/{name}")
        author = body["author"]
        if not isinstance(author, str) or not re.match(r"^urn:li:(person|organization):\S+$",
                                                       author):
            return _invalid("/author", f"{author!r} is not a person or organization URN",
                            "INVALID_VALUE")
        if body["visibility"] not in VISIBILITIES:
            return _invalid("/visibility", f"{body['visibility']!r} is not one of "
                            f"{', '.join(VISIBILITIES)}", "INVALID_VALUE")
        distribution = body["distribution"]
        if not isinstance(distribution, dict):
            return _invalid("/distribution", "a record is expected", "INVALID_VALUE")
        if "feedDistribution" not in distribution:
            return _missing("/distribution/feedDistribution")
        if distribution["feedDistribution"] not in ("MAIN_FEED", "NONE"):
            return _invalid("/distribution/feedDistribution",
                            f"{distribution['feedDistribution']!r} is not MAIN_FEED or NONE",
                            "INVALID_VALUE")
        for name in ("targetEntities", "thirdPartyDistributionChannels"):
            if name in distribution and not isinstance(distribution[name], list):
                return _invalid(f"/distribution/{name}", "an array is expected", "INVALID_VALUE")
        if body["lifecycleState"] != "PUBLISHED":
            return _invalid("/lifecycleState", f"{body['lifecycleState']!r}: the fake takes "
                            "PUBLISHED only", "INVALID_VALUE")
        if "isReshareDisabledByAuthor" in body and not isinstance(
                body["isReshareDisabledByAuthor"], bool):
            return _invalid("/isReshareDisabledByAuthor", "a boolean is expected",
                            "INVALID_VALUE")
        commentary = body.get("commentary", "")
        if not isinstance(commentary, str):
            return _invalid("/commentary", "a string is expected", "INVALID_VALUE")
        if author not in self.author_urns():
            return _access_denied(f"Not enough permissions to create a post as {author}")
        full, _ = _little_scan(commentary)
        if len(full) > MAX_COMMENTARY:
            return _invalid("/commentary", f"the text is {len(full)} characters long, at most "
                            f"{MAX_COMMENTARY}", "FIELD_LENGTH_TOO_LONG")
        content = body.get("content")
        alts, problem = self._check_content(content, author)
        if problem:
            return problem
        text, cut = little_text_unescape(commentary)
        if text:
            earlier = next((p for p in self.posts
                            if p["author"] == author and p["text"] == text), None)
            if earlier is not None:
                return _duplicate(earlier["urn"])
        for image, alt in alts:
            if alt is not None:
                self.images[image]["alt"] = alt
        post = self.add_post(author, commentary, visibility=body["visibility"], content=content)
        post["distribution"] = distribution
        post["isReshareDisabledByAuthor"] = body.get("isReshareDisabledByAuthor", False)
        if self._lost_posts:
            self._lost_posts -= 1
            return None  # stored, but the answer is lost
        return _empty(201, {"x-restli-id": post["urn"], "x-linkedin-id": post["urn"]})

    def _check_content(self, content, author):
        """The images of a post's content: ([(image urn, alt text or None)], problem)."""
        if content is None:
            return [], None
        if not isinstance(content, dict) or len(content) != 1:
            return None, _invalid("/content", "a union with exactly one member is expected",
                                  "INVALID_VALUE")
        if "media" in content:
            entries = [("/content/media", content["media"])]
        elif "multiImage" in content:
            multi = content["multiImage"]
            images = multi.get("images") if isinstance(multi, dict) else None
            if not isinstance(images, list):
                return None, _missing("/content/multiImage/images")
            if not MIN_MULTI_IMAGES <= len(images) <= MAX_MULTI_IMAGES:
                return None, _invalid("/content/multiImage/images", f"{len(images)} images, "
                                      f"{MIN_MULTI_IMAGES} to {MAX_MULTI_IMAGES} expected",
                                      "INVALID_VALUE")
            entries = [(f"/content/multiImage/images/{i}", image)
                       for i, image in enumerate(images)]
        else:
            return None, _invalid(f"/content/{next(iter(content))}", "the fake takes media and "
                                  "multiImage content only", "INVALID_VALUE")
        alts = []
        for where, entry in entries:
            if not isinstance(entry, dict) or "id" not in entry:
                return None, _missing(f"{where}/id")
            image_urn, alt = entry["id"], entry.get("altText")
            image = self.images.get(image_urn)
            if image is None:
                return None, _invalid(f"{where}/id", f"{image_urn} is not a known image",
                                      "INVALID_MEDIA")
            if image["uploaded"] is None:
                return None, _invalid(f"{where}/id", f"{image_urn} has not been uploaded",
                                      "INVALID_MEDIA")
            if image["owner"] != author:
                return None, _invalid(f"{where}/id", f"{image_urn} belongs to {image['owner']}, "
                                      f"not to the author {author}", "INVALID_MEDIA")
            if alt is not None and not isinstance(alt, str):
                return None, _invalid(f"{where}/altText", "a string is expected",
                                      "INVALID_VALUE")
            alts.append((image_urn, alt))
        return alts, None

    def _find_posts(self, request):
        q = {k: v[-1] for k, v in request.query.items()}
        if q.get("q") != "author":
            return _bad_request(f"The fake understands the finder q=author only, not "
                                f"q={q.get('q')!r}")
        author, problem = self._encoded_urn(_raw_param(request, "author"), "author")
        if problem:
            return problem
        if author not in self.author_urns():
            return _access_denied(f"Not enough permissions to read the posts of {author}")
        sort_by = q.get("sortBy", "LAST_MODIFIED")
        if sort_by not in ("LAST_MODIFIED", "CREATED"):
            return _bad_request(f"sortBy must be LAST_MODIFIED or CREATED, not {sort_by!r}")
        start, count, problem = self._page_params(request, 10, MAX_POSTS_COUNT)
        if problem:
            return problem
        found = sorted((p for p in self.posts if p["author"] == author),
                       key=lambda p: (p["created_at"], int(p["urn"].rsplit(":", 1)[1])),
                       reverse=True)
        elements = []
        for post in found[start:start + count]:
            element = {
                "id": post["urn"], "author": post["author"], "commentary": post["commentary"],
                "createdAt": post["created_at"], "lastModifiedAt": post["created_at"],
                "publishedAt": post["created_at"], "lifecycleState": "PUBLISHED",
                "visibility": post["visibility"],
                "distribution": post.get("distribution", {
                    "feedDistribution": "MAIN_FEED", "targetEntities": [],
                    "thirdPartyDistributionChannels": []}),
                "isReshareDisabledByAuthor": post.get("isReshareDisabledByAuthor", False)}
            if post["content"]:
                element["content"] = post["content"]
            elements.append(element)
        return _json(200, {"elements": elements,
                           "paging": {"start": start, "count": count, "total": len(found)}})

    def _initialize_upload(self, request):
        if request.query.get("action", [None])[-1] != "initializeUpload":
            return _bad_request("The fake understands POST /rest/images?action=initializeUpload "
                                "only")
        body, problem = self._body(request)
        if problem:
            return problem
        ask = body.get("initializeUploadRequest")
        if not isinstance(ask, dict):
            return _missing("/initializeUploadRequest")
        owner = ask.get("owner")
        if owner is None:
            return _missing("/initializeUploadRequest/owner")
        if owner not in self.author_urns():
            return _access_denied(f"Not enough permissions to upload images as {owner}")
        number = str(next(self._image_ids))
        image = f"urn:li:image:{number}"
        token = secrets.token_urlsafe(12)
        expires = self.now_ms() + UPLOAD_URL_LIFETIME * 1000
        self.images[image] = {"owner": owner, "uploaded": None, "alt": None}
        self._uploads[number] = {"image": image, "token": token, "expires": expires}
        return _json(200, {"value": {
            "uploadUrlExpiresAt": expires,
            "uploadUrl": self.url(f"/dms-uploads/{number}?token={token}"), "image": image}})

    def _upload(self, request, number):
        if not self._bearer_ok(request):
            return _json(401, INVALID_TOKEN)
        upload = self._uploads.get(number)
        if upload is None:
            return _not_found(f"No upload {number}")
        if request.query.get("token", [None])[-1] != upload["token"]:
            return _error(403, "ACCESS_DENIED", "The upload token is wrong")
        if self.now_ms() > upload["expires"]:
            return _error(403, "ACCESS_DENIED", "The upload URL has expired")
        if not request.body:
            return _bad_request("The upload is empty")
        self.images[upload["image"]]["uploaded"] = request.body
        return _empty(201)

    def _target(self, raw):
        """The post and the parent comment (or None) a socialActions path names:
        (post, parent, problem)."""
        urn, problem = self._encoded_urn(raw, "The URN in the path")
        if problem:
            return None, None, problem
        if POST_URN.match(urn):
            post = self.post(urn)
            if post is None:
                return None, None, _not_found(f"No post {urn}")
            return post, None, None
        activity = ACTIVITY_URN.match(urn)
        if activity:
            # A comment URN names the activity of its post; comments are read and written there
            # as on the post.
            post = next((p for p in self.posts
                         if POST_URN.match(p["urn"]).group(2) == activity.group(1)), None)
            if post is None:
                return None, None, _not_found(f"No activity {urn}")
            return post, None, None
        if COMMENT_URN.match(urn):
            parent = self.comment(urn)
            if parent is None:
                return None, None, _not_found(f"No comment {urn}")
            return self.post(parent["object"]), parent, None
        return None, None, _not_found(f"{urn} is not a post or comment URN")

    def _create_comment(self, request, raw):
        post, parent, problem = self._target(raw)
        if problem:
            return problem
        body, problem = self._body(request)
        if problem:
            return problem
        for name in ("actor", "object", "message"):
            if name not in body:
                return _missing(f"/{name}")
        message = body["message"]
        if not isinstance(message, dict) or "text" not in message:
            return _missing("/message/text")
        if not isinstance(message["text"], str):
            return _invalid("/message/text", "a string is expected", "INVALID_VALUE")
        activity = f"urn:li:activity:{POST_URN.match(post['urn']).group(2)}"
        if body["object"] not in (post["urn"], activity):
            return _invalid("/object", f"{body['object']} is not the commented post "
                            f"{post['urn']}", "INVALID_VALUE")
        wanted_parent = body.get("parentComment")
        if parent is not None and wanted_parent != parent["urn"]:
            return _invalid("/parentComment", f"a reply posted to {parent['urn']} must name it "
                            "as parentComment", "INVALID_VALUE")
        if wanted_parent is not None:
            parent = self.comment(wanted_parent)
            if parent is None or parent["object"] != post["urn"]:
                return _not_found(f"No comment {wanted_parent} on {post['urn']}")
        actor = body["actor"]
        if actor not in self.author_urns():
            return _access_denied(f"Not enough permissions to comment as {actor}")
        comment = self.add_comment(post["urn"], actor, message["text"],
                                   parent=parent["urn"] if parent else None)
        document = self._render_comment(comment)
        document["lastModified"] = dict(document["created"])
        return _json(201, document, {"x-restli-id": comment["urn"]})

    def _render_comment(self, comment):
        document = {"actor": comment["actor"], "object": comment["object"],
                    "message": {"text": comment["text"], "attributes": []},
                    "created": {"actor": comment["actor"], "time": comment["created"]},
                    "id": comment["id"], "commentUrn": comment["urn"], "$URN": comment["urn"]}
        if comment["parent"]:
            document["parentComment"] = comment["parent"]
        return document

    def _list_comments(self, request, raw):
        post, parent, problem = self._target(raw)
        if problem:
            return problem
        start, count, problem = self._page_params(request, 10, 100)
        if problem:
            return problem
        wanted = parent["urn"] if parent else None
        found = [c for c in self.comments
                 if c["object"] == post["urn"] and c["parent"] == wanted]
        return _json(200, {"elements": [self._render_comment(c)
                                        for c in found[start:start + count]],
                           "paging": {"start": start, "count": count, "total": len(found)}})

    def _count(self, post, key):
        counts = self.counts.get(post["urn"], {})
        if key == "comments" and "comments" not in counts:
            return sum(1 for c in self.comments if c["object"] == post["urn"])
        return counts.get(key, 0)

    def _analytics(self, request):
        q = {k: v[-1] for k, v in request.query.items()}
        if not self.analytics_allowed:
            return _access_denied("Not enough permissions to access: "
                                  "memberCreatorPostAnalytics.FINDER-entity")
        query_type = q.get("queryType")
        if query_type not in QUERY_TYPES:
            return _bad_request(f"queryType must be one of {', '.join(QUERY_TYPES)}, not "
                                f"{query_type!r}")
        if q.get("aggregation") != "TOTAL":
            return _bad_request(f"The fake answers aggregation=TOTAL only, not "
                                f"{q.get('aggregation')!r}")
        key = QUERY_TYPES[query_type]
        finder = q.get("q")
        if finder == "me":
            mine = [p for p in self.posts if p["author"] == self.person_urn]
            count, target = sum(self._count(p, key) for p in mine), None
        elif finder == "entity":
            raw = _raw_param(request, "entity")
            match = ENTITY.match(raw or "")
            if not match:
                return _bad_request(f"entity must be (share:<encoded urn>) or (ugc:<encoded urn>)"
                                    f", not {raw!r}")
            urn, problem = self._encoded_urn(match.group(2), "The entity's URN")
            if problem:
                return problem
            kind = POST_URN.match(urn)
            if not kind or (kind.group(1) == "share") != (match.group(1) == "share"):
                return _bad_request(f"entity ({match.group(1)}:...) does not take {urn}")
            post = self.post(urn)
            if post is None:
                return _not_found(f"No post {urn}")
            if post["author"] != self.person_urn:
                return _access_denied(f"{urn} is not a post of the member")
            count, target = self._count(post, key), {match.group(1): urn}
        else:
            return _bad_request(f"q must be entity or me, not {finder!r}")
        metric_type = query_type if self.metric_type_as_string else {METRIC_TYPE_KEY: query_type}
        element = {"count": count, "metricType": metric_type}
        if target:
            element["targetEntity"] = target
        return _json(200, {"paging": {"start": 0, "count": 10, "links": []},
                           "elements": [element]})
