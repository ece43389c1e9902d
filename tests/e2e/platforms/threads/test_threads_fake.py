"""The Threads fake checked against Meta's documented behaviour (ctest e2e-threads_fake), so that
the Threads suites' verdicts rest on a fake that is right: it drives the fake (and its
MediaServer) over urllib and prints OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/threads/test_threads_fake.py
"""

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import MediaServer, ThreadsFake, iso8601, links, parse_time, text_length  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
DAY = 86400
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(condition, what):
    if not condition:
        raise AssertionError(what)


class Client:
    """Calls the fake with the token as the access_token query parameter (auth="query"), body
    field ("form"), Bearer header ("bearer") or not at all (None)."""

    def __init__(self, fake):
        self.fake = fake

    def call(self, method, path, query=None, form=None, auth="query", token=None,
             json_body=None, raw=None, content_type=None):
        token = self.fake.token if token is None else token
        query = dict(query or {})
        headers = {}
        if auth == "query":
            query["access_token"] = token
        elif auth == "bearer":
            headers["Authorization"] = f"Bearer {token}"
        elif auth == "form":
            form = dict(form or {}, access_token=token)
        url = self.fake.url(path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with NO_PROXY.open(request, timeout=20) as answer:
                body = answer.read()
                return answer.status, dict(answer.headers), json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            body = error.read()
            return error.code, dict(error.headers), json.loads(body) if body else None

    def get(self, path, **query):
        return self.call("GET", path, query=query)

    def create(self, **form):
        return self.call("POST", "/v1.0/me/threads", form=form)

    def publish(self, container_id, user="me"):
        return self.call("POST", f"/v1.0/{user}/threads_publish",
                         form={"creation_id": container_id})

    def status(self, container_id):
        return self.get(f"/v1.0/{container_id}", fields="status,error_message")


def graph_error(answer, code, subcode=None, status=400):
    got_status, headers, body = answer
    check(got_status == status, f"status {got_status}, not {status}: {body}")
    check(isinstance(body, dict) and set(body) == {"error"}, f"a Graph error: {body}")
    error = body["error"]
    check(error["code"] == code, f"code {error.get('code')}, not {code}: {body}")
    check(error.get("error_subcode") == subcode, f"subcode {error.get('error_subcode')}: {body}")
    check(isinstance(error["message"], str) and error["message"]
          and isinstance(error["type"], str) and len(error["fbtrace_id"]) > 8, body)
    check(headers["Content-Type"].startswith("application/json"), headers)
    return error


def check_helpers():
    check(text_length("a" * 500) == 500, "ASCII")
    check(text_length("日本語") == 3, "CJK counts one a character")
    check(text_length("\U0001F44D") == 4, "an emoji: its UTF-8 bytes")
    check(text_length("\u2764\uFE0F") == 6, "an emoji presentation sequence")
    check(text_length("\U0001F44D\U0001F3FD") == 8, "a skin tone")
    check(text_length("\U0001F468\u200D\U0001F469\u200D\U0001F467") == 18, "a ZWJ family")
    check(text_length("\U0001F1EB\U0001F1F7") == 8, "a flag")
    check(text_length("1\uFE0F\u20E3") == 7, "a keycap")
    check(text_length("e\u0301") == 1, "a combining accent")
    check(text_length("hi \U0001F44B there") == 13, "mixed")
    check(links("see https://a.example/x, https://a.example/x and www.b.example.") ==
          ["https://a.example/x", "www.b.example"], links("see https://a.example/x"))
    check(links("no links here") == [], "no links")
    check(iso8601(1796112000) == "2026-12-01T08:00:00+0000", iso8601(1796112000))
    check(parse_time("2026-12-01T08:00:00+0000") == 1796112000, "ISO with +0000")
    check(parse_time("2026-12-01T09:00:00+01:00") == 1796112000, "ISO with +01:00")
    check(parse_time("2026-12-01T08:00:00Z") == 1796112000, "ISO with Z")
    check(parse_time("2026-12-01") == 1796083200, "a date")
    check(parse_time("1796112000") == 1796112000, "Unix")
    check(parse_time("yesterday") is None and parse_time("2026-13-01") is None, "bad")


def check_auth_and_profile(fake, api):
    # Missing and wrong tokens: 400, code 190.
    error = graph_error(api.call("GET", "/v1.0/me", auth=None), 190)
    check(error["message"] == "Invalid OAuth access token - Cannot parse access token"
          and error["type"] == "OAuthException", error)
    graph_error(api.call("GET", "/v1.0/me", token="th-wrong"), 190)
    graph_error(api.call("GET", "/v1.0/me", auth="bearer", token="th-wrong"), 190)
    check(fake.last_error["error"]["code"] == 190, fake.last_error)
    # The token in the query, the body, or a Bearer header.
    status, headers, body = api.call("GET", "/v1.0/me", query={
        "fields": "id,username,name,threads_profile_picture_url,threads_biography"})
    check(status == 200 and body["id"] == fake.user_id and body["username"] == "herald"
          and body["name"] == "Herald" and "threads_profile_picture_url" in body
          and body["threads_biography"] == "", f"me: {status} {body}")
    status, _, body = api.call("GET", "/v1.0/me", query={"fields": "username"}, auth="bearer")
    check(status == 200 and body == {"username": "herald", "id": fake.user_id}, f"bearer: {body}")
    status, _, body = api.call("GET", "/v1.0/me", auth="bearer")
    check(status == 200 and body == {"id": fake.user_id}, f"default fields: {body}")
    status, _, body = api.call("POST", "/v1.0/me/threads", form={"media_type": "TEXT",
                                                                 "text": "form token"},
                               auth="form")
    check(status == 200 and body["id"].isdigit(), f"the token in the body: {status} {body}")
    error = graph_error(api.get("/v1.0/me", fields="id,email"), 100)
    check("nonexisting field (email)" in error["message"], error)
    # HEAD answers as GET, without a body.
    request = urllib.request.Request(fake.url("/v1.0/me?access_token=" + fake.token),
                                     method="HEAD")
    with NO_PROXY.open(request, timeout=10) as answer:
        check(answer.status == 200 and answer.read() == b""
              and int(answer.headers["Content-Length"]) > 0, "HEAD")
    # And a request after it on a new connection still works.
    check(api.get("/v1.0/me")[0] == 200, "after HEAD")


def check_text_posts(fake, api):
    # Create, read the status, publish, read the post.
    status, _, body = api.create(media_type="TEXT", text="Hello from herald https://x.example/a")
    check(status == 200 and set(body) == {"id"} and body["id"].isdigit(), f"create: {body}")
    container_id = body["id"]
    container = fake.containers[container_id]
    check(container["status"] == "FINISHED" and container["media_type"] == "TEXT"
          and container["text"] == "Hello from herald https://x.example/a"
          and container["reply_to_id"] is None and container["polls"] == 0, container)
    status, _, body = api.status(container_id)
    check(status == 200 and body == {"status": "FINISHED", "id": container_id},
          f"a FINISHED container has no error_message: {body}")
    check(fake.containers[container_id]["polls"] == 1, "polls counted")
    before = fake.quota_usage
    status, _, body = api.publish(container_id, user=fake.user_id)
    check(status == 200 and set(body) == {"id"} and body["id"].isdigit(), f"publish: {body}")
    post_id = body["id"]
    check(post_id != container_id and post_id not in fake.containers, "separate ids")
    check(fake.quota_usage == before + 1, "the quota counts the post")
    post = fake.post(post_id)
    check(post["text"] == "Hello from herald https://x.example/a"
          and post["media_type"] == "TEXT_POST" and post["username"] == "herald"
          and post["reply_to_id"] is None and post["image_urls"] == []
          and post["alt_texts"] == [], post)
    check(fake.containers[container_id]["status"] == "PUBLISHED"
          and fake.containers[container_id]["published_id"] == post_id, fake.containers)
    check(api.status(container_id)[2]["status"] == "PUBLISHED", "PUBLISHED when read")
    status, _, body = api.get(f"/v1.0/{post_id}", fields="id,permalink,shortcode,text,timestamp,"
                                                         "media_type,username,owner,is_reply,"
                                                         "link_attachment_url")
    check(status == 200, f"read: {body}")
    code = body["shortcode"]
    check(code.isalnum() and body["permalink"] == f"https://www.threads.net/@herald/post/{code}"
          and code == post["shortcode"] and body["permalink"] == post["permalink"], body)
    check(parse_time(body["timestamp"]) is not None and body["timestamp"].endswith("+0000")
          and len(body["timestamp"]) == 24, body["timestamp"])
    check(body["media_type"] == "TEXT_POST" and body["username"] == "herald"
          and body["owner"] == {"id": fake.user_id} and body["is_reply"] is False
          and body["link_attachment_url"] == "https://x.example/a", body)
    status, _, body = api.get(f"/v1.0/{post_id}")
    check(body == {"id": post_id}, f"id by default: {body}")
    error = graph_error(api.get(f"/v1.0/{post_id}", fields="id,likes_count"), 100)
    check("nonexisting field (likes_count)" in error["message"], error)
    # Publishing it again: refused, and nothing more is published.
    count = len(fake.posts)
    graph_error(api.publish(container_id), 100)
    check(len(fake.posts) == count, "not published twice")
    # The parameters in the query string; in JSON; in multipart.
    status, _, body = api.call("POST", "/v1.0/me/threads",
                               query={"media_type": "TEXT", "text": "in the query"})
    check(status == 200 and fake.containers[body["id"]]["text"] == "in the query", body)
    status, _, body = api.call("POST", "/v1.0/me/threads",
                               json_body={"media_type": "TEXT", "text": "in JSON"})
    check(status == 200 and fake.containers[body["id"]]["text"] == "in JSON", body)
    boundary = "b" + secrets.token_hex(8)
    multipart = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                        f"{v}\r\n" for k, v in (("media_type", "TEXT"), ("text", "multipart"),
                                                 ("access_token", fake.token)))
    multipart += f"--{boundary}--\r\n"
    status, _, body = api.call("POST", "/v1.0/me/threads", auth=None, raw=multipart.encode(),
                               content_type=f"multipart/form-data; boundary={boundary}")
    check(status == 200 and fake.containers[body["id"]]["text"] == "multipart", body)

    # The text's limits: 500, an emoji its UTF-8 bytes; 5 distinct links.
    check(api.create(media_type="TEXT", text="a" * 500)[0] == 200, "500 characters")
    check(api.create(media_type="TEXT", text="a" * 496 + "\U0001F44D")[0] == 200, "496 + 4")
    error = graph_error(api.create(media_type="TEXT", text="a" * 497 + "\U0001F44D"), 100)
    check("500" in error["message"], error)
    graph_error(api.create(media_type="TEXT", text="b" * 501), 100)
    check(api.create(media_type="TEXT", text="日" * 500)[0] == 200, "500 CJK characters")
    five = " ".join(f"https://l{n}.example/" for n in range(5))
    check(api.create(media_type="TEXT", text=five + " https://l0.example/")[0] == 200,
          "5 links, one repeated")
    error = graph_error(api.create(media_type="TEXT", text=five + " https://l5.example/"), 100)
    check(error["error_user_title"] == "THREADS_API__LINK_LIMIT_EXCEEDED", error)
    # The other refusals.
    graph_error(api.create(text="no media type"), 100)
    graph_error(api.create(media_type="POLL", text="x"), 100)
    graph_error(api.create(media_type="TEXT"), 100)
    graph_error(api.create(media_type="TEXT", text="x", reply_to_id="18029999999999999"), 100)
    graph_error(api.create(media_type="TEXT", text="t", is_carousel_item="true"), 100)
    graph_error(api.publish("17899999999999999"), 24, 4279009)
    graph_error(api.call("POST", "/v1.0/me/threads_publish", form={}), 100)


def check_media(fake, api, media):
    shot = media.put("/media/shot.png", PNG, "image/png")
    # HEAD and GET of the media server.
    request = urllib.request.Request(shot, method="HEAD")
    with NO_PROXY.open(request, timeout=10) as answer:
        check(answer.status == 200 and answer.headers["Content-Type"] == "image/png"
              and answer.headers["Content-Length"] == str(len(PNG)) and answer.read() == b"",
              "media HEAD")
    with NO_PROXY.open(shot, timeout=10) as answer:
        check(answer.read() == PNG, "media GET")
    try:
        NO_PROXY.open(media.url("/media/none.png"), timeout=10)
        check(False, "404 for an unknown file")
    except urllib.error.HTTPError as error:
        check(error.code == 404, error.code)
    try:
        NO_PROXY.open(urllib.request.Request(shot, data=b"x", method="POST"), timeout=10)
        check(False, "405 for POST")
    except urllib.error.HTTPError as error:
        check(error.code == 405, error.code)

    # An image post: fetched, IN_PROGRESS for one status read, then FINISHED.
    fetches = len(fake.fetches)
    status, _, body = api.create(media_type="IMAGE", image_url=shot, text="a picture",
                                 alt_text="a test card")
    check(status == 200, f"image: {body}")
    image = body["id"]
    check(fake.fetches[fetches:] == [{"url": shot, "status": 200, "content_type": "image/png"}],
          fake.fetches)
    got = [r for r in media.requests if r.method == "GET" and r.path == "/media/shot.png"]
    check("facebookexternalhit" in got[-1].headers.get("user-agent", ""), got[-1].headers)
    check(fake.containers[image]["status"] == "IN_PROGRESS", fake.containers[image])
    error = graph_error(api.publish(image), 24, 4279009)
    check(error["message"] == "The requested resource does not exist"
          and error["error_user_title"] == "Media Not Found", error)
    check(api.status(image)[2] == {"id": image, "status": "IN_PROGRESS"}, "the first read")
    check(api.status(image)[2] == {"id": image, "status": "FINISHED"}, "the second read")
    status, _, body = api.get(f"/v1.0/{image}", fields="id")
    check(body == {"id": image} and fake.containers[image]["polls"] == 2,
          "a read without status is no poll")
    status, _, body = api.publish(image)
    check(status == 200, f"publish the image: {body}")
    post = fake.post(body["id"])
    check(post["media_type"] == "IMAGE" and post["image_urls"] == [shot]
          and post["alt_texts"] == ["a test card"] and post["text"] == "a picture", post)
    status, _, body = api.get(f"/v1.0/{post['id']}", fields="media_type,media_url,alt_text,text")
    check(body == {"media_type": "IMAGE", "media_url": shot, "alt_text": "a test card",
                   "text": "a picture", "id": post["id"]}, body)
    # processing_polls=3: three IN_PROGRESS reads.
    fake.processing_polls = 3
    image = api.create(media_type="IMAGE", image_url=shot)[2]["id"]
    statuses = [api.status(image)[2]["status"] for _ in range(4)]
    check(statuses == ["IN_PROGRESS"] * 3 + ["FINISHED"], statuses)
    fake.processing_polls = 1

    # Images that cannot be fetched: ERROR after the reads, with error_message.
    def failing(url, why):
        status, _, body = api.create(media_type="IMAGE", image_url=url)
        check(status == 200, f"{why}: {body}")
        container_id = body["id"]
        check(api.status(container_id)[2]["status"] == "IN_PROGRESS", why)
        check(api.status(container_id)[2] == {"id": container_id, "status": "ERROR",
                                              "error_message": "UNKNOWN"}, why)
        graph_error(api.publish(container_id), 24, 4279009)

    failing(media.url("/media/missing.png"), "404")
    check(fake.fetches[-1]["status"] == 404, fake.fetches[-1])
    media.put("/media/page.html", b"<html></html>", "text/html")
    failing(media.url("/media/page.html"), "not an image")
    media.fail_next(1, 500, body=b"oops")
    failing(shot, "500")
    started = time.time()
    media.delay_next(1, 6)
    failing(shot, "over 5 s")
    check(5 <= time.time() - started < 10, "the fetch gave up after 5 s")
    graph_error(api.create(media_type="IMAGE", text="no url"), 100)
    graph_error(api.create(media_type="IMAGE", image_url="ftp://example/x.png"), 100)
    graph_error(api.create(media_type="IMAGE", image_url=shot, alt_text="a" * 1001), 100)
    check(api.create(media_type="IMAGE", image_url=shot, alt_text="a" * 1000)[0] == 200, "1000")
    # A video: video/* expected, FAILED_DOWNLOADING_VIDEO otherwise.
    clip = media.put("/media/clip.mp4", b"\0\0\0\x18ftypmp42", "video/mp4")
    video = api.create(media_type="VIDEO", video_url=clip)[2]["id"]
    api.status(video)
    check(api.status(video)[2]["status"] == "FINISHED", "a video")
    video = api.create(media_type="VIDEO", video_url=shot)[2]["id"]
    api.status(video)
    check(api.status(video)[2].get("error_message") == "FAILED_DOWNLOADING_VIDEO", "not a video")

    # A carousel: items first (FINISHED), then the carousel; it counts one post.
    fake.processing_polls = 0
    second = media.put("/media/two.png", PNG, "image/png")
    items = [api.create(media_type="IMAGE", image_url=u, is_carousel_item="true",
                        alt_text=f"alt {n}")[2]["id"] for n, u in enumerate((shot, second))]
    check(all(fake.containers[i]["status"] == "FINISHED" and fake.containers[i]["is_carousel_item"]
              for i in items), "processing_polls=0: FINISHED at once")
    graph_error(api.publish(items[0]), 100)  # an item alone
    graph_error(api.create(media_type="CAROUSEL", children=items[0]), 100)
    graph_error(api.create(media_type="CAROUSEL", children=",".join(items * 11)), 100)
    graph_error(api.create(media_type="CAROUSEL", children=f"{items[0]},17899999999999999"), 100)
    text_container = api.create(media_type="TEXT", text="not an item")[2]["id"]
    graph_error(api.create(media_type="CAROUSEL", children=f"{items[0]},{text_container}"), 100)
    fake.processing_polls = 1
    pending = api.create(media_type="IMAGE", image_url=shot, is_carousel_item="true")[2]["id"]
    graph_error(api.create(media_type="CAROUSEL", children=f"{items[0]},{pending}"), 100)
    status, _, body = api.create(media_type="CAROUSEL", children=",".join(items),
                                 text="two pictures")
    check(status == 200, f"carousel: {body}")
    carousel = body["id"]
    check(fake.containers[carousel]["children"] == items
          and api.status(carousel)[2]["status"] == "FINISHED", fake.containers[carousel])
    before = fake.quota_usage
    status, _, body = api.publish(carousel)
    check(status == 200 and fake.quota_usage == before + 1, "a carousel counts 1")
    post = fake.post(body["id"])
    check(post["media_type"] == "CAROUSEL_ALBUM" and post["image_urls"] == [shot, second]
          and post["alt_texts"] == ["alt 0", "alt 1"], post)
    status, _, body = api.get(f"/v1.0/{post['id']}", fields="media_type,children")
    check(body == {"media_type": "CAROUSEL_ALBUM", "id": post["id"],
                   "children": {"data": [{"id": items[0]}, {"id": items[1]}]}}, body)


def check_replies_and_quota(fake, api):
    root = fake.own_posts()[0]["id"]
    graph_error(api.create(media_type="TEXT", text="r", reply_to_id="18029999999999999"), 100)
    container_id = api.create(media_type="TEXT", text="and a reply", reply_to_id=root)[2]["id"]
    check(fake.containers[container_id]["reply_to_id"] == root, "reply_to_id kept")
    posts, replies = fake.quota_usage, fake.reply_quota_usage
    status, _, body = api.publish(container_id)
    check(status == 200 and fake.quota_usage == posts and fake.reply_quota_usage == replies + 1,
          "a reply counts in the reply quota only")
    reply = body["id"]
    status, _, body = api.get(f"/v1.0/{reply}", fields="id,is_reply,replied_to,root_post,owner")
    check(body == {"id": reply, "is_reply": True, "replied_to": {"id": root},
                   "root_post": {"id": root}}, body)

    # The publishing limit: the fields asked for only.
    fake.quota_usage = 249
    status, _, body = api.get(f"/v1.0/{fake.user_id}/threads_publishing_limit",
                              fields="quota_usage,config,reply_quota_usage,reply_config")
    check(status == 200 and body == {"data": [{
        "quota_usage": 249, "config": {"quota_total": 250, "quota_duration": 86400},
        "reply_quota_usage": fake.reply_quota_usage,
        "reply_config": {"quota_total": 1000, "quota_duration": 86400}}]}, body)
    status, _, body = api.get("/v1.0/me/threads_publishing_limit", fields="quota_usage")
    check(body == {"data": [{"quota_usage": 249}]}, body)
    graph_error(api.get("/v1.0/me/threads_publishing_limit", fields="quota_usage,nope"), 100)
    check(api.publish(api.create(media_type="TEXT", text="the 250th")[2]["id"])[0] == 200, "250")
    check(fake.quota_usage == 250, fake.quota_usage)
    over = api.create(media_type="TEXT", text="the 251st")[2]["id"]
    error = graph_error(api.publish(over), 4)
    check(error["message"] == "Application request limit reached", error)
    check(fake.containers[over]["status"] == "FINISHED", "still publishable later")
    # Replies are apart: a reply still goes out; its own quota has 1,000.
    reply_container = api.create(media_type="TEXT", text="reply", reply_to_id=root)[2]["id"]
    check(api.publish(reply_container)[0] == 200, "a reply over the post quota")
    fake.reply_quota_usage = 1000
    reply_container = api.create(media_type="TEXT", text="reply", reply_to_id=root)[2]["id"]
    graph_error(api.publish(reply_container), 4)
    # A moving 24 h on the fake's clock.
    now = [time.time()]
    fake.clock = lambda: now[0]
    now[0] += DAY + 1
    check(fake.quota_usage == 0 and fake.reply_quota_usage == 0, "24 h later")
    # ... by then the container has EXPIRED.
    check(api.status(over)[2] == {"id": over, "status": "EXPIRED"}, "EXPIRED after 24 h")
    graph_error(api.publish(over), 24, 4279009)
    fresh = api.create(media_type="TEXT", text="fresh")[2]["id"]
    check(api.publish(fresh)[0] == 200 and fake.quota_usage == 1, "after the window")
    check(fake.post(fake.containers[fresh]["published_id"])["timestamp"] == iso8601(now[0]),
          "timestamps from the fake's clock")
    fake.clock = time.time
    fake.quota_usage = fake.reply_quota_usage = 0  # back in real time, the 250 would count


def check_timeline(fake, api):
    with ThreadsFake(user_id="17841400000000042", username="pub") as fresh:
        client = Client(fresh)
        base = 1796112000  # 2026-12-01T08:00:00Z
        made = [fresh.add_post(f"post {n}", timestamp=base + n * 3600) for n in range(7)]
        other = fresh.add_reply(made[0]["id"], "alice", "a reply from alice",
                                timestamp=base + 600)
        own_reply = fresh.add_post("my own reply", timestamp=base + 700,
                                   reply_to_id=other["id"])
        newest = [p["id"] for p in reversed(made)]
        check([p["id"] for p in fresh.own_posts()] == newest, "own_posts newest first")
        check(made[0]["timestamp"] == "2026-12-01T08:00:00+0000", made[0])
        # Pages of 3 by paging.next, then by after cursors.
        seen, url = [], None
        status, _, body = client.get("/v1.0/me/threads", fields="id,text,timestamp,permalink",
                                     limit=3)
        while True:
            check(status == 200, f"timeline: {body}")
            seen += [p["id"] for p in body["data"]]
            check(all(list(p) == ["id", "text", "timestamp", "permalink"] for p in body["data"]),
                  body)
            cursors = body["paging"]["cursors"]
            check(set(cursors) == {"before", "after"}, body["paging"])
            url = body["paging"].get("next")
            if not url:
                break
            check(f"after={cursors['after']}" in url, url)
            with NO_PROXY.open(url, timeout=10) as answer:
                status, body = answer.status, json.loads(answer.read())
        check(seen == newest, f"the replies left out, newest first: {seen}")
        status, _, body = client.get(f"/v1.0/{fresh.user_id}/threads", limit=3)
        after = body["paging"]["cursors"]["after"]
        status, _, body = client.get("/v1.0/me/threads", limit=3, after=after)
        check([p["id"] for p in body["data"]] == newest[3:6] and "previous" in body["paging"],
              body)
        before = body["paging"]["cursors"]["before"]
        status, _, body = client.get("/v1.0/me/threads", limit=2, before=before)
        check([p["id"] for p in body["data"]] == newest[1:3], body)
        # since / until: Unix times and dates.
        status, _, body = client.get("/v1.0/me/threads", since=base + 4 * 3600)
        check([p["id"] for p in body["data"]] == newest[:3], body)
        status, _, body = client.get("/v1.0/me/threads", since="2026-12-01T12:00:00+0000",
                                     until=str(base + 5 * 3600))
        check([p["id"] for p in body["data"]] == newest[1:3], body)
        status, _, body = client.get("/v1.0/me/threads", since="2026-12-02")
        check(status == 200 and body == {"data": []}, body)
        status, _, body = client.get("/v1.0/me/threads", since="2026-12-01")
        check(len(body["data"]) == 7 and "next" not in body["paging"], body)
        graph_error(client.get("/v1.0/me/threads", since="last week"), 100)
        graph_error(client.get("/v1.0/me/threads", since="1000"), 100)
        graph_error(client.get("/v1.0/me/threads", limit=0), 100)
        graph_error(client.get("/v1.0/me/threads", limit=101), 100)
        check(client.get("/v1.0/me/threads", limit=100)[0] == 200, "limit 100")
        graph_error(client.get("/v1.0/me/threads", before=before, after=after), 100)
        graph_error(client.get("/v1.0/me/threads", after="garbage"), 100)
        # Own replies.
        status, _, body = client.get("/v1.0/me/replies", fields="id,text")
        check(body["data"] == [{"text": "my own reply", "id": own_reply["id"]}], body)

        # Replies (direct) and conversation (all depths), reverse by default.
        root = made[0]["id"]
        r1 = other
        r2 = fresh.add_reply(root, "bob", "bob too", timestamp=base + 800)
        nested = fresh.add_reply(own_reply["id"], "alice", "deeper", timestamp=base + 900)
        check(r1["username"] == "alice" and r1["permalink"].startswith(
            "https://www.threads.net/@alice/post/") and r1["reply_to_id"] == root, r1)
        fields = "id,text,username,timestamp,permalink,replied_to,root_post,is_reply,hide_status"
        status, _, body = client.get(f"/v1.0/{root}/replies", fields=fields)
        check(status == 200 and [p["id"] for p in body["data"]] == [r2["id"], r1["id"]], body)
        first = body["data"][0]
        check(first == {"id": r2["id"], "text": "bob too", "username": "bob",
                        "timestamp": iso8601(base + 800), "permalink": r2["permalink"],
                        "replied_to": {"id": root}, "root_post": {"id": root},
                        "is_reply": True, "hide_status": "NOT_HUSHED"}, first)
        status, _, body = client.get(f"/v1.0/{root}/replies", fields="id", reverse="false")
        check([p["id"] for p in body["data"]] == [r1["id"], r2["id"]], body)
        status, _, body = client.get(f"/v1.0/{root}/conversation", fields=fields)
        everything = [nested["id"], r2["id"], own_reply["id"], r1["id"]]
        check([p["id"] for p in body["data"]] == everything, body)
        deep = body["data"][0]
        check(deep["replied_to"] == {"id": own_reply["id"]} and deep["root_post"] == {"id": root},
              deep)
        status, _, body = client.get(f"/v1.0/{root}/conversation", fields="id", limit=3,
                                     reverse="false")
        check([p["id"] for p in body["data"]] == everything[::-1][:3]
              and "next" in body["paging"], body)
        status, _, body = client.get(f"/v1.0/{root}/conversation", fields="id", limit=3,
                                     reverse="false", after=body["paging"]["cursors"]["after"])
        check([p["id"] for p in body["data"]] == [nested["id"]], body)
        status, _, body = client.get(f"/v1.0/{r2['id']}/replies")
        check(body == {"data": []}, "no replies")
        graph_error(client.get(f"/v1.0/{root}/replies", reverse="maybe"), 100)

        # Insights.
        fresh.set_counts(root, views=120, likes=7, reposts=2)
        status, _, body = client.get(f"/v1.0/{root}/insights",
                                     metric="views,likes,replies,reposts,quotes,shares")
        check(status == 200 and [m["name"] for m in body["data"]] ==
              ["views", "likes", "replies", "reposts", "quotes", "shares"], body)
        likes = body["data"][1]
        check(likes == {"name": "likes", "period": "lifetime", "values": [{"value": 7}],
                        "title": "Likes", "description": "The number of likes on your post.",
                        "id": f"{root}/insights/likes/lifetime"}, likes)
        values = {m["name"]: m["values"][0]["value"] for m in body["data"]}
        check(values == {"views": 120, "likes": 7, "replies": 4, "reposts": 2, "quotes": 0,
                         "shares": 0}, f"replies of a root post: all depths: {values}")
        status, _, body = client.get(f"/v1.0/{own_reply['id']}/insights", metric="replies")
        check(body["data"][0]["values"] == [{"value": 1}], "a reply's: direct only")
        fresh.set_counts(root, replies=9)
        status, _, body = client.get(f"/v1.0/{root}/insights", metric="replies,likes")
        check([m["values"][0]["value"] for m in body["data"]] == [9, 7], body)
        graph_error(client.get(f"/v1.0/{root}/insights", metric="likes,impressions"), 100)
        graph_error(client.get(f"/v1.0/{root}/insights"), 100)
        try:
            fresh.set_counts("18029999999999999", likes=1)
            check(False, "set_counts of an unknown post")
        except KeyError:
            pass
        fresh.followers = 321
        status, _, body = client.get("/v1.0/me/threads_insights", metric="followers_count")
        check(body == {"data": [{"name": "followers_count", "period": "day",
                                 "title": "followers_count",
                                 "description": "This is your total number of followers on "
                                                "Threads.",
                                 "total_value": {"value": 321},
                                 "id": f"{fresh.user_id}/insights/followers_count/day"}]}, body)
        status, _, body = client.get(f"/v1.0/{fresh.user_id}/threads_insights",
                                     metric="likes,views")
        check(body["data"][0]["total_value"] == {"value": 7}
              and body["data"][1]["values"][0]["value"] == 120, body)
        graph_error(client.get("/v1.0/me/threads_insights", metric="followers"), 100)


def check_tokens():
    with ThreadsFake() as fake:
        api = Client(fake)
        now = [1796112000.0]
        fake.clock = lambda: now[0]
        check(api.get("/v1.0/me")[0] == 200, "a week-old token by default")
        # Too new to refresh.
        fake.token_issued_at = now[0] - 3600
        error = graph_error(api.get("/refresh_access_token", grant_type="th_refresh_token"), 100)
        check("24 hours" in error["message"], error)
        check(api.get("/v1.0/me")[0] == 200, "still valid")
        # Old enough: a new token; the old one stops working.
        fake.token_issued_at = now[0] - 2 * DAY
        old = fake.token
        graph_error(api.get("/refresh_access_token", grant_type="fb_exchange_token"), 100)
        graph_error(api.get("/v1.0/refresh_access_token", grant_type="th_refresh_token"), 100, 33)
        status, _, body = api.get("/refresh_access_token", grant_type="th_refresh_token")
        check(status == 200 and set(body) == {"access_token", "token_type", "expires_in"}
              and body["token_type"] == "bearer" and body["expires_in"] == 5184000
              and body["access_token"] == fake.token and fake.token != old
              and fake.token_issued_at == now[0], body)
        graph_error(api.call("GET", "/v1.0/me", token=old), 190)
        graph_error(api.call("GET", "/refresh_access_token", token=old,
                             query={"grant_type": "th_refresh_token"}), 190)
        check(api.get("/v1.0/me")[0] == 200, "the new token works")
        graph_error(api.get("/refresh_access_token", grant_type="th_refresh_token"), 100)
        # 60 days on, the token has expired: 190 / 463; a refresh cannot save it.
        now[0] += 60 * DAY
        error = graph_error(api.get("/v1.0/me"), 190, 463)
        check("expired" in error["message"], error)
        graph_error(api.get("/refresh_access_token", grant_type="th_refresh_token"), 190, 463)
        # refresh_revokes_old = False keeps the old token valid.
        now[0] -= 30 * DAY
        fake.refresh_revokes_old = False
        old = fake.token
        check(api.get("/refresh_access_token", grant_type="th_refresh_token")[0] == 200, "again")
        check(api.call("GET", "/v1.0/me", token=old)[0] == 200, "the old token kept")


def check_routes_and_faults(fake, api):
    error = graph_error(api.get("/v1.0/12345"), 100, 33)
    check(error["type"] == "GraphMethodException"
          and error["message"].startswith("Unsupported get request. Object with ID '12345'"),
          error)
    graph_error(api.get("/v1.0/me/mentions"), 100, 33)
    graph_error(api.get("/v1.0/17841499999999999/threads"), 100, 33)
    graph_error(api.get("/v2.0/me"), 100, 33)
    graph_error(api.get("/nothing"), 100, 33)
    post_id = fake.own_posts()[0]["id"]
    error = graph_error(api.call("DELETE", f"/v1.0/{post_id}"), 100, 33)
    check(error["message"].startswith("Unsupported delete request"), error)
    graph_error(api.call("POST", f"/v1.0/{post_id}/replies", form={}), 100, 33)
    graph_error(api.get(f"/v1.0/{post_id}/replies/more"), 100, 33)
    container_id = api.create(media_type="TEXT", text="c")[2]["id"]
    graph_error(api.get(f"/v1.0/{container_id}", fields="text"), 100)
    graph_error(api.get(f"/v1.0/{container_id}/insights", metric="likes"), 100, 33)

    # Faults from the base: before any auth.
    fake.fail_next(1, 500, body={"error": {"message": "An unexpected error has occurred.",
                                           "type": "OAuthException", "code": 2,
                                           "is_transient": True}})
    status, _, body = api.call("GET", "/v1.0/me", auth=None)
    check(status == 500 and body["error"]["code"] == 2, body)
    fake.drop_next(1)
    try:
        api.get("/v1.0/me")
        check(False, "drop_next")
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    # A lost publish: published, unanswered; the container then says PUBLISHED.
    count = len(fake.posts)
    fake.lose_next_publishes(1)
    container_id = api.create(media_type="TEXT", text="lost answer")[2]["id"]
    try:
        api.publish(container_id)
        check(False, "a lost answer")
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    check(len(fake.posts) == count + 1 and fake.posts[-1]["text"] == "lost answer",
          "published though unanswered")
    check(api.status(container_id)[2]["status"] == "PUBLISHED", "PUBLISHED")
    graph_error(api.publish(container_id), 100)
    check(len(fake.posts) == count + 1, "not twice")
    check(len(fake.calls("POST", "/v1.0/me/threads_publish")) >= 2, "the request log")


def main():
    check_helpers()
    with ThreadsFake() as fake, MediaServer() as media:
        api = Client(fake)
        check_auth_and_profile(fake, api)
        check_text_posts(fake, api)
        check_media(fake, api, media)
        check_replies_and_quota(fake, api)
        check_timeline(fake, api)
        check_routes_and_faults(fake, api)
    check_tokens()
    print("OK")


if __name__ == "__main__":
    main()
