"""The read-back side of the Mastodon fake, for `herald report collect`: MetricsMastodon extends
FakeMastodon with GET /api/v1/statuses/:id (favourites_count, reblogs_count, replies_count) and
followers_count in verify_credentials. Tests set the numbers, and change them between two
collects:
    fake.followers = 120
    fake.set_counts(status_id, likes=5, reposts=2, replies=1)
"""

import re

from platforms.mastodon.fake import FakeMastodon, _Handler

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
