"""A loopback fake of a generic webhook endpoint, for the end-to-end tests."""

import itertools

from fakes import HookFakeServer, _json_answer


class WebhookFake(HookFakeServer):
    """Any POST: records it and answers {"id": "hook-<n>"} (plus "url" when url_base is set)."""

    def __init__(self, url_base=None):
        self.url_base = url_base
        self._ids = itertools.count(1)
        super().__init__()

    def handle(self, request):
        if request.method != "POST":
            return _json_answer(405, {"error": "method not allowed"})
        document = {"id": f"hook-{next(self._ids)}"}
        if self.url_base:
            document["url"] = f"{self.url_base}/{document['id']}"
        return _json_answer(200, document)
