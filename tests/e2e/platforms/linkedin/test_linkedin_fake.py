"""The LinkedIn fake checked against LinkedIn's documented behaviour (ctest e2e-linkedin_fake), so
that the linkedin suites' verdicts rest on a fake that is right: it drives the fake over urllib
with the headers LinkedIn's versioned APIs require, checks the little text format's escapes, and
prints OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/linkedin/test_linkedin_fake.py
"""

import calendar
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import LinkedInFake, little_text_escape, little_text_unescape  # noqa: E402

TOKEN = "li-t0ken"
PERSON = "urn:li:person:abc123XYZ"
ORG = "urn:li:organization:2414183"
METRIC_KEY = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
# 2026-06-15 12:00 UTC: the fake's clock, so that the active versions are known.
NOW = calendar.timegm((2026, 6, 15, 12, 0, 0))
VERSION = "202606"


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def enc(urn):
    return urllib.parse.quote(urn, safe="")


class Client:
    def __init__(self, fake, token=TOKEN, version=VERSION, restli="2.0.0"):
        self.fake = fake
        self.token, self.version, self.restli = token, version, restli

    def call(self, method, path, body=None, content_type=None, token=None, version=None,
             restli=None, url=None):
        """(status, headers with lower-case names, JSON body or None)."""
        headers = {}
        token = self.token if token is None else token
        version = self.version if version is None else version
        restli = self.restli if restli is None else restli
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if version:
            headers["Linkedin-Version"] = version
        if restli:
            headers["X-Restli-Protocol-Version"] = restli
        data = None
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif body is not None:
            data = body
            headers["Content-Type"] = content_type or "application/octet-stream"
        request = urllib.request.Request(url or self.fake.url(path), data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                raw = answer.read()
                status, out = answer.status, answer.headers
        except urllib.error.HTTPError as error:
            raw = error.read()
            status, out = error.code, error.headers
        return (status, {k.lower(): v for k, v in out.items()},
                json.loads(raw) if raw else None)

    def post(self, commentary, author=PERSON, **extra):
        body = {"author": author, "commentary": commentary, "visibility": "PUBLIC",
                "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                 "thirdPartyDistributionChannels": []},
                "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
        body.update(extra)
        return self.call("POST", "/rest/posts", body)

    def upload_image(self, owner=PERSON, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64):
        status, _, body = self.call("POST", "/rest/images?action=initializeUpload",
                                    {"initializeUploadRequest": {"owner": owner}})
        check(status == 200, f"initializeUpload: {status} {body}")
        value = body["value"]
        status, _, _ = self.call("PUT", None, data, "image/png", url=value["uploadUrl"],
                                 version="", restli="")
        check(status == 201, f"upload: {status}")
        return value["image"]


def check_little_text():
    check(little_text_unescape("plain text, no reserved.") == ("plain text, no reserved.", False),
          "plain")
    check(little_text_unescape("a \\(b\\) c") == ("a (b) c", False), "escaped parentheses")
    check(little_text_unescape("a (b) c") == ("a ", True), "cut at the first unescaped (")
    check(little_text_unescape("x \\\\ y") == ("x \\ y", False), "an escaped backslash")
    check(little_text_unescape("C:\\path") == ("C:", True), "a backslash that escapes nothing")
    check(little_text_unescape("end\\") == ("end", True), "a trailing backslash")
    check(little_text_unescape("#tag") == ("", True), "an unescaped # cuts too")
    check(little_text_unescape("\\#tag and @x") == ("#tag and ", True), "an unescaped @")
    check(little_text_unescape("") == ("", False), "empty")
    every = "|{}@[]()<>#*_~\\"
    escaped = little_text_escape(every)
    check(escaped == "".join("\\" + c for c in every), escaped)
    check(little_text_unescape(escaped) == (every, False), "every reserved character escaped")
    text = "Ship it (v1.2) — 100% _done_ *now* ~ok~ <3 {x|y} [a] email@example.com \U0001F680"
    check(little_text_unescape(little_text_escape(text)) == (text, False), "round trip")
    check(little_text_unescape("a.b,c!d?e:f;g'h\"i/j+k=l%m&n$o^p`q") ==
          ("a.b,c!d?e:f;g'h\"i/j+k=l%m&n$o^p`q", False), "punctuation that is not reserved")


def check_headers(fake, li):
    # /v2/userinfo: the Bearer token alone.
    status, _, body = li.call("GET", "/v2/userinfo", version="", restli="")
    check(status == 200, f"userinfo: {status} {body}")
    check(body["sub"] == "abc123XYZ" and body["name"] == "Ada Lovelace"
          and body["given_name"] == "Ada" and body["family_name"] == "Lovelace"
          and isinstance(body["locale"], dict) and body["email_verified"] is True, body)
    invalid = {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
               "message": "Invalid access token"}
    status, _, body = li.call("GET", "/v2/userinfo", token="nope")
    check(status == 401 and body == invalid, f"userinfo, wrong token: {status} {body}")
    status, _, body = li.call("GET", "/v2/userinfo", token="")
    check(status == 401 and body == invalid, "userinfo, no token")

    # /rest/*: Bearer, then the version, then the Rest.li protocol version.
    status, _, body = li.call("GET", "/rest/posts", token="nope", version="")
    check(status == 401 and body == invalid, f"rest, wrong token first: {status} {body}")
    status, _, body = li.call("POST", "/rest/posts", {}, version="")
    check(status == 400 and body == {
        "status": 400, "code": "VERSION_MISSING",
        "message": "A version must be present. Please specify a version by adding the "
                   "LinkedIn-Version header."}, f"no version: {status} {body}")
    for stale in ("202505", "202001", "202607", "2026-06", "latest"):
        status, _, body = li.call("POST", "/rest/posts", {}, version=stale)
        check(status == 426 and body == {
            "status": 426, "code": "NONEXISTENT_VERSION",
            "message": f"Requested version {stale} is not active"}, f"{stale}: {status} {body}")
    for active in ("202606", "202601", "202506"):
        status, _, body = li.call("GET", "/rest/nothing", version=active)
        check(status == 404, f"{active} is active: {status} {body}")
    check(fake.version_active("202506") and not fake.version_active("202505")
          and fake.versions()[0] == "202606" and fake.versions()[-1] == "202506"
          and len(fake.versions()) == 13, fake.versions())
    status, _, body = li.call("POST", "/rest/posts", {}, restli="")
    check(status == 400 and "X-Restli-Protocol-Version" in body["message"]
          and body["status"] == 400, f"no restli: {status} {body}")
    status, _, body = li.call("POST", "/rest/posts", {}, restli="1.0.0")
    check(status == 400 and "2.0.0" in body["message"], f"restli 1.0.0: {status} {body}")
    # The header's name in any case.
    request = urllib.request.Request(fake.url("/rest/nothing"), headers={
        "authorization": f"Bearer {TOKEN}", "LINKEDIN-VERSION": VERSION,
        "x-restli-protocol-version": "2.0.0"})
    try:
        urllib.request.urlopen(request, timeout=10)
        check(False, "a 404 was expected")
    except urllib.error.HTTPError as error:
        check(error.code == 404, f"header names in any case: {error.code}")
    # Anything else.
    status, _, body = li.call("GET", "/rest/nothing")
    check(status == 404 and body["status"] == 404 and body["code"] == "NOT_FOUND"
          and body["message"], body)
    status, _, body = li.call("GET", "/v2/me")
    check(status == 404 and body["code"] == "NOT_FOUND", body)
    status, _, body = li.call("DELETE", "/rest/posts")
    check(status == 404, "DELETE /rest/posts")

    # An explicit set of active versions.
    with LinkedInFake(active_versions={"202401"}) as other:
        other_li = Client(other, version="202401")
        check(other_li.call("GET", "/rest/nothing")[0] == 404, "explicit active version")
        status, _, body = other_li.call("GET", "/rest/nothing", version=VERSION)
        check(status == 426 and body["message"] == f"Requested version {VERSION} is not active",
              body)


def check_posts(fake, li):
    status, headers, body = li.post("Hello from herald.")
    check(status == 201 and body is None, f"post: {status} {body}")
    first = headers["x-restli-id"]
    check(first == "urn:li:share:7100000000000000001" and headers["x-linkedin-id"] == first,
          headers)
    check(not any(h.startswith(("x-ratelimit", "ratelimit", "x-rate-limit", "retry-after"))
                  for h in headers), f"no rate-limit headers: {headers}")
    post = fake.posts[-1]
    check(post["urn"] == first and post["author"] == PERSON
          and post["commentary"] == "Hello from herald." and post["text"] == "Hello from herald."
          and post["cut"] is False and post["visibility"] == "PUBLIC" and post["content"] is None
          and post["created_at"] == NOW * 1000, post)

    # The trap: an unescaped reserved character is accepted and the text is cut there.
    status, headers, _ = li.post("Release notes (v1.2) are out")
    check(status == 201, f"the trap answers 201: {status}")
    check(fake.post(headers["x-restli-id"])["text"] == "Release notes "
          and fake.post(headers["x-restli-id"])["cut"] is True
          and fake.post(headers["x-restli-id"])["commentary"] == "Release notes (v1.2) are out",
          fake.posts[-1])
    status, headers, _ = li.post("Release notes \\(v1.2\\) are out \\#herald")
    check(status == 201 and fake.post(headers["x-restli-id"])["text"] ==
          "Release notes (v1.2) are out #herald"
          and fake.post(headers["x-restli-id"])["urn"] == "urn:li:share:7100000000000000003",
          fake.posts[-1])

    # A duplicate: the same stored text by the same author.
    status, _, body = li.post("Hello from herald.")
    message = f"Content is a duplicate of {first}"
    check(status == 422 and body == {
        "status": 422, "message": message,
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "errorDetails": {"inputErrors": [{
            "description": message, "input": {"inputPath": {"fieldPath": "/commentary"}},
            "code": "DUPLICATE_POST"}]}}, f"duplicate: {status} {body}")
    status, _, body = li.post("Hello from herald\\.")
    check(status == 201, f"\\. is not an escape, so a new text: {status} {body}")
    status, _, body = li.post("Release notes (something else")
    check(status == 422 and body["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST",
          "the same text once cut is a duplicate")
    status, headers, _ = li.post("Hello from herald.", author=ORG)
    check(status == 201 and fake.posts[-1]["author"] == ORG, "another author may say the same")
    count = len(fake.posts)

    # Authors the token may not post as.
    for author in ("urn:li:person:someoneElse", "urn:li:organization:999"):
        status, _, body = li.post("not mine", author=author)
        check(status == 403 and body["status"] == 403 and body["serviceErrorCode"] == 100
              and body["code"] == "ACCESS_DENIED" and body["message"], f"{author}: {body}")

    # Validation: 422 in Rest.li's shape.
    for name in ("author", "visibility", "distribution", "lifecycleState"):
        body = {"author": PERSON, "commentary": "x", "visibility": "PUBLIC",
                "distribution": {"feedDistribution": "MAIN_FEED"}, "lifecycleState": "PUBLISHED"}
        del body[name]
        status, _, answer = li.call("POST", "/rest/posts", body)
        check(status == 422 and answer["status"] == 422
              and answer["message"] == f"ERROR :: /{name} :: field is required but not found and "
                                       "has no default value\n"
              and answer["errorDetails"]["inputErrors"][0]["input"]["inputPath"]["fieldPath"]
              == f"/{name}", f"missing {name}: {status} {answer}")
    status, _, body = li.post("x", distribution={})
    check(status == 422 and "/distribution/feedDistribution" in body["message"], body)
    status, _, body = li.post("x", visibility="EVERYONE")
    check(status == 422 and "/visibility" in body["message"], body)
    status, _, body = li.post("x", lifecycleState="DRAFTED")
    check(status == 422 and "/lifecycleState" in body["message"], body)
    status, _, body = li.post("x", specificContent={})
    check(status == 422 and "unrecognized field" in body["message"], f"unknown field: {body}")
    status, _, body = li.call("POST", "/rest/posts", b"author=me",
                              "application/x-www-form-urlencoded")
    check(status == 400, f"not JSON: {status} {body}")

    # 3,000 code points once unescaped.
    status, _, body = li.post("\\(" * 3000)
    check(status == 201, f"3,000 escaped characters: {status} {body}")
    status, _, body = li.post("\U0001F680" * 3000)
    check(status == 201, f"3,000 astral code points: {status} {body}")
    status, _, body = li.post("y" * 3001)
    check(status == 422 and body["errorDetails"]["inputErrors"][0]["input"]["inputPath"][
        "fieldPath"] == "/commentary", f"3,001: {status} {body}")
    status, _, body = li.post("z" * 2999 + "(" + "z")
    check(status == 422, "the limit counts the text before the cut too")
    check(len(fake.posts) == count + 2, "refused posts are not stored")

    # The daily quota: 429, no headers.
    fake.quota_exceeded = True
    status, headers, body = li.post("over quota")
    check(status == 429 and body == {
        "status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is "
                   "reached."}, f"429: {status} {body}")
    check(not any("rate" in h or h == "retry-after" for h in headers), headers)
    fake.quota_exceeded = False
    check(li.post("over quota")[0] == 201, "after the quota")
    return first


def check_images(fake, li):
    status, _, body = li.call("POST", "/rest/images?action=initializeUpload",
                              {"initializeUploadRequest": {"owner": PERSON}})
    check(status == 200 and set(body) == {"value"}
          and set(body["value"]) == {"uploadUrlExpiresAt", "uploadUrl", "image"}, body)
    value = body["value"]
    image = value["image"]
    check(image.startswith("urn:li:image:")
          and value["uploadUrl"].startswith(fake.url("/dms-uploads/"))
          and "token=" in value["uploadUrl"]
          and value["uploadUrlExpiresAt"] > NOW * 1000, value)
    check(fake.images[image] == {"owner": PERSON, "uploaded": None, "alt": None}, fake.images)

    # Not uploaded yet.
    status, _, body = li.post("with a picture", content={"media": {"id": image}})
    check(status == 422 and "/content/media/id" in body["message"], f"not uploaded: {body}")
    # The upload: the Bearer token and the URL's token.
    url = value["uploadUrl"]
    png = b"\x89PNG\r\n\x1a\n" + b"\1" * 100
    status, _, _ = li.call("PUT", None, png, "image/png", url=url, token="", version="",
                           restli="")
    check(status == 401, f"upload without Bearer: {status}")
    wrong = url.split("token=")[0] + "token=wrong"
    status, _, body = li.call("PUT", None, png, "image/png", url=wrong, version="", restli="")
    check(status == 403, f"wrong upload token: {status} {body}")
    status, _, _ = li.call("PUT", None, png, "image/png", url=fake.url("/dms-uploads/999?token=x"))
    check(status == 404, "unknown upload")
    status, _, body = li.call("PUT", None, png, "image/png", url=url, version="", restli="")
    check(status == 201 and body is None, f"upload: {status} {body}")
    check(fake.images[image]["uploaded"] == png, "the bytes are kept")

    status, headers, body = li.post("with a picture", content={
        "media": {"id": image, "altText": "a test card"}})
    check(status == 201, f"image post: {status} {body}")
    check(fake.post(headers["x-restli-id"])["content"] == {
        "media": {"id": image, "altText": "a test card"}}, fake.posts[-1])
    check(fake.images[image]["alt"] == "a test card", fake.images[image])

    status, _, body = li.post("unknown image", content={"media": {"id": "urn:li:image:nope"}})
    check(status == 422, f"unknown image: {body}")
    org_image = li.upload_image(owner=ORG)
    status, _, body = li.post("not the owner", content={"media": {"id": org_image}})
    check(status == 422 and "belongs to" in body["message"], f"owner: {body}")
    check(li.post("the owner", author=ORG, content={"media": {"id": org_image}})[0] == 201,
          "an organization's image")

    # multiImage: 2 to 20.
    second = li.upload_image()
    status, _, body = li.post("one of many", content={"multiImage": {"images": [{"id": image}]}})
    check(status == 422 and "2 to 20" in body["message"], f"one image: {body}")
    status, headers, body = li.post("two", content={"multiImage": {"images": [
        {"id": image, "altText": "first"}, {"id": second, "altText": "second"}]}})
    check(status == 201 and fake.images[second]["alt"] == "second", f"two images: {body}")
    many = [{"id": image}] * 21
    check(li.post("21", content={"multiImage": {"images": many}})[0] == 422, "21 images")
    check(li.post("both", content={"media": {"id": image},
                                   "multiImage": {"images": [{"id": image}] * 2}})[0] == 422,
          "a union of two")

    status, _, body = li.call("POST", "/rest/images?action=initializeUpload",
                              {"initializeUploadRequest": {"owner": "urn:li:person:other"}})
    check(status == 403 and body["code"] == "ACCESS_DENIED", f"foreign owner: {body}")
    status, _, body = li.call("POST", "/rest/images?action=initializeUpload", {})
    check(status == 422, f"no owner: {body}")

    # An expired upload URL.
    status, _, body = li.call("POST", "/rest/images?action=initializeUpload",
                              {"initializeUploadRequest": {"owner": PERSON}})
    fake.clock = lambda: NOW + 7200
    status, _, _ = li.call("PUT", None, png, "image/png", url=body["value"]["uploadUrl"])
    check(status == 403, f"expired upload URL: {status}")
    fake.clock = lambda: NOW


def check_comments(fake, li, post_urn):
    path = f"/rest/socialActions/{enc(post_urn)}/comments"
    status, headers, body = li.call("POST", path, {
        "actor": PERSON, "object": post_urn, "message": {"text": "and a follow-up"}})
    check(status == 201, f"comment: {status} {body}")
    urn = headers["x-restli-id"]
    number = post_urn.rsplit(":", 1)[1]
    check(urn == f"urn:li:comment:(urn:li:activity:{number},{body['id']})"
          and body["$URN"] == urn and body["commentUrn"] == urn, f"{headers} {body}")
    check(body["actor"] == PERSON and body["object"] == post_urn
          and body["message"]["text"] == "and a follow-up"
          and body["created"]["time"] == NOW * 1000 and "parentComment" not in body, body)
    check(fake.comments[-1] == {"urn": urn, "id": body["id"], "object": post_urn,
                                "actor": PERSON, "text": "and a follow-up", "parent": None,
                                "created": NOW * 1000}, fake.comments)

    # Another member's comment, and replies to it both ways.
    theirs = fake.add_comment(post_urn, "urn:li:person:bob", "nice (really)")
    check(theirs["text"] == "nice (really)", "a comment's text is kept as sent")
    status, headers, body = li.call("POST", path, {
        "actor": PERSON, "object": post_urn, "message": {"text": "thanks!"},
        "parentComment": theirs["urn"]})
    check(status == 201 and body["parentComment"] == theirs["urn"]
          and fake.comments[-1]["parent"] == theirs["urn"], f"reply: {status} {body}")
    reply_path = f"/rest/socialActions/{enc(theirs['urn'])}/comments"
    status, _, body = li.call("POST", reply_path, {
        "actor": ORG, "object": f"urn:li:activity:{number}", "message": {"text": "+1"},
        "parentComment": theirs["urn"]})
    check(status == 201 and body["parentComment"] == theirs["urn"], f"reply on path: {body}")
    status, _, body = li.call("POST", reply_path, {
        "actor": PERSON, "object": post_urn, "message": {"text": "no parent named"}})
    check(status == 422, f"a reply that names no parent: {status} {body}")

    # Refusals.
    missing = "urn:li:share:7199999999999999999"
    status, _, body = li.call("POST", f"/rest/socialActions/{enc(missing)}/comments", {
        "actor": PERSON, "object": missing, "message": {"text": "x"}})
    check(status == 404 and body["code"] == "NOT_FOUND", f"unknown post: {status} {body}")
    status, _, body = li.call("POST", path, {
        "actor": PERSON, "object": post_urn, "message": {"text": "x"},
        "parentComment": f"urn:li:comment:(urn:li:activity:{number},1)"})
    check(status == 404, f"unknown parent: {status} {body}")
    status, _, body = li.call("POST", path, {
        "actor": "urn:li:person:bob", "object": post_urn, "message": {"text": "x"}})
    check(status == 403 and body["code"] == "ACCESS_DENIED", f"foreign actor: {body}")
    status, _, body = li.call("POST", path, {"actor": PERSON, "object": post_urn})
    check(status == 422 and "/message" in body["message"], f"no message: {body}")
    status, _, body = li.call("POST", path, {
        "actor": PERSON, "object": "urn:li:share:1", "message": {"text": "x"}})
    check(status == 422 and "/object" in body["message"], f"wrong object: {body}")
    status, _, body = li.call("POST", f"/rest/socialActions/{post_urn}/comments", {
        "actor": PERSON, "object": post_urn, "message": {"text": "x"}})
    check(status == 400 and "URL-encoded" in body["message"], f"raw URN in path: {body}")

    # Reading: the first-level comments, then a comment's replies.
    status, _, body = li.call("GET", f"{path}?start=0&count=10")
    check(status == 200 and body["paging"] == {"start": 0, "count": 10, "total": 2}, body)
    first, second = body["elements"]
    check(first["$URN"] == urn and first["actor"] == PERSON
          and first["message"]["text"] == "and a follow-up"
          and first["created"]["time"] == NOW * 1000 and first["object"] == post_urn
          and "parentComment" not in first, first)
    check(second["$URN"] == theirs["urn"] and second["actor"] == "urn:li:person:bob", second)
    status, _, body = li.call("GET", f"{path}?start=1&count=1")
    check([e["$URN"] for e in body["elements"]] == [theirs["urn"]]
          and body["paging"] == {"start": 1, "count": 1, "total": 2}, body)
    status, _, body = li.call("GET", reply_path)
    check(status == 200 and body["paging"]["total"] == 2
          and all(e["parentComment"] == theirs["urn"] for e in body["elements"]), body)
    activity_path = f"/rest/socialActions/{enc('urn:li:activity:' + number)}/comments"
    status, _, body = li.call("GET", activity_path)
    check(status == 200 and [e["$URN"] for e in body["elements"]] == [urn, theirs["urn"]],
          f"the post's activity: {status} {body}")
    check(li.call("GET", f"/rest/socialActions/{enc('urn:li:activity:1')}/comments")[0] == 404,
          "an unknown activity")
    check(li.call("GET", f"{path}?count=0")[0] == 400, "count 0")
    check(li.call("GET", f"/rest/socialActions/{enc(missing)}/comments")[0] == 404, "unknown")
    check(li.call("GET", path, token="nope")[0] == 401, "reading checks auth")
    try:
        fake.add_comment(missing, PERSON, "x")
        check(False, "add_comment on an unknown post")
    except KeyError:
        pass
    return theirs


def check_find_posts(fake, li):
    day = 86400
    old = fake.add_post(PERSON, "an old post", created_at=NOW - 30 * day)
    older = fake.add_post(PERSON, "an older one \\(escaped\\)", created_at=NOW - 60 * day)
    check(older["text"] == "an older one (escaped)" and older["created_at"] == (NOW - 60 * day)
          * 1000, older)
    ms = fake.add_post(ORG, "an organization's post", created_at=(NOW - day) * 1000)
    check(ms["created_at"] == (NOW - day) * 1000, "created_at in milliseconds")
    mine = sorted((p for p in fake.posts if p["author"] == PERSON),
                  key=lambda p: (p["created_at"], p["urn"]), reverse=True)
    base = f"/rest/posts?author={enc(PERSON)}&q=author&sortBy=LAST_MODIFIED"
    seen, start = [], 0
    while True:
        status, _, body = li.call("GET", f"{base}&count=4&start={start}")
        check(status == 200, f"find posts: {status} {body}")
        check(body["paging"] == {"start": start, "count": 4, "total": len(mine)}, body["paging"])
        for element in body["elements"]:
            check(element["author"] == PERSON and element["lifecycleState"] == "PUBLISHED"
                  and element["visibility"] == "PUBLIC"
                  and element["lastModifiedAt"] >= element["createdAt"]
                  and element["id"].startswith("urn:li:share:"), element)
        seen += [e["id"] for e in body["elements"]]
        if len(body["elements"]) < 4:
            break
        start += 4
    check(seen == [p["urn"] for p in mine], f"newest first: {seen}")
    check(seen[-2:] == [old["urn"], older["urn"]], "the earlier posts last")
    status, _, body = li.call("GET", f"{base}&count=100")
    element = next(e for e in body["elements"] if e["id"] == older["urn"])
    check(element["commentary"] == "an older one \\(escaped\\)"
          and element["createdAt"] == (NOW - 60 * day) * 1000, element)
    status, _, body = li.call("GET", f"/rest/posts?author={enc(ORG)}&q=author&count=10")
    ids = [e["id"] for e in body["elements"]]
    check(status == 200 and ids[-1] == ms["urn"]
          and all(e["author"] == ORG for e in body["elements"]), f"an organization's posts: {ids}")
    check(li.call("GET", f"{base}&count=101")[0] == 400, "count over 100")
    check(li.call("GET", f"{base}&count=0")[0] == 400, "count 0")
    status, _, body = li.call("GET", f"/rest/posts?author={PERSON}&q=author&count=10")
    check(status == 400 and "URL-encoded" in body["message"], f"a raw author URN: {body}")
    status, _, body = li.call(
        "GET", f"/rest/posts?author={enc('urn:li:person:bob')}&q=author&count=10")
    check(status == 403 and body["code"] == "ACCESS_DENIED", f"another member's posts: {body}")
    check(li.call("GET", f"/rest/posts?author={enc(PERSON)}&q=authors")[0] == 400, "bad finder")


def check_analytics(fake, li, post_urn, other_comment):
    def ask(urn, query_type, kind="share", **call):
        return li.call("GET", f"/rest/memberCreatorPostAnalytics?q=entity&entity=({kind}:"
                              f"{enc(urn)})&queryType={query_type}&aggregation=TOTAL", **call)

    stored_comments = sum(1 for c in fake.comments if c["object"] == post_urn)
    status, _, body = ask(post_urn, "COMMENT")
    check(status == 200 and body["elements"] == [{
        "count": stored_comments, "metricType": {METRIC_KEY: "COMMENT"},
        "targetEntity": {"share": post_urn}}], f"COMMENT before set_counts: {status} {body}")
    status, _, body = ask(post_urn, "IMPRESSION")
    check(body["elements"][0]["count"] == 0, "0 until set")
    fake.set_counts(post_urn, impressions=1204, reactions=31, comments=7, reshares=2, reached=880)
    for query_type, expected in (("IMPRESSION", 1204), ("MEMBERS_REACHED", 880),
                                 ("RESHARE", 2), ("REACTION", 31), ("COMMENT", 7)):
        status, _, body = ask(post_urn, query_type)
        check(status == 200 and body["elements"][0]["count"] == expected
              and body["elements"][0]["metricType"] == {METRIC_KEY: query_type}, f"{query_type}: "
              f"{body}")
    fake.set_counts(post_urn, reactions=40)
    check(ask(post_urn, "REACTION")[2]["elements"][0]["count"] == 40
          and ask(post_urn, "IMPRESSION")[2]["elements"][0]["count"] == 1204, "set one count")
    fake.metric_type_as_string = True
    status, _, body = ask(post_urn, "RESHARE")
    check(body["elements"][0]["metricType"] == "RESHARE", f"metricType as a string: {body}")
    fake.metric_type_as_string = False
    status, _, body = li.call("GET", "/rest/memberCreatorPostAnalytics?q=me&queryType=IMPRESSION"
                                     "&aggregation=TOTAL")
    check(status == 200 and body["elements"][0]["count"] == 1204
          and "targetEntity" not in body["elements"][0], f"q=me: {body}")

    # Refusals.
    status, _, body = ask(post_urn, "IMPRESSION", kind="ugc")
    check(status == 400, f"a share asked as ugc: {status} {body}")
    status, _, body = li.call("GET", f"/rest/memberCreatorPostAnalytics?q=entity&entity=(share:"
                                     f"{post_urn})&queryType=IMPRESSION&aggregation=TOTAL")
    check(status == 400 and "URL-encoded" in body["message"], f"a raw URN: {body}")
    check(ask(post_urn, "LIKES")[0] == 400, "an unknown queryType")
    check(ask("urn:li:share:7199999999999999999", "IMPRESSION")[0] == 404, "an unknown post")
    org_post = next(p for p in fake.posts if p["author"] == ORG)
    status, _, body = ask(org_post["urn"], "IMPRESSION")
    check(status == 403 and body["code"] == "ACCESS_DENIED", f"an organization's post: {body}")
    fake.analytics_allowed = False
    status, _, body = ask(post_urn, "IMPRESSION")
    check(status == 403 and body["status"] == 403 and body["code"] == "ACCESS_DENIED"
          and body["serviceErrorCode"] == 100, f"no analytics access: {body}")
    fake.analytics_allowed = True
    check(ask(post_urn, "IMPRESSION", version="")[0] == 400, "the analytics check the version")
    try:
        fake.set_counts("urn:li:share:1", impressions=1)
        check(False, "set_counts of an unknown post")
    except KeyError:
        pass
    check(other_comment["object"] == post_urn, "the comments counted were on this post")


def check_faults(fake, li):
    fake.fail_next(1, 500, body={"status": 500, "message": "Internal Server Error"})
    status, _, body = li.post("after a 500")
    check(status == 500 and body["status"] == 500, f"fail_next: {status} {body}")
    count = len(fake.posts)
    fake.lose_next_posts(1)
    try:
        li.post("a lost answer")
        check(False, "a lost answer")
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    check(len(fake.posts) == count + 1 and fake.posts[-1]["text"] == "a lost answer",
          "stored though lost")
    status, _, body = li.post("a lost answer")
    check(status == 422 and body["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
          and body["message"] == f"Content is a duplicate of {fake.posts[-1]['urn']}",
          "the retry of a lost post names it")


def main():
    check_little_text()
    with LinkedInFake() as fake:
        fake.clock = lambda: NOW
        li = Client(fake)
        check_headers(fake, li)
        first = check_posts(fake, li)
        check_images(fake, li)
        other_comment = check_comments(fake, li, first)
        check_find_posts(fake, li)
        check_analytics(fake, li, first, other_comment)
        check_faults(fake, li)
        check(all(r.path for r in fake.requests), "the request log")
    print("OK")


if __name__ == "__main__":
    main()
