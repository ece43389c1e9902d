"""The read-back side of the Bluesky fake, for `herald report collect`: MetricsBluesky extends
FakeBluesky with app.bsky.feed.getPosts (at most 25 `uris`, as the AppView enforces) and
app.bsky.actor.getProfile (followersCount). Tests set the numbers, and change them between two
collects:
    fake.followers = 120
    fake.set_counts(post_uri, likes=5, reposts=2, replies=1)
"""

from platforms.bluesky.fake import FakeBluesky, _error, _json


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
