"""A loopback fake of Discord's Execute Webhook, for the end-to-end tests."""

import itertools
import json
import re

from fakes import HookFakeServer, _json_answer


class DiscordFake(HookFakeServer):
    """POST /api/webhooks/<id>/<token> (also /api/v10/...) like Discord's Execute Webhook."""

    WEBHOOK_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(\d+)/([^/]+)/?$")

    def __init__(self, webhook_id="123", token="tok3n-s3cret", channel_id="555000111",
                 guild_id=None):
        self.webhook_id = webhook_id
        self.token = token
        self.channel_id = channel_id
        self.guild_id = guild_id
        self.messages = []  # stored messages, in order, whether or not ?wait=true was given
        self._ids = itertools.count(1300000000000000001)
        super().__init__()

    def webhook_url(self, token=None):
        return self.url(f"/api/webhooks/{self.webhook_id}/{token or self.token}")

    def handle(self, request):
        match = self.WEBHOOK_PATH.match(request.path)
        if request.method == "GET" and match:
            # Get Webhook with Token: the webhook object, no message posted.
            if match.group(1) != self.webhook_id:
                return _json_answer(404, {"message": "Unknown Webhook", "code": 10015})
            if match.group(2) != self.token:
                return _json_answer(401, {"message": "Invalid Webhook Token", "code": 50027})
            return _json_answer(200, {"id": self.webhook_id, "type": 1, "name": "herald releases",
                                      "channel_id": self.channel_id, "token": self.token})
        if request.method != "POST" or not match:
            return _json_answer(404, {"message": "404: Not Found", "code": 0})
        if match.group(1) != self.webhook_id:
            return _json_answer(404, {"message": "Unknown Webhook", "code": 10015})
        if match.group(2) != self.token:
            return _json_answer(401, {"message": "Invalid Webhook Token", "code": 50027})
        files = []
        if request.parts is not None:
            payload_part = request.part("payload_json")
            try:
                payload = json.loads(payload_part["data"].decode()) if payload_part else {}
            except ValueError:
                payload = None
            files = [p for p in request.parts if re.fullmatch(r"files\[\d+\]", p["name"] or "")]
        else:
            payload = request.json
        if not isinstance(payload, dict):
            return _json_answer(400, {"message": "Cannot send an empty message", "code": 50006})
        content = payload.get("content") or ""
        if len(content) > 2000:
            return _json_answer(400, {
                "message": "Invalid Form Body", "code": 50035,
                "errors": {"content": {"_errors": [{
                    "code": "BASE_TYPE_MAX_LENGTH",
                    "message": "Must be 2000 or fewer in length."}]}}})
        if len(files) > 10:
            return _json_answer(400, {"message": "Invalid Form Body", "code": 50035})
        if not content and not files:
            return _json_answer(400, {"message": "Cannot send an empty message", "code": 50006})
        described = {a.get("id"): a for a in payload.get("attachments", [])}
        attachments = []
        for n, f in enumerate(files):
            index = int(f["name"][6:-1])
            meta = described.get(index, {})
            attachments.append({"id": str(next(self._ids)), "filename": f["filename"],
                                "description": meta.get("description"), "size": len(f["data"])})
        message = {"id": str(next(self._ids)), "channel_id": self.channel_id,
                   "webhook_id": self.webhook_id, "content": content,
                   "attachments": attachments, "type": 0}
        if self.guild_id:
            message["guild_id"] = self.guild_id
        self.messages.append(message)
        if request.query.get("wait", [""])[-1] != "true":
            return 204, {}, b""  # stored, but the caller is told nothing
        return _json_answer(200, message)
