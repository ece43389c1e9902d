#!/usr/bin/env python3
"""Writes the platform targets' seed corpora (tests/fuzz/corpus/<platform>/) from the answers
that the end-to-end fakes give (tests/e2e/platforms/*/fake*.py), in the script format of
tests/fuzz/scripted_transport.hpp. Run it again after changing the shapes here."""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")


def response(body, status=200, headers=None):
    head = [str(status)] + [f"{k}: {v}" for k, v in (headers or {"Content-Type": "application/json"}).items()]
    text = body if isinstance(body, str) else json.dumps(body)
    return "\n".join(head) + "\n\n" + text


def write(platform, name, op, responses, texts=()):
    first = "\n".join([op] + list(texts))
    data = "\n%%\n".join([first] + responses).encode()
    directory = os.path.join(CORPUS, platform)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


ME = {"id": "1", "username": "herald", "acct": "herald", "display_name": "herald", "bot": False,
      "url": "http://127.0.0.1/@herald", "followers_count": 42}
ADA = {"id": "101", "username": "ada", "acct": "ada@example.social", "display_name": "Ada",
       "bot": False, "url": "https://example.social/@ada"}


def status(sid, account, text, reply_to=None, at="2026-12-01T08:30:00.000Z"):
    return {"id": sid, "created_at": at, "in_reply_to_id": reply_to,
            "in_reply_to_account_id": "1" if reply_to else None, "content": f"<p>{text}</p>",
            "url": f"https://social.example/@{account['acct']}/{sid}",
            "uri": f"https://social.example/users/{account['acct']}/statuses/{sid}",
            "visibility": "public", "account": account,
            "mentions": [{"id": "1", "acct": "herald", "username": "herald"}],
            "favourites_count": 3, "reblogs_count": 1, "replies_count": 2, "quotes_count": 0}


def mastodon():
    ours = status("1000", ME, "Hello &amp; welcome<br>see <a href=\"https://example.org\">example.org</a>")
    reply = status("1001", ADA, "<span class=\"h-card\">@herald</span> when?", reply_to="1000")
    limit = {"X-RateLimit-Reset": "2026-12-01T09:00:00.000Z", "Content-Type": "application/json"}
    write("mastodon", "publish", "publish", [response(ours)])
    write("mastodon", "publish-thread", "publish 1", [response(ours), response(reply)],
          ["part one https://example.org", "part two #herald"])
    write("mastodon", "publish-429", "publish", [response({"error": "Too many requests"}, 429, limit)])
    write("mastodon", "publish-422", "publish", [response({"error": "Validation failed: Text too long"}, 422)])
    write("mastodon", "verify", "verify", [response(ME), response(
        {"configuration": {"statuses": {"max_characters": 500}}})])
    write("mastodon", "find", "find", [response(ME), response([ours, reply]),
                                        response({"id": "1000", "text": "Hello", "spoiler_text": ""})])
    write("mastodon", "earlier", "earlier", [response(ME), response([ours])], ["Hello & welcome"])
    write("mastodon", "counts", "counts", [response(ours), response({"error": "Record not found"}, 404)])
    write("mastodon", "followers", "followers", [response(ME)])
    write("mastodon", "whoami", "whoami", [response(ME)])
    notification = {"id": "500", "type": "mention", "created_at": "2026-12-01T08:30:00.000Z",
                    "account": ADA, "status": reply}
    write("mastodon", "inbox", "inbox", [response(ME), response([notification], 200, {
        "Content-Type": "application/json",
        "Link": '<http://127.0.0.1:9/api/v1/notifications?max_id=500>; rel="next", '
                '<http://127.0.0.1:9/api/v1/notifications?min_id=500>; rel="prev"'}), response([])])
    write("mastodon", "thread", "thread", [response(ME), response(reply),
                                            response({"ancestors": [ours], "descendants": []})], ["1001"])
    write("mastodon", "reply", "reply", [response(reply)], ["@ada tomorrow"])


DID = "did:plc:alice0000000000000"
SESSION = {"did": DID, "handle": "alice.test", "accessJwt": "eyJhY2Nlc3MifQ.e30.sig",
           "refreshJwt": "eyJyZWZyZXNoIn0.e30.sig", "active": True}


def post_view(rkey, handle, text, reply=None):
    did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24] if handle != "alice.test" else DID
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-12-01T08:30:00.000Z"}
    if reply:
        record["reply"] = {"root": reply, "parent": reply}
    uri = f"at://{did}/app.bsky.feed.post/{rkey}"
    return {"uri": uri, "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:40],
            "author": {"did": did, "handle": handle, "displayName": handle.split(".")[0].title(),
                       "labels": []},
            "record": record, "indexedAt": "2026-12-01T08:30:01.000Z", "likeCount": 2,
            "repostCount": 1, "replyCount": 1, "quoteCount": 0}


def bluesky():
    created = {"uri": f"at://{DID}/app.bsky.feed.post/3lbqzqzqzqz22", "cid": "bafyreiabc",
               "commit": {"cid": "bafyreicommit", "rev": "3lbqzqzqzqz22"}, "validationStatus": "valid"}
    write("bluesky", "publish", "publish", [response(SESSION), response({"did": "did:plc:bob"}), response(created)])
    write("bluesky", "publish-thread", "publish 1", [response(SESSION), response(created), response(created)],
          ["part one https://example.org #tag", "part two"])
    write("bluesky", "publish-expired", "publish", [
        response(SESSION), response({"error": "ExpiredToken", "message": "Token has expired"}, 400),
        response(SESSION), response(created)], ["plain"])
    write("bluesky", "publish-429", "publish", [response(SESSION), response(
        {"error": "RateLimitExceeded"}, 429, {"RateLimit-Reset": "1796115600", "Content-Type": "application/json"})], ["plain"])
    write("bluesky", "media", "media", [response(SESSION), response(
        {"blob": {"$type": "blob", "ref": {"$link": "bafkreiblob"}, "mimeType": "image/png", "size": 67}}),
        response(created)], ["with a picture"])
    write("bluesky", "verify", "verify", [response(SESSION)])
    write("bluesky", "find", "find", [response(SESSION), response(
        {"uri": created["uri"], "cid": "bafyreiabc", "value": {"text": "Hello", "createdAt": "2026-12-01T08:00:00.000Z"}})],
        ["Hello"])
    write("bluesky", "earlier", "earlier", [response(SESSION), response({"error": "RecordNotFound"}, 400)])
    ours = post_view("3lours0000001", "alice.test", "Hello")
    theirs = post_view("3ltheirs00001", "bob.test", "@alice.test when?", {"uri": ours["uri"], "cid": ours["cid"]})
    write("bluesky", "counts", "counts", [response(SESSION), response({"posts": [ours]})])
    write("bluesky", "followers", "followers", [response(SESSION), response(
        {"did": DID, "handle": "alice.test", "followersCount": 7, "followsCount": 3, "postsCount": 9})])
    write("bluesky", "whoami", "whoami", [response(SESSION)])
    note = {"uri": theirs["uri"], "cid": theirs["cid"], "author": theirs["author"], "reason": "reply",
            "reasonSubject": ours["uri"], "record": theirs["record"], "isRead": False,
            "indexedAt": "2026-12-01T08:30:01.000Z", "labels": []}
    write("bluesky", "inbox", "inbox", [response(SESSION), response({"notifications": [note], "cursor": "c1"}),
                                         response({"notifications": []})])
    thread = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": ours, "replies": [
        {"$type": "app.bsky.feed.defs#threadViewPost", "post": theirs, "replies": []}]}}
    write("bluesky", "thread", "thread", [response(SESSION), response(thread)], [theirs["uri"]])
    write("bluesky", "reply", "reply", [response(SESSION), response(created)], ["thanks!"])


def discord():
    message = {"id": "1234567890", "channel_id": "42", "content": "Hello", "webhook_id": "123"}
    write("discord", "publish", "publish", [response(message)])
    write("discord", "publish-thread", "publish 1", [response(message), response(message)], ["one", "two"])
    write("discord", "publish-429", "publish", [response(
        {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}, 429,
        {"Retry-After": "2", "Content-Type": "application/json"})])
    write("discord", "publish-400", "publish", [response({"message": "Invalid Form Body", "code": 50035,
                                                          "errors": {"content": {"_errors": []}}}, 400)])
    write("discord", "media", "media", [response(message)])
    write("discord", "verify", "verify", [response({"id": "123", "name": "herald", "channel_id": "42",
                                                    "guild_id": "7", "type": 1})])


def slack():
    ok = {"ok": True, "channel": "C0123", "ts": "1796112000.000100", "message": {"text": "Hello"}}
    write("slack", "publish", "publish", [response(ok), response({"ok": True, "permalink": "https://team.slack.com/archives/C0123/p1796112000000100"})])
    write("slack", "publish-thread", "publish", [response(ok), response(ok)], ["one", "two"])
    write("slack", "publish-error", "publish", [response({"ok": False, "error": "channel_not_found"})])
    write("slack", "publish-429", "publish", [response({"ok": False, "error": "ratelimited"}, 429,
                                                       {"Retry-After": "30"})])
    write("slack", "media", "media", [response({"ok": True, "upload_url": "http://127.0.0.1:9/upload", "file_id": "F1"}),
                                      response("OK - 67", 200, {"Content-Type": "text/plain"}),
                                      response({"ok": True, "files": [{"id": "F1"}]}), response(ok)])
    write("slack", "verify", "verify", [response({"ok": True, "url": "https://team.slack.com/", "team": "Team",
                                                  "user": "herald", "team_id": "T1", "user_id": "U1"}),
                                        response({"ok": True, "channel": {"id": "C0123", "name": "general"}})])
    write("slack", "webhook", "publish 1", [response("ok", 200, {"Content-Type": "text/plain"})])
    write("slack", "webhook-error", "publish 1", [response("invalid_payload", 400, {"Content-Type": "text/plain"})])


def telegram():
    sent = {"ok": True, "result": {"message_id": 17, "date": 1796112000,
                                   "chat": {"id": -1001234567890, "type": "channel", "username": "herald_news"},
                                   "text": "Hello"}}
    write("telegram", "publish", "publish", [response(sent)])
    write("telegram", "publish-thread", "publish 1", [response(sent), response(sent)], ["one", "two"])
    write("telegram", "publish-429", "publish", [response({"ok": False, "error_code": 429,
                                                           "description": "Too Many Requests: retry after 5",
                                                           "parameters": {"retry_after": 5}}, 429)])
    write("telegram", "publish-migrate", "publish", [response({"ok": False, "error_code": 400,
                                                               "description": "Bad Request: group chat was upgraded",
                                                               "parameters": {"migrate_to_chat_id": -1009}}, 400)])
    write("telegram", "media", "media", [response({"ok": True, "result": {"message_id": 18, "chat": {"id": -100}}})])
    write("telegram", "verify", "verify", [response({"ok": True, "result": {"id": 123456, "is_bot": True,
                                                                            "first_name": "Herald", "username": "herald_bot"}}),
                                           response({"ok": True, "result": {"id": -1001234567890, "type": "channel",
                                                                            "title": "News", "username": "herald_news"}})])


def webhook():
    write("webhook", "publish", "publish", [response({"id": "abc", "url": "https://example.org/p/abc"})])
    write("webhook", "publish-text", "publish", [response("accepted", 202, {"Content-Type": "text/plain"})])
    write("webhook", "publish-template", "publish 1", [response({"id": 5})], ['quote " and \\ backslash'])
    write("webhook", "publish-503", "publish", [response("", 503, {"Retry-After": "Wed, 02 Dec 2026 07:28:00 GMT"})])


for make in (mastodon, bluesky, discord, slack, telegram, webhook):
    make()


def plugin_seeds():
    """The exec plugin's answer lines (tests/fuzz/fuzz_plugin.cpp): hello first (id 1)."""
    def hello(**caps):
        return {"type": "hello", "id": 1, "protocol": 1, "name": "fuzz", "capabilities": caps}

    def write_lines(name, op, answers):
        directory = os.path.join(CORPUS, "plugin")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, name), "wb") as out:
            out.write("\n".join([op] + [a if isinstance(a, str) else json.dumps(a) for a in answers]).encode() + b"\n")

    write_lines("publish", "publish", [hello(threads=True, max_length=500, length_unit="graphemes", url_length=23),
                                       {"type": "published", "id": 2, "remote_id": "r-1", "url": "https://chat.example/r-1"}])
    write_lines("publish-number-id", "publish", [hello(idempotent=True), {"type": "published", "id": 2, "remote_id": 17}])
    write_lines("publish-rate-limited", "publish", [hello(), {"type": "error", "id": 2, "kind": "rate_limited",
                                                              "message": "slow down", "retry_after": 30}])
    write_lines("publish-echo-secret", "publish", [hello(), {"type": "published", "id": 2,
                                                             "remote_id": "SECRETplug1n", "url": "https://x/SECRETplug1n"}])
    write_lines("publish-bad", "publish", [hello(), '{"type": "published", "id": 3}', "not json"])
    write_lines("find", "find", [hello(find=True), {"type": "found", "id": 2, "found": True, "remote_id": "r-1",
                                                    "url": "https://chat.example/r-1"}])
    write_lines("verify", "verify", [hello(verify=True), {"type": "verified", "id": 2, "detail": "stamps go to /tmp"}])
    write_lines("inbox", "inbox", [hello(conversations=True), {"type": "conversations", "id": 2, "cursor": "3", "items": [
        {"seq": 1, "remote_id": "m-1", "author": "@ada", "author_name": "Ada", "text": "hi?",
         "created_at": "2026-12-03T12:00:00Z", "conversation": "c-1", "url": "https://chat.example/m-1"},
        {"seq": 2, "remote_id": "m-2", "author": "@us", "ours": True, "text": "hello",
         "created_at": "2026-12-03T12:00:10Z", "in_reply_to": "m-1", "conversation": "c-1"},
        {"seq": 3, "remote_id": "m-3", "author": "@ada", "text": "thanks", "bot": False,
         "created_at": "2026-12-03T12:00:20Z", "in_reply_to": "m-2"}]}])
    write_lines("counts", "counts", [hello(metrics=True), {"type": "metrics", "id": 2, "items": [
        {"remote_id": "1", "metrics": {"likes": 3, "reposts": 1, "custom": 9}}, {"remote_id": "2", "metrics": {}}]}])
    write_lines("followers", "followers", [hello(metrics=True), {"type": "metrics", "id": 2, "items": [], "followers": 12}])
    write_lines("deep", "publish", [hello(), '{"type": "published", "id": 2, "remote_id": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}'])


plugin_seeds()
