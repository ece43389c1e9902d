"""A loopback fake of the Telegram Bot API: /bot<token>/<method>, GET or POST, with query,
JSON or multipart arguments, answering Telegram's envelope:
{"ok": true, "result": ...} or {"ok": false, "error_code", "description", "parameters"?}.

Methods: getMe, getChat, sendMessage, sendPhoto, sendVideo, sendMediaGroup. A wrong token gets
401 Unauthorized; an unknown chat 400 "Bad Request: chat not found". Faults: fail_next() from
HookFakeServer, e.g. 429 with parameters.retry_after (see flood_next).
"""

import itertools
import json
import urllib.parse

from fakes import HookFakeServer


def _answer(status, document):
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode()


def _error(code, description, **parameters):
    document = {"ok": False, "error_code": code, "description": description}
    if parameters:
        document["parameters"] = parameters
    return _answer(code, document)


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


class TelegramFake(HookFakeServer):
    def __init__(self, token="123456789:AAF-fake_s3cret_token"):
        self.token = token
        self.chats = {
            -1001111111111: {"id": -1001111111111, "type": "channel", "title": "Herald News",
                             "username": "herald_news"},
            -1002222222222: {"id": -1002222222222, "type": "supergroup", "title": "Team"},
        }
        self.messages = []  # {"chat", "message_id", "text"/"caption", "media"?, "reply_to"?, ...}
        self._ids = itertools.count(501)
        super().__init__()

    def flood_next(self, n, retry_after):
        body = {"ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after}}
        self.fail_next(n, 429, body=body)

    def calls(self, method):
        return [r for r in self.requests if r.path.endswith("/" + method)]

    def arguments(self, request):
        """The method's arguments, whichever way they came (query, JSON, form, multipart)."""
        args = {k: v[-1] for k, v in request.query.items()}
        if request.json is not None:
            args.update(request.json)
        elif request.parts is not None:
            for part in request.parts:
                if part["filename"] is None:
                    args[part["name"]] = part["data"].decode()
        elif request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"):
            form = urllib.parse.parse_qs(request.body.decode(), keep_blank_values=True)
            args.update({k: v[-1] for k, v in form.items()})
        return args

    def _chat(self, chat_id):
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
            return None
        try:
            return self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            return None

    def _json_arg(self, args, name):
        value = args.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return None
        return value

    def handle(self, request):
        prefix = f"/bot{self.token}/"
        if not request.path.startswith("/bot"):
            return _error(404, "Not Found")
        if not request.path.startswith(prefix):
            return _error(401, "Unauthorized")
        method = request.path[len(prefix):]
        args = self.arguments(request)
        if method == "getMe":
            return _answer(200, {"ok": True, "result": {
                "id": 123456789, "is_bot": True, "first_name": "Herald",
                "username": "herald_bot", "can_join_groups": True}})
        if method not in ("getChat", "sendMessage", "sendPhoto", "sendVideo", "sendMediaGroup"):
            return _error(404, "Not Found")
        chat = self._chat(args.get("chat_id"))
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        if method == "getChat":
            return _answer(200, {"ok": True, "result": chat})
        reply = self._json_arg(args, "reply_parameters")
        reply_to = None
        if reply is not None:
            reply_to = reply.get("message_id") if isinstance(reply, dict) else None
            if not any(m["chat"] == chat["id"] and m["message_id"] == reply_to
                       for m in self.messages):
                return _error(400, "Bad Request: message to be replied not found")
        common = {"chat": chat["id"], "reply_to": reply_to,
                  "silent": args.get("disable_notification") in (True, "true"),
                  "parse_mode": args.get("parse_mode")}
        if method == "sendMessage":
            text = args.get("text") or ""
            if not text:
                return _error(400, "Bad Request: message text is empty")
            if utf16_len(text) > 4096:
                return _error(400, "Bad Request: message is too long")
            return self._store(dict(common, text=text), chat)
        if method in ("sendPhoto", "sendVideo"):
            field = "photo" if method == "sendPhoto" else "video"
            file = request.part(field)
            if file is None or file["filename"] is None:
                return _error(400, f"Bad Request: there is no {field} in the request")
            caption = args.get("caption") or ""
            if utf16_len(caption) > 1024:
                return _error(400, "Bad Request: message caption is too long")
            media = [{"type": field, "filename": file["filename"],
                      "content_type": file["content_type"], "data": file["data"]}]
            return self._store(dict(common, caption=caption, media=media), chat)
        # sendMediaGroup
        items = self._json_arg(args, "media")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            return _error(400, "Bad Request: wrong number of media in the group")
        results = []
        group = str(next(self._ids)) + "0"
        for n, item in enumerate(items):
            name = str(item.get("media", ""))
            file = request.part(name[len("attach://"):]) if name.startswith("attach://") else None
            if file is None:
                return _error(400, f"Bad Request: file {name} not found")
            caption = item.get("caption") or ""
            if utf16_len(caption) > 1024:
                return _error(400, "Bad Request: message caption is too long")
            media = [{"type": item.get("type"), "filename": file["filename"],
                      "content_type": file["content_type"], "data": file["data"]}]
            stored = dict(common, caption=caption, media=media, media_group_id=group)
            if n > 0:
                stored["reply_to"] = reply_to
            results.append(self._message(stored, chat))
        return _answer(200, {"ok": True, "result": results})

    def _message(self, stored, chat):
        stored["message_id"] = next(self._ids)
        self.messages.append(stored)
        result = {"message_id": stored["message_id"], "date": 1764579600,
                  "chat": {k: v for k, v in chat.items()}}
        for key in ("text", "caption"):
            if stored.get(key):
                result[key] = stored[key]
        return result

    def _store(self, stored, chat):
        return _answer(200, {"ok": True, "result": self._message(stored, chat)})
