"""The X fake checked against X's documented behaviour (ctest e2e-x_fake), so that test_x.py's
verdicts rest on a fake that is right: it signs requests with a small OAuth 1.0a signer of its
own, proven against RFC 5849's and X's published vectors, drives the fake over urllib, and prints
OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/x/test_x_fake.py
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import XFake, oauth1_base_string, oauth1_signature, weighted_length  # noqa: E402


def enc(value):
    return urllib.parse.quote(str(value).encode("utf-8"), safe="-._~")


def sign(method, url, consumer_key, consumer_secret, token, token_secret, form=None,
         nonce=None, timestamp=None, version="1.0", realm=None):
    """The Authorization header of a request, written from RFC 5849 independently of fake.py:
    (header, signature)."""
    split = urllib.parse.urlsplit(url)
    base_url = f"{split.scheme}://{split.netloc}{split.path}"
    oauth = {"oauth_consumer_key": consumer_key, "oauth_token": token,
             "oauth_signature_method": "HMAC-SHA1",
             "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
             "oauth_nonce": nonce or secrets.token_hex(16)}
    if version:
        oauth["oauth_version"] = version
    params = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
    params += list(oauth.items()) + list((form or {}).items())
    normalised = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params))
    base = f"{method}&{enc(base_url)}&{enc(normalised)}"
    key = f"{enc(consumer_secret)}&{enc(token_secret)}"
    signature = base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest())
    oauth["oauth_signature"] = signature.decode()
    fields = ([f'realm="{realm}"'] if realm else []) + [
        f'{k}="{enc(v)}"' for k, v in oauth.items()]
    return "OAuth " + ", ".join(fields), oauth["oauth_signature"]


def check(condition, what):
    if not condition:
        raise AssertionError(what)


class Client:
    def __init__(self, fake, consumer_key="ck", consumer_secret="cs", token="at",
                 token_secret="ats"):
        self.fake = fake
        self.keys = (consumer_key, consumer_secret, token, token_secret)

    def call(self, method, path, body=None, content_type=None, auth=None, form=None, **signing):
        url = self.fake.url(path)
        headers = {}
        if auth is None:
            auth, _ = sign(method, url, *self.keys, form=form, **signing)
        if auth:
            headers["Authorization"] = auth
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif body is not None:
            data = body
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, dict(answer.headers), json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, dict(error.headers), json.loads(raw) if raw else None


def multipart(fields, file_name, file_bytes, file_type):
    boundary = "herald-" + secrets.token_hex(8)
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; "
            f"filename=\"{file_name}\"\r\nContent-Type: {file_type}\r\n\r\n").encode()
    out += file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def check_vectors():
    # RFC 5849 section 1.2: the fake's signature function and this file's signer.
    params = [("file", "vacation.jpg"), ("size", "original"),
              ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
              ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131202"),
              ("oauth_nonce", "chapoH")]
    got = oauth1_signature("GET", "http://photos.example.net/photos", params,
                           "kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
    check(got == "MdpQcU8iPSUjWoN/UDMsK2sui9I=", f"RFC 5849 1.2 signature: {got}")
    _, mine = sign("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                   "dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk",
                   "pfkkdhi9sl3r4s00", nonce="chapoH", timestamp=137131202, version=None)
    check(mine == "MdpQcU8iPSUjWoN/UDMsK2sui9I=", f"the self-check's signer: {mine}")
    # RFC 5849 section 3.4.1.1: the base string (upper-case host, default port, form body).
    base = oauth1_base_string("post", "http://EXAMPLE.COM:80/request", [
        ("b5", "=%3D"), ("a3", "a"), ("c@", ""), ("a2", "r b"),
        ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"), ("c2", ""), ("a3", "2 q")])
    check(base == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da"
                  "%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48dj"
                  "s9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_ti"
                  "mestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7", f"RFC 3.4.1.1: {base}")
    # X's "Creating a signature" example (a form parameter with spaces and '+').
    got = oauth1_signature("POST", "https://api.twitter.com/1.1/statuses/update.json", [
        ("include_entities", "true"),
        ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
        ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
        ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "1318622958"),
        ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        ("oauth_version", "1.0")],
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
    check(got == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", f"X's example signature: {got}")


def check_weights():
    check(weighted_length("a" * 280) == 280, "ASCII")
    check(weighted_length("日本" * 70) == 280, "CJK weighs 2")
    check(weighted_length("see https://example.com/a/very/long/path/indeed?x=1.") == 4 + 23 + 1,
          "a URL weighs 23, its trailing full stop 1")
    check(weighted_length("\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466") == 2,
          "a ZWJ family")
    check(weighted_length("\U0001F44D\U0001F3FD") == 2, "a skin tone")
    check(weighted_length("\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA") == 4, "two flags")
    check(weighted_length("\u2764\uFE0F") == 2, "an emoji presentation sequence")
    check(weighted_length("e\u0301") == 1, "NFC")
    check(weighted_length("\u2014\u2019") == 2, "punctuation in U+2010-201F weighs 1")


def check_reads():
    """The reads of `herald report` and `herald engage`: GET /2/tweets (public_metrics),
    /2/users/<id>/mentions and /2/tweets/search/recent (a conversation)."""
    with XFake() as fake:
        x = Client(fake)
        now = time.time()
        day = 86400
        alice = fake.add_user("2002", "alice", "Alice A.")
        check(alice == {"id": "2002", "username": "alice", "name": "Alice A."}, alice)
        fake.add_user(2003, "bob", "Bob B.")
        check(fake.users["2003"] == {"id": "2003", "username": "bob", "name": "Bob B."},
              fake.users)
        check(fake.users["1001"] == {"id": "1001", "username": "herald", "name": "Herald"},
              fake.users)

        # --- metrics: GET /2/tweets?ids=...&tweet.fields=public_metrics ---
        counted = fake.add_tweet("counted", created_at=now - 3 * day)["id"]
        plain = fake.add_tweet("plain", created_at=now - 3 * day)["id"]
        p1 = fake.add_tweet("a reply to plain", created_at=now - 2 * day, reply_to=plain,
                            author_id="2002")["id"]
        p2 = fake.add_tweet("another", created_at=now - 2 * day, reply_to=plain,
                            author_id="2003")["id"]
        fake.set_counts(counted, likes=5, reposts=2, replies=1, quotes=0, impressions=300,
                        bookmarks=0)
        missing = "1899999999999999999"
        status, headers, body = x.call(
            "GET", f"/2/tweets?ids={counted},{plain},{missing}"
                   "&tweet.fields=public_metrics,created_at")
        check(status == 200, f"lookup: {status} {body} {fake.last_auth_error}")
        check(headers["x-rate-limit-limit"] == "5000"
              and "x-rate-limit-remaining" in headers and "x-rate-limit-reset" in headers,
              headers)
        check([t["id"] for t in body["data"]] == [counted, plain], body)
        check(body["data"][0]["public_metrics"] == {
            "retweet_count": 2, "reply_count": 1, "like_count": 5, "quote_count": 0,
            "bookmark_count": 0, "impression_count": 300}, body)
        check(body["data"][1]["public_metrics"] == {
            "retweet_count": 0, "reply_count": 2, "like_count": 0, "quote_count": 0,
            "bookmark_count": 0, "impression_count": 0}, "reply_count: the stored replies")
        check(body["data"][0]["text"] == "counted"
              and body["data"][0]["edit_history_tweet_ids"] == [counted]
              and body["data"][0]["created_at"].endswith("Z"), body)
        check(body["errors"] == [{
            "value": missing, "detail": f"Could not find tweet with ids: [{missing}].",
            "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
            "resource_id": missing,
            "type": "https://api.twitter.com/2/problems/resource-not-found"}], body)
        # The same with percent-encoded commas, and a count changed on its own.
        fake.set_counts(counted, likes=6)
        status, _, body = x.call("GET", f"/2/tweets?ids={counted}%2C{plain}"
                                        "&tweet.fields=public_metrics")
        check(status == 200 and "errors" not in body and len(body["data"]) == 2, body)
        check(body["data"][0]["public_metrics"]["like_count"] == 6
              and body["data"][0]["public_metrics"]["retweet_count"] == 2, body)
        status, _, body = x.call("GET", f"/2/tweets?ids={counted}")
        check(status == 200 and "public_metrics" not in body["data"][0], "metrics when asked")
        # X's newest OpenAPI names.
        fake.metrics_field_names = "new"
        status, _, body = x.call("GET", f"/2/tweets?ids={counted}&tweet.fields=public_metrics")
        check(body["data"][0]["public_metrics"] == {
            "repost_count": 2, "reply_count": 1, "like_count": 6, "quote_count": 0,
            "bookmark_count": 0, "impression_count": 300}, f"new names: {body}")
        fake.followers = 77
        status, _, body = x.call("GET", "/2/users/me?user.fields=public_metrics")
        metrics = body["data"]["public_metrics"]
        check(metrics["followers_count"] == 77 and "post_count" in metrics
              and "tweet_count" not in metrics, f"users/me, new names: {body}")
        fake.metrics_field_names = "old"
        status, _, body = x.call("GET", "/2/users/me?user.fields=public_metrics")
        check(body["data"]["public_metrics"]["followers_count"] == 77
              and body["data"]["public_metrics"]["tweet_count"] == 2, body)
        try:
            fake.metrics_field_names = "newest"
            check(False, "metrics_field_names takes old or new")
        except ValueError:
            pass
        # None found: errors alone; and the refusals.
        status, _, body = x.call("GET", f"/2/tweets?ids={missing}&tweet.fields=public_metrics")
        check(status == 200 and "data" not in body and len(body["errors"]) == 1, body)
        ids = ",".join(str(1900000000000000001 + n) for n in range(101))
        status, headers, body = x.call("GET", f"/2/tweets?ids={ids}&tweet.fields=public_metrics")
        check(status == 400 and "not between 1 and 100" in body["detail"]
              and body["type"] == "https://api.twitter.com/2/problems/invalid-request"
              and headers["Content-Type"] == "application/problem+json"
              and "x-rate-limit-reset" in headers, f"101 ids: {status} {body}")
        ids = ",".join(str(1900000000000000001 + n) for n in range(100))
        check(x.call("GET", f"/2/tweets?ids={ids}")[0] == 200, "100 ids")
        check(x.call("GET", "/2/tweets?ids=&tweet.fields=public_metrics")[0] == 400, "no ids")
        check(x.call("GET", "/2/tweets?tweet.fields=public_metrics")[0] == 400, "no ids at all")
        check(x.call("GET", "/2/tweets?ids=12x")[0] == 400, "a non-numeric id")
        check(x.call("GET", f"/2/tweets?ids={counted}&since_id=1")[0] == 400, "unknown query")
        status, _, body = x.call("GET", f"/2/tweets?ids={counted}", auth="")
        check(status == 401 and body["title"] == "Unauthorized", "the lookup checks auth")
        try:
            fake.set_counts(missing, likes=1)
            check(False, "set_counts of an unknown tweet")
        except KeyError:
            pass

        # --- mentions ---
        fields = ("tweet.fields=author_id,created_at,conversation_id,in_reply_to_user_id,"
                  "referenced_tweets&expansions=author_id&user.fields=username,name")
        root = fake.add_tweet("our post", created_at=now - day)["id"]
        m1 = fake.add_tweet("hey @Herald, nice", created_at=now - 20 * 3600,
                            author_id="2002")["id"]
        fake.add_tweet("@heraldic is someone else", created_at=now - 19 * 3600,
                       author_id="2003")
        fake.add_tweet("mail me at someone@herald", created_at=now - 19 * 3600,
                       author_id="2003")
        fake.add_tweet("@herald talking to myself", created_at=now - 18 * 3600)
        r1 = fake.add_tweet("agreed", created_at=now - 17 * 3600, reply_to=root,
                            author_id="2003")["id"]
        fake.add_tweet("a reply to bob, not to us", created_at=now - 16 * 3600, reply_to=r1,
                       author_id="2002")
        own_reply = fake.add_tweet("thanks!", created_at=now - 15 * 3600, reply_to=r1)["id"]
        m2 = fake.add_tweet("(@HERALD) again", created_at=now - 14 * 3600,
                            author_id="2002")["id"]
        status, headers, body = x.call("GET", f"/2/users/1001/mentions?max_results=5&{fields}")
        check(status == 200, f"mentions: {status} {body} {fake.last_auth_error}")
        check(headers["x-rate-limit-limit"] == "300", headers)
        ids = [t["id"] for t in body["data"]]
        check(ids == [m2, r1, m1, p2, p1], f"mentions: {ids} {body}")
        check(body["meta"] == {"result_count": 5, "newest_id": m2, "oldest_id": p1}, body)
        check(body["includes"] == {"users": [
            {"id": "2002", "name": "Alice A.", "username": "alice"},
            {"id": "2003", "name": "Bob B.", "username": "bob"}]}, body)
        reply = body["data"][1]
        check(reply["author_id"] == "2003" and reply["conversation_id"] == root
              and reply["in_reply_to_user_id"] == "1001"
              and reply["referenced_tweets"] == [{"type": "replied_to", "id": root}]
              and reply["created_at"].endswith("Z"), f"a reply to our tweet: {reply}")
        check("in_reply_to_user_id" not in body["data"][0]
              and body["data"][0]["conversation_id"] == m2, body["data"][0])
        status, _, body = x.call("GET", f"/2/users/1001/mentions?max_results=5&since_id={m1}"
                                        f"&{fields}")
        check([t["id"] for t in body["data"]] == [m2, r1], f"since_id: {body}")
        check(body["includes"]["users"] == [
            {"id": "2002", "name": "Alice A.", "username": "alice"},
            {"id": "2003", "name": "Bob B.", "username": "bob"}], body)
        status, _, body = x.call("GET", f"/2/users/1001/mentions?max_results=5&since_id={r1}"
                                        f"&{fields}")
        check([t["id"] for t in body["data"]] == [m2] and body["includes"] == {"users": [
            {"id": "2002", "name": "Alice A.", "username": "alice"}]},
            f"includes only the page's authors: {body}")
        status, _, body = x.call("GET", "/2/users/1001/mentions?max_results=5&since_id=999")
        check(len(body["data"]) == 5, "since_id compares numbers, not text")
        status, _, body = x.call("GET", f"/2/users/1001/mentions?max_results=5&since_id={m2}")
        check(status == 200 and body == {"meta": {"result_count": 0}}, body)
        status, _, body = x.call("GET", "/2/users/1001/mentions?max_results=5")
        check("includes" not in body and set(body["data"][0]) == {
            "id", "text", "edit_history_tweet_ids"}, f"fields only when asked: {body}")
        # Pages.
        more = [fake.add_tweet(f"@herald number {n}", created_at=now - 10 * 3600 + n,
                               author_id="2003")["id"] for n in range(4)]
        everything = list(reversed(more)) + [m2, r1, m1, p2, p1]
        seen, token = [], None
        while True:
            query = "max_results=5&expansions=author_id"
            if token:
                query += "&pagination_token=" + token
            status, _, body = x.call("GET", f"/2/users/1001/mentions?{query}")
            check(status == 200, f"mentions page: {body}")
            seen += [t["id"] for t in body["data"]]
            check(body["includes"]["users"], body)
            token = body["meta"].get("next_token")
            if not token:
                break
        check(seen == everything, f"mentions pages: {seen} {everything}")
        check(x.call("GET", "/2/users/1001/mentions?max_results=4")[0] == 400, "max_results 4")
        check(x.call("GET", "/2/users/1001/mentions?exclude=replies")[0] == 400, "unknown query")
        check(x.call("GET", "/2/users/1001/mentions?pagination_token=zz")[0] == 400, "bad token")
        status, _, body = x.call("GET", "/2/users/4242/mentions")
        check(status == 200 and body["errors"][0]["resource_type"] == "user", body)
        status, _, body = x.call("GET", "/2/users/2002/mentions?max_results=5")
        check(status == 200 and body == {"meta": {"result_count": 0}}, "another user's mentions")
        check(x.call("GET", "/2/users/1001/mentions", auth="Bearer nope")[0] == 401, "auth")

        # --- a conversation: GET /2/tweets/search/recent?query=conversation_id:<id> ---
        search = f"/2/tweets/search/recent?query=conversation_id%3A{root}"
        old = fake.add_tweet("eight days old", created_at=now - 8 * day, reply_to=root,
                             author_id="2002")["id"]
        six = fake.add_tweet("six days old", created_at=now - 6 * day, reply_to=root,
                             author_id="2002")["id"]
        elsewhere = fake.add_tweet("elsewhere", reply_to=counted, author_id="2003")["id"]
        status, headers, body = x.call(
            "GET", f"{search}&max_results=10&tweet.fields=author_id,conversation_id,created_at"
                   "&expansions=author_id&user.fields=username,name")
        check(status == 200, f"search: {status} {body} {fake.last_auth_error}")
        check(headers["x-rate-limit-limit"] == "300", headers)
        ids = [t["id"] for t in body["data"]]
        nested = [t["id"] for t in fake.tweets if t["text"] == "a reply to bob, not to us"][0]
        check(ids == [six, own_reply, nested, r1], f"conversation: {ids}")
        check(root not in ids and old not in ids and elsewhere not in ids, ids)
        check(all(t["conversation_id"] == root for t in body["data"]), body)
        check(body["includes"]["users"] == [
            {"id": "2002", "name": "Alice A.", "username": "alice"},
            {"id": "1001", "name": "Herald", "username": "herald"},
            {"id": "2003", "name": "Bob B.", "username": "bob"}], body)
        check(body["meta"] == {"result_count": 4, "newest_id": six, "oldest_id": r1}, body)
        status, _, body = x.call("GET", f"/2/tweets/search/recent?query=conversation_id:{root}")
        check(status == 200 and len(body["data"]) == 4 and "includes" not in body, body)
        # The window is the fake's clock: two days on, the six-day-old reply is gone.
        fake.now = int(now) + 2 * day
        status, _, body = x.call("GET", search, timestamp=fake.now)
        check(status == 200 and six not in [t["id"] for t in body["data"]]
              and len(body["data"]) == 3, f"7 days of the fake's clock: {body}")
        fake.now = None
        # Pages, with next_token in the request.
        many = [fake.add_tweet(f"reply {n}", reply_to=root, author_id="2003")["id"]
                for n in range(8)]
        everything = list(reversed(many)) + [six, own_reply, nested, r1]
        seen, token = [], None
        while True:
            query = f"{search}&max_results=10"
            if token:
                query += "&next_token=" + token
            status, _, body = x.call("GET", query)
            check(status == 200, f"search page: {body}")
            seen += [t["id"] for t in body["data"]]
            token = body["meta"].get("next_token")
            if not token:
                break
        check(seen == everything, f"search pages: {seen} {everything}")
        status, _, body = x.call("GET", f"/2/tweets/search/recent?query=conversation_id%3A{r1}")
        check(status == 200 and body == {"meta": {"result_count": 0}}, "not a root: nothing")
        check(x.call("GET", "/2/tweets/search/recent?query=from%3Aherald")[0] == 400,
              "another query")
        check(x.call("GET", f"{search}%20OR%20from%3Aherald")[0] == 400, "a compound query")
        check(x.call("GET", "/2/tweets/search/recent")[0] == 400, "no query")
        check(x.call("GET", f"{search}&max_results=5")[0] == 400, "max_results under 10")
        check(x.call("GET", f"{search}&exclude=replies")[0] == 400, "unknown query")
        check(x.call("GET", f"{search}&next_token=zz")[0] == 400, "bad next_token")
        week_ago = urllib.parse.quote(
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 8 * day)))
        check(x.call("GET", f"{search}&start_time={week_ago}")[0] == 400, "start_time > 7 days")
        check(x.call("GET", search, auth="")[0] == 401, "the search checks auth")


def check_chunked_upload():
    """INIT, APPEND in order, FINALIZE after all bytes, STATUS until processed (docs.x.com
    /x-api/media: initialize-, append-, finalize-media-upload, get-media-upload-status)."""
    with XFake() as fake:
        x = Client(fake)
        video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8

        def init(total=len(video), category="tweet_video", mime="video/mp4"):
            return x.call("POST", "/2/media/upload/initialize", {
                "media_type": mime, "total_bytes": total, "media_category": category})

        def append(media_id, index, chunk):
            data, content_type = multipart({"segment_index": index}, "blob", chunk,
                                           "application/octet-stream")
            return x.call("POST", f"/2/media/upload/{media_id}/append", data, content_type)

        def status(media_id):
            return x.call("GET", f"/2/media/upload?command=STATUS&media_id={media_id}")

        # The simple upload takes images only.
        data, content_type = multipart({"media_category": "tweet_video"}, "v.mp4", video,
                                       "video/mp4")
        status_code, _, body = x.call("POST", "/2/media/upload", data, content_type)
        check(status_code == 400 and "chunked" in body["detail"], f"simple video: {body}")

        # INIT's checks.
        check(init(category="tweet_sticker")[0] == 400, "bad category")
        check(init(mime="video/avi")[0] == 400, "bad media_type")
        check(init(total=512 * 1024 * 1024 + 1)[0] == 400, "over 512 MB")
        check(init(total=15 * 1024 * 1024 + 1, category="tweet_gif", mime="image/gif")[0] == 400,
              "a GIF over 15 MB")
        check(x.call("POST", "/2/media/upload/initialize", {"total_bytes": "10"})[0] == 400,
              "total_bytes as text")
        status_code, _, body = init()
        check(status_code == 200 and body["data"]["media_key"] == "7_" + body["data"]["id"],
              f"init: {body}")
        media_id = body["data"]["id"]
        check(fake.uploads[media_id]["total_bytes"] == len(video), fake.uploads)

        # APPEND: in order, within total_bytes, at most 5 MB a segment; FINALIZE after all bytes.
        half = len(video) // 2
        check(append(media_id, 1, video[:half])[0] == 400, "segment 1 before 0")
        check(append("1234", 0, video[:half])[0] == 400, "unknown upload")
        check(append(media_id, 0, video[:half])[0] == 200, "segment 0")
        check(append(media_id, 0, video[half:])[0] == 400, "segment 0 again")
        check(append(media_id, 1, video[half:] + b"extra")[0] == 400, "over total_bytes")
        check(x.call("POST", f"/2/media/upload/{media_id}/finalize")[0] == 400,
              "FINALIZE before all bytes")
        check(media_id not in fake.media, "no media before FINALIZE")
        status_code, _, body = x.call("POST", "/2/media/upload/initialize", {
            "media_type": "video/mp4", "total_bytes": 6 * 1024 * 1024,
            "media_category": "tweet_video"})
        big = body["data"]["id"]
        check(append(big, 0, b"\x00" * (5 * 1024 * 1024 + 1))[0] == 400, "a segment over 5 MB")
        check(append(media_id, 1, video[half:])[0] == 200, "segment 1")
        check(fake.uploads[media_id]["segments"] == [video[:half], video[half:]], "in order")

        # FINALIZE: pending, then one STATUS in progress, then succeeded; a tweet only after.
        status_code, _, body = x.call("POST", f"/2/media/upload/{media_id}/finalize")
        check(status_code == 200 and body["data"]["processing_info"] == {
            "state": "pending", "check_after_secs": 1, "progress_percent": 0}, f"final: {body}")
        check(fake.media[media_id]["data"] == video, "reassembled")
        check(append(media_id, 2, b"x")[0] == 400, "APPEND after FINALIZE")
        status_code, _, body = x.call("POST", "/2/tweets", {
            "text": "too soon", "media": {"media_ids": [media_id]}})
        check(status_code == 400 and "not processed" in body["detail"], f"unprocessed: {body}")
        check(status(media_id)[2]["data"]["processing_info"]["state"] == "in_progress", "poll 1")
        check(status(media_id)[2]["data"]["processing_info"] == {
            "state": "succeeded", "progress_percent": 100}, "poll 2")
        check(x.call("GET", "/2/media/upload?media_id=" + media_id)[0] == 400, "no command")
        check(status("1234")[0] == 400, "STATUS of unknown media")
        status_code, _, body = x.call("POST", "/2/tweets", {
            "text": "a video", "media": {"media_ids": [media_id]}})
        check(status_code == 201, f"tweet with the video: {body}")

        # A processing failure, as X's STATUS answer shows it.
        fake.fail_processing("Unsupported video format")
        fake.processing_polls = 0
        media_id = init()[2]["data"]["id"]
        append(media_id, 0, video)
        body = x.call("POST", f"/2/media/upload/{media_id}/finalize")[2]
        check(body["data"]["processing_info"]["state"] == "failed"
              and body["data"]["processing_info"]["error"]["message"] ==
              "Unsupported video format", f"failed: {body}")
        check(x.call("POST", "/2/tweets", {"text": "failed", "media": {
            "media_ids": [media_id]}})[0] == 400, "a failed video cannot be posted")
        check(x.call("POST", "/2/media/upload/initialize", {"media_type": "video/mp4"},
                     auth="")[0] == 401, "INIT checks auth")


def main():
    check_vectors()
    check_weights()
    check_chunked_upload()
    with XFake(bearer="user-bearer-t0ken") as fake:
        x = Client(fake)
        rate_headers = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")

        # A good signed GET, with a query parameter in the signature.
        status, headers, body = x.call("GET", "/2/users/me?user.fields=public_metrics")
        check(status == 200, f"users/me: {status} {body} {fake.last_auth_error}")
        check(body["data"]["username"] == "herald" and body["data"]["id"] == "1001", body)
        check(body["data"]["public_metrics"]["followers_count"] == 0, body)
        check(all(h in {k.lower() for k in headers} for h in rate_headers), headers)
        check(headers["Content-Type"] == "application/json", headers)
        check(fake.last_base_string.startswith(
            "GET&" + enc(fake.url("/2/users/me")) + "&oauth_consumer_key%3Dck%26"),
            fake.last_base_string)
        check("user.fields%3Dpublic_metrics" in fake.last_base_string, fake.last_base_string)
        fake.followers = 321
        status, _, body = x.call("GET", "/2/users/me?user.fields=public_metrics", realm="X")
        check(body["data"]["public_metrics"]["followers_count"] == 321, body)
        status, _, body = x.call("GET", "/2/users/me")
        check(status == 200 and "public_metrics" not in body["data"], body)

        # Refusals: 401 problem+json.
        unauthorized = {"title": "Unauthorized", "type": "about:blank", "status": 401,
                        "detail": "Unauthorized"}

        def refused(what, **kwargs):
            status, headers, body = x.call("GET", "/2/users/me", **kwargs)
            check(status == 401 and body == unauthorized, f"{what}: {status} {body}")
            check(headers["Content-Type"] == "application/problem+json", headers)
            check("x-rate-limit-reset" in {k.lower() for k in headers}, headers)
            return fake.last_auth_error

        auth, _ = sign("GET", fake.url("/2/users/me"), "ck", "cs", "at", "ats")
        tampered = auth.replace('oauth_signature="', 'oauth_signature="A')
        check("signature" in refused("wrong signature", auth=tampered), fake.last_auth_error)
        check("signature" in refused("wrong secret", auth=sign(
            "GET", fake.url("/2/users/me"), "ck", "wrong", "at", "ats")[0]), "wrong secret")
        check("consumer_key" in refused("wrong key", auth=sign(
            "GET", fake.url("/2/users/me"), "ck2", "cs", "at", "ats")[0]), "wrong key")
        replay, _ = sign("GET", fake.url("/2/users/me"), "ck", "cs", "at", "ats", nonce="n-1")
        check(x.call("GET", "/2/users/me", auth=replay)[0] == 200, "the nonce's first use")
        check("replayed" in refused("replayed nonce", auth=replay), fake.last_auth_error)
        check("timestamp" in refused("old timestamp", timestamp=int(time.time()) - 301),
              fake.last_auth_error)
        check("version" in refused("version", version="2.0"), fake.last_auth_error)
        refused("no auth", auth="")
        refused("wrong bearer", auth="Bearer nope")
        fake.now = 1_780_000_000
        check(x.call("GET", "/2/users/me", timestamp=1_780_000_000 - 299)[0] == 200, "fake.now")
        check("timestamp" in refused("now", timestamp=1_780_000_000 + 301), "fake.now window")
        status, headers, _ = x.call("GET", "/2/users/me", timestamp=1_780_000_000)
        check(int(headers["x-rate-limit-reset"]) >= 1_780_000_000, headers)
        fake.now = None
        # A form body is signed; a JSON one is not.
        status, _, body = x.call("POST", "/2/tweets", form={"text": "a form + spaces"})
        check(status == 400 and "application/json" in body["detail"],
              f"a signed form passes auth: {status} {body} {fake.last_auth_error}")
        unsigned_form = sign("POST", fake.url("/2/tweets"), "ck", "cs", "at", "ats")[0]
        check(x.call("POST", "/2/tweets", form={"text": "x"}, auth=unsigned_form)[0] == 401,
              "a form left out of the signature")

        # Bearer.
        status, _, body = x.call("GET", "/2/users/me", auth="Bearer user-bearer-t0ken")
        check(status == 200 and body["data"]["name"] == "Herald", body)

        # Posting; a duplicate; the limits.
        status, headers, body = x.call("POST", "/2/tweets", {"text": "Hello from herald"})
        check(status == 201, f"post: {status} {body}")
        first = body["data"]["id"]
        check(first == "1900000000000000001", first)
        check(body["data"] == {"id": first, "text": "Hello from herald",
                               "edit_history_tweet_ids": [first]}, body)
        check(fake.tweets[0]["author_id"] == "1001" and fake.tweets[0]["created_at"].endswith("Z"),
              fake.tweets)
        status, _, body = x.call("POST", "/2/tweets", {"text": "Hello from herald"})
        check(status == 403 and body == {
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank", "title": "Forbidden", "status": 403}, f"duplicate: {body}")
        status, headers, body = x.call("POST", "/2/tweets", {"text": "x" * 281})
        check(status == 400 and "text is too long" in body["detail"]
              and body["type"] == "https://api.twitter.com/2/problems/invalid-request"
              and headers["Content-Type"] == "application/problem+json", body)
        status, _, _ = x.call("POST", "/2/tweets", {"text": "y" * 256 + " https://example.com/"
                                                   + "z" * 300})
        check(status == 201, "280 with a long URL")
        check(x.call("POST", "/2/tweets", {"text": "t", "poll": {}})[0] == 400, "unknown field")
        check(x.call("POST", "/2/tweets", {})[0] == 400, "no text")
        check(x.call("POST", "/2/tweets", b'{"text":"t"}', "text/plain")[0] == 400, "not JSON")
        check(x.call("POST", "/2/tweets", {"text": "r", "reply": {
            "in_reply_to_tweet_id": "1899999999999999999"}})[0] == 400, "reply to nothing")

        # A reply.
        status, _, body = x.call("POST", "/2/tweets", {"text": "and a reply", "reply": {
            "in_reply_to_tweet_id": first}}, auth="Bearer user-bearer-t0ken")
        check(status == 201 and fake.tweet(body["data"]["id"])["reply_to"] == first, body)

        # Upload, alt text, a tweet with the media.
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
        data, content_type = multipart({"media_category": "tweet_image"}, "a.png", png,
                                       "image/png")
        status, _, body = x.call("POST", "/2/media/upload", data, content_type)
        check(status == 200, f"upload: {status} {body} {fake.last_auth_error}")
        media_id = body["data"]["id"]
        check(body["data"] == {"id": media_id, "media_key": f"3_{media_id}", "size": len(png),
                               "expires_after_secs": 86400, "image": {"image_type": "image/png"}},
              body)
        check(fake.media[media_id]["data"] == png and fake.media[media_id]["mime"] == "image/png",
              fake.media)
        data, content_type = multipart({"media_category": "tweet_sticker"}, "a.png", png,
                                       "image/png")
        check(x.call("POST", "/2/media/upload", data, content_type)[0] == 400, "bad category")
        data, content_type = multipart({"media_category": "tweet_image"}, "big.png",
                                       png + b"\0" * (5 * 1024 * 1024), "image/png")
        check(x.call("POST", "/2/media/upload", data, content_type)[0] == 400, "over 5 MB")
        status, _, body = x.call("POST", "/2/media/metadata", {
            "id": media_id, "metadata": {"alt_text": {"text": "a test card"}}})
        check(status == 200 and body == {"data": {"id": media_id, "associated_metadata": {
            "alt_text": {"text": "a test card"}}}}, f"metadata: {status} {body}")
        check(x.call("POST", "/2/media/metadata", {"id": "1", "metadata": {
            "alt_text": {"text": "x"}}})[0] == 400, "metadata of unknown media")
        check(x.call("POST", "/2/media/metadata", {"id": media_id, "metadata": {
            "alt_text": {"text": "x" * 1001}}})[0] == 400, "alt text over 1000")
        status, _, body = x.call("POST", "/2/tweets", {"text": "with a picture",
                                                       "media": {"media_ids": [media_id]}})
        check(status == 201, f"tweet with media: {status} {body}")
        check(fake.tweet(body["data"]["id"])["media_ids"] == [media_id], fake.tweets)
        check(fake.media[media_id]["alt_text"] == "a test card", fake.media)
        check(x.call("POST", "/2/tweets", {"media": {"media_ids": [media_id]}})[0] == 201,
              "media without text")
        check(x.call("POST", "/2/tweets", {"text": "five", "media": {
            "media_ids": [media_id] * 5}})[0] == 400, "five media")
        check(x.call("POST", "/2/tweets", {"text": "unknown media", "media": {
            "media_ids": ["123"]}})[0] == 400, "unknown media")

        # The timeline, newest first, in pages.
        for n in range(7):
            check(x.call("POST", "/2/tweets", {"text": f"post {n}"})[0] == 201, f"post {n}")
        mine = sorted((t["id"] for t in fake.tweets), key=int, reverse=True)
        seen, token, pages = [], None, 0
        while True:
            query = "max_results=5&tweet.fields=created_at"
            if token:
                query += "&pagination_token=" + token
            status, _, body = x.call("GET", f"/2/users/1001/tweets?{query}")
            check(status == 200, f"timeline: {status} {body}")
            pages += 1
            ids = [t["id"] for t in body["data"]]
            check(body["meta"]["result_count"] == len(ids) and body["meta"]["newest_id"] == ids[0]
                  and body["meta"]["oldest_id"] == ids[-1], body["meta"])
            check(all(t["created_at"].endswith("Z") and "." in t["created_at"]
                      and t["edit_history_tweet_ids"] == [t["id"]] for t in body["data"]), body)
            seen += ids
            token = body["meta"].get("next_token")
            if not token:
                break
        check(seen == mine and pages == -(-len(mine) // 5), f"pages: {seen} {mine}")
        status, _, body = x.call("GET", "/2/users/1001/tweets?max_results=4")
        check(status == 400, "max_results under 5")
        status, _, body = x.call("GET", "/2/users/1001/tweets?max_results=5&start_time="
                                 + urllib.parse.quote("2999-01-01T00:00:00Z"))
        check(status == 200 and body == {"meta": {"result_count": 0}}, body)
        status, _, body = x.call("GET", "/2/users/1001/tweets?max_results=100")
        check("created_at" not in body["data"][0], "created_at only when asked for")

        # 429 while rate_limited_until is set, with its reset.
        reset = int(time.time()) + 600
        fake.rate_limited_until = reset
        status, headers, body = x.call("POST", "/2/tweets", {"text": "limited"})
        check(status == 429 and headers["x-rate-limit-remaining"] == "0"
              and headers["x-rate-limit-reset"] == str(reset)
              and body["title"] == "Too Many Requests", f"429: {status} {headers} {body}")
        fake.rate_limited_until = None
        check(x.call("POST", "/2/tweets", {"text": "limited"})[0] == 201, "after the limit")

        # Faults from the base, and a lost answer.
        fake.fail_next(1, 503, body={"title": "Service Unavailable"})
        check(x.call("GET", "/2/users/me")[0] == 503, "fail_next")
        fake.rate_limit_next(1, reset)
        status, headers, _ = x.call("GET", "/2/users/me")
        check(status == 429 and headers["x-rate-limit-reset"] == str(reset), "rate_limit_next")
        fake.lose_next_tweets(1)
        count = len(fake.tweets)
        try:
            x.call("POST", "/2/tweets", {"text": "lost answer"})
            check(False, "a lost answer")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        check(len(fake.tweets) == count + 1 and fake.tweets[-1]["text"] == "lost answer",
              "stored though lost")
        check(x.call("GET", "/2/nothing")[0] == 404, "404")
    check_reads()
    print("OK")


if __name__ == "__main__":
    main()
