"""The Matrix fake checked against the client-server spec's documented behaviour (ctest
e2e-matrix_fake), so that the matrix suite's verdicts rest on a fake that is right: it drives
the fake over urllib and prints OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/matrix/test_matrix_fake.py
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import MAX_EVENT_BYTES, MatrixFake  # noqa: E402

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ROOM = "!launch:example.org"
Q = urllib.parse.quote


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def call(fake, method, path, body=None, token=None, raw=None, content_type=None):
    """(status, headers, JSON answer)."""
    headers = {}
    token = fake.token if token is None else token
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if raw is not None:
        data = raw
        if content_type:
            headers["Content-Type"] = content_type
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(fake.url(path), data=data, method=method, headers=headers)
    try:
        with NO_PROXY.open(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def send_path(room, txn):
    return f"/_matrix/client/v3/rooms/{Q(room, safe='')}/send/m.room.message/{Q(txn, safe='')}"


def main():
    with MatrixFake(room_id=ROOM) as fake:
        # Auth: missing and wrong tokens.
        status, _, body = call(fake, "GET", "/_matrix/client/v3/account/whoami", token="")
        check((status, body["errcode"]) == (401, "M_MISSING_TOKEN"), body)
        status, _, body = call(fake, "GET", "/_matrix/client/v3/account/whoami", token="nope")
        check((status, body["errcode"]) == (401, "M_UNKNOWN_TOKEN"), body)
        status, _, body = call(fake, "GET", "/_matrix/client/v3/account/whoami")
        check((status, body["user_id"]) == (200, "@herald:example.org"), body)

        # The directory.
        status, _, body = call(fake, "GET", "/_matrix/client/v3/directory/room/"
                               + Q("#launch:example.org", safe=""))
        check((status, body["room_id"]) == (200, ROOM), body)
        status, _, body = call(fake, "GET", "/_matrix/client/v3/directory/room/"
                               + Q("#none:example.org", safe=""))
        check((status, body["errcode"]) == (404, "M_NOT_FOUND"), body)

        # A send, and the same txnId again: the same event, no second one.
        status, _, one = call(fake, "PUT", send_path(ROOM, "t1"),
                              {"msgtype": "m.text", "body": "hi"})
        check(status == 200 and one["event_id"].startswith("$"), one)
        status, _, again = call(fake, "PUT", send_path(ROOM, "t1"),
                                {"msgtype": "m.text", "body": "hi"})
        check((status, again["event_id"]) == (200, one["event_id"]), again)
        check(len(fake.events()) == 1 and fake.dedupes == 1, fake.events())
        # The sender's token sees its transaction id; another does not.
        messages = f"/_matrix/client/v3/rooms/{Q(ROOM, safe='')}/messages"
        status, _, page = call(fake, "GET", messages + "?dir=b&limit=1")
        check(page["chunk"][0]["unsigned"].get("transaction_id") == "t1", page)
        # Another token (another device) with that txnId is another request.
        fake.token, old = "other", fake.token
        status, _, other = call(fake, "PUT", send_path(ROOM, "t1"),
                                {"msgtype": "m.text", "body": "hi"})
        check(status == 200 and other["event_id"] != one["event_id"], other)
        status, _, page = call(fake, "GET", messages + "?dir=b&limit=2", token="other")
        check([e["unsigned"].get("transaction_id") for e in page["chunk"]] == ["t1", None], page)
        fake.token = old

        # A body that is not a JSON object; an event over 65,536 bytes.
        status, _, body = call(fake, "PUT", send_path(ROOM, "t2"), raw=b"[1]",
                               content_type="application/json")
        check((status, body["errcode"]) == (400, "M_BAD_JSON"), body)
        status, _, body = call(fake, "PUT", send_path(ROOM, "t2b"), {"msgtype": "m.image",
                                                                      "body": "alt"})
        check((status, body["errcode"]) == (400, "M_BAD_JSON"), body)
        status, _, body = call(fake, "PUT", send_path(ROOM, "t2c"), {"body": "no msgtype"})
        check((status, body["errcode"]) == (400, "M_BAD_JSON"), body)
        status, _, body = call(fake, "PUT", send_path(ROOM, "t3"),
                               {"msgtype": "m.text", "body": "x" * MAX_EVENT_BYTES})
        check((status, body["errcode"]) == (413, "M_TOO_LARGE"), body)

        # Rate limits: retry_after_ms in the body, Retry-After when given.
        fake.limit_next(1, 1500)
        status, headers, body = call(fake, "PUT", send_path(ROOM, "t4"),
                                     {"msgtype": "m.text", "body": "x"})
        check((status, body["errcode"], body["retry_after_ms"]) == (429, "M_LIMIT_EXCEEDED", 1500)
              and "Retry-After" not in headers, (body, headers))
        fake.limit_next(1, 1500, header=7)
        status, headers, body = call(fake, "PUT", send_path(ROOM, "t4"),
                                     {"msgtype": "m.text", "body": "x"})
        check(status == 429 and headers.get("Retry-After") == "7", headers)

        # Media.
        status, _, body = call(fake, "POST", "/_matrix/media/v3/upload?filename=a.png",
                               raw=b"\x89PNG", content_type="image/png")
        check(status == 200 and body["content_uri"].startswith("mxc://example.org/"), body)
        check(fake.media[body["content_uri"]] == (b"\x89PNG", "image/png", "a.png"), fake.media)
        fake.upload_size = 2
        status, _, body = call(fake, "POST", "/_matrix/media/v3/upload?filename=a.png",
                               raw=b"\x89PNG", content_type="image/png")
        check((status, body["errcode"]) == (413, "M_TOO_LARGE"), body)
        status, _, body = call(fake, "GET", "/_matrix/client/v1/media/config")
        check(body == {"m.upload.size": 2}, body)

        # Membership: joined, and 403 once we left.
        member = (f"/_matrix/client/v3/rooms/{Q(ROOM, safe='')}/state/m.room.member/"
                  + Q(fake.user_id, safe=""))
        status, _, body = call(fake, "GET", member)
        check((status, body["membership"]) == (200, "join"), body)

        # /messages: dir=b from the live end, newest first; dir=f from a token; `end` omitted
        # when nothing more is there.
        for i in range(3):
            fake.add_event("@alice:example.org", {"msgtype": "m.text", "body": f"m{i}"})
        status, _, page = call(fake, "GET", messages + "?dir=b&limit=2")
        check(status == 200 and [e["content"]["body"] for e in page["chunk"]] == ["m2", "m1"],
              page)
        status, _, page2 = call(fake, "GET", messages + f"?dir=b&limit=10&from={page['end']}")
        check("end" not in page2 and page2["chunk"][-1]["event_id"] == one["event_id"], page2)
        status, _, forward = call(fake, "GET", messages + f"?dir=f&from={page['end']}")
        check([e["content"]["body"] for e in forward["chunk"]] == ["m1", "m2"], forward)
        status, _, empty = call(fake, "GET", messages + f"?dir=f&from={forward['end']}")
        check(empty["chunk"] == [] and "end" not in empty, empty)

        # An event and its thread relations.
        root = page["chunk"][1]
        reply = fake.add_event("@bob:example.org", {
            "msgtype": "m.text", "body": "re",
            "m.relates_to": {"rel_type": "m.thread", "event_id": root["event_id"],
                             "is_falling_back": True,
                             "m.in_reply_to": {"event_id": root["event_id"]}}})
        status, _, body = call(fake, "GET", f"/_matrix/client/v3/rooms/{Q(ROOM, safe='')}/event/"
                               + Q(root["event_id"], safe=""))
        check(body["event_id"] == root["event_id"], body)
        status, _, body = call(fake, "GET", f"/_matrix/client/v1/rooms/{Q(ROOM, safe='')}/"
                               f"relations/{Q(root['event_id'], safe='')}/m.thread")
        check([e["event_id"] for e in body["chunk"]] == [reply["event_id"]], body)

        fake.leave()
        status, _, body = call(fake, "GET", member)
        check((status, body["errcode"]) == (403, "M_FORBIDDEN"), body)
        status, _, body = call(fake, "PUT", send_path(ROOM, "t9"),
                               {"msgtype": "m.text", "body": "x"})
        check((status, body["errcode"]) == (403, "M_FORBIDDEN"), body)

        # A lost answer: the event is stored, the connection closes.
        fake.add_room(ROOM)
        fake.lose_next_sends(1)
        try:
            call(fake, "PUT", send_path(ROOM, "t10"), {"msgtype": "m.text", "body": "lost"})
            check(False, "an answer came")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        check(fake.events()[-1]["content"]["body"] == "lost", fake.events()[-1])
    print("OK")


if __name__ == "__main__":
    main()
