"""The read-back side of the platform fakes, for `herald report collect`.

MetricsMastodon extends FakeMastodon with GET /api/v1/statuses/:id (favourites_count,
reblogs_count, replies_count) and followers_count in verify_credentials; MetricsBluesky extends
FakeBluesky with app.bsky.feed.getPosts (at most 25 `uris`, as the AppView enforces) and
app.bsky.actor.getProfile (followersCount). Tests set the numbers, and change them between two
collects:
    fake.followers = 120
    fake.set_counts(remote_id, likes=5, reposts=2, replies=1)
"""

import re

from fake_bluesky import FakeBluesky, _error, _json
from fake_mastodon import FakeMastodon, _Handler

STATUS_PATH = re.compile(r"^/api/v1/statuses/(\d+)$")


class _MetricsHandler(_Handler):
    def do_GET(self):
        match = STATUS_PATH.match(self.path.split("?", 1)[0])
        if not match:
            return self._handle()
        fake = self.fake
        headers = {k.lower(): v for k, v in self.headers.items()}
        with fake._lock:
            fake.log.append({"method": "GET", "path": self.path, "headers": headers, "json": None,
                             "fields": None})
        fault = fake._take_fault(self.path.split("?", 1)[0])  # fail("/api/v1/statuses/")
        if fault:
            return self._fault(fault)
        if not fake._authorized(headers):
            return self._send(401, {}, {"error": "The access token is invalid"})
        with fake._lock:
            status = fake.statuses.get(match.group(1))
            counts = dict(fake.counts.get(match.group(1), {}))
            remaining = fake.rate_limit_remaining
            if remaining is not None:
                fake.rate_limit_remaining = max(0, remaining - 1)
        if status is None:
            return self._send(404, {}, {"error": "Record not found"})
        extra = {}
        if remaining is not None:
            extra = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(max(0, remaining - 1)),
                     "X-RateLimit-Reset": "2026-12-31T00:00:00.000Z"}
        body = dict(status)
        body.update({"favourites_count": counts.get("likes", 0),
                     "reblogs_count": counts.get("reposts", 0),
                     "replies_count": counts.get("replies", 0)})
        return self._send(200, extra, body)


class MetricsMastodon(FakeMastodon):
    handler_base = _MetricsHandler

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.followers = 0
        self.counts = {}  # status id -> {"likes", "reposts", "replies"}
        self.rate_limit_remaining = None  # a number: X-RateLimit-Remaining counts down from it

    def set_counts(self, status_id, **counts):
        with self._lock:
            self.counts[status_id] = counts

    def verify_credentials(self, headers):
        status, extra, body = super().verify_credentials(headers)
        if status == 200:
            body = dict(body, followers_count=self.followers, following_count=3, statuses_count=9)
        return status, extra, body


class MetricsBluesky(FakeBluesky):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.followers = 0
        self.counts = {}  # at:// uri -> {"likes", "reposts", "replies", "quotes"}

    def set_counts(self, uri, **counts):
        with self._state:
            self.counts[uri] = counts

    def handle(self, request):
        nsid = request.path[len("/xrpc/"):] if request.path.startswith("/xrpc/") else ""
        if request.method == "GET" and nsid == "app.bsky.feed.getPosts":
            with self._state:
                return self._check_access(request) or self._get_posts(request)
        if request.method == "GET" and nsid == "app.bsky.actor.getProfile":
            with self._state:
                return self._check_access(request) or self._get_profile(request)
        return super().handle(request)

    def _get_posts(self, request):
        uris = request.query.get("uris", [])
        if len(uris) > 25:
            return _error(400, "InvalidRequest", "uris must not have more than 25 elements")
        by_uri = {r["uri"]: r for r in self.records.values()}
        posts = []
        for uri in uris:
            record = by_uri.get(uri)
            if record is None:
                continue  # deleted or unknown: absent, as the AppView answers
            counts = self.counts.get(uri, {})
            posts.append({"uri": uri, "cid": record["cid"],
                          "author": {"did": self.did, "handle": self.user_handle},
                          "record": record["value"],
                          "likeCount": counts.get("likes", 0),
                          "repostCount": counts.get("reposts", 0),
                          "replyCount": counts.get("replies", 0),
                          "quoteCount": counts.get("quotes", 0),
                          "indexedAt": "2026-12-01T09:00:00.000Z"})
        return _json(200, {"posts": posts})

    def _get_profile(self, request):
        actor = request.query.get("actor", [""])[-1]
        if actor not in (self.did, self.user_handle):
            return _error(400, "InvalidRequest", "Profile not found")
        return _json(200, {"did": self.did, "handle": self.user_handle,
                           "followersCount": self.followers, "followsCount": 4, "postsCount": 9})
