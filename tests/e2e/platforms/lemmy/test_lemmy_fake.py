"""The Lemmy fake checked against the API's documented behaviour (ctest e2e-lemmy_fake), so that
the lemmy suite's verdicts rest on a fake that is right: it drives the fake over urllib and
prints OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/lemmy/test_lemmy_fake.py
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import LemmyFake  # noqa: E402

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def call(fake, method, path, body=None, jwt=None):
    """(status, headers, JSON answer)."""
    headers = {"Authorization": "Bearer " + jwt} if jwt else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(fake.url("/api/v3" + path), data=data, method=method,
                                     headers=headers)
    try:
        with NO_PROXY.open(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def main():
    with LemmyFake(password="pw") as fake:
        # The login: both fields required, wrong ones refused 401 incorrect_login.
        status, _, body = call(fake, "POST", "/user/login", {"username_or_email": "herald"})
        check(status == 400 and body["error"], body)
        status, _, body = call(fake, "POST", "/user/login",
                               {"username_or_email": "herald", "password": "no"})
        check((status, body) == (401, {"error": "incorrect_login"}), body)
        status, _, body = call(fake, "POST", "/user/login",
                               {"username_or_email": "herald", "password": "pw"})
        check(status == 200 and body["jwt"], body)
        jwt = body["jwt"]

        # The JWT: required, and refused once expired.
        status, _, body = call(fake, "GET", "/site")
        check((status, body) == (400, {"error": "not_logged_in"}), body)
        status, _, body = call(fake, "GET", "/site", jwt=jwt)
        check(body["my_user"]["local_user_view"]["person"]["name"] == "herald", body)

        # A post needs a name of 3-200 characters and a known community_id.
        status, _, body = call(fake, "GET", "/community?name=technology%40lemmy.example", jwt=jwt)
        check(body["community_view"]["community"]["id"] == 7, body)
        for bad, error in (({"community_id": 7}, "invalid_post_title"),
                           ({"name": "x" * 201, "community_id": 7}, "invalid_post_title"),
                           ({"name": "ok title"}, "couldnt_find_community"),
                           ({"name": "ok title", "community_id": "7"}, "couldnt_find_community")):
            status, _, body = call(fake, "POST", "/post", bad, jwt=jwt)
            check(status in (400, 404) and body == {"error": error}, (bad, body))
        check(fake.posts == [], fake.posts)
        status, _, body = call(fake, "POST", "/post",
                               {"name": "x" * 200, "community_id": 7, "body": "b"}, jwt=jwt)
        check(status == 200 and body["post_view"]["post"]["id"] == 1, body)

        # An image upload (Lemmy's pict-rs proxy, outside /api/v3): the JWT, the file as
        # images[]; 201 {"msg": "ok", "files": [{"file", "delete_token", "details"}]}.
        def upload(field, data, token):
            boundary = "b0undary"
            form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                    f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").encode()
            form += data + f"\r\n--{boundary}--\r\n".encode()
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
            if token:
                headers["Authorization"] = "Bearer " + token
            request = urllib.request.Request(fake.url("/pictrs/image"), data=form, method="POST",
                                             headers=headers)
            try:
                with NO_PROXY.open(request, timeout=5) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, error.read()
        status, body = upload("images[]", b"\x89PNG", None)
        check(status == 400 and json.loads(body) == {"error": "not_logged_in"}, body)
        status, body = upload("image", b"\x89PNG", jwt)
        check(status == 400, body)
        status, body = upload("images[]", b"\x89PNG", jwt)
        check(status == 201 and body["msg"] == "ok" and body["files"][0]["delete_token"], body)
        check(fake.images[body["files"][0]["file"]] == ("image/png", b"\x89PNG"), fake.images)
        fake.image_limit = 2
        status, _ = upload("images[]", b"\x89PNG", jwt)
        check(status == 413, status)

        # Rate limits: 429, or 400 rate_limit_error as 0.19 answers.
        fake.rate_limit_next(1, retry_after=30)
        status, headers, body = call(fake, "GET", "/site", jwt=jwt)
        check((status, body, headers.get("Retry-After")) == (429, {"error": "rate_limit_error"},
                                                             "30"), body)
        fake.rate_limit_next(1, old=True)
        status, _, body = call(fake, "GET", "/site", jwt=jwt)
        check((status, body) == (400, {"error": "rate_limit_error"}), body)

        # Replies and mentions; a comment's path names its ancestors.
        ada = fake.add_person(2, "ada")
        one = fake.add_comment(ada, 1, "first")
        two = fake.add_comment(fake.me, 1, "answer", one["id"])
        three = fake.add_comment(ada, 1, "again", two["id"], mention=True)
        check(three["path"] == f"0.{one['id']}.{two['id']}.{three['id']}", three)
        _, _, body = call(fake, "GET", "/user/replies?sort=New&page=1&limit=50", jwt=jwt)
        check([r["comment"]["id"] for r in body["replies"]] == [three["id"], one["id"]], body)
        _, _, body = call(fake, "GET", "/user/mention?sort=New&page=1&limit=50", jwt=jwt)
        check([r["comment"]["id"] for r in body["mentions"]] == [three["id"]], body)

        # The JWT expired: refused.
        fake.expire_jwts()
        status, _, body = call(fake, "GET", "/site", jwt=jwt)
        check((status, body) == (400, {"error": "not_logged_in"}), body)

        # A lost answer: the post is stored, the connection closes.
        _, _, body = call(fake, "POST", "/user/login", {"username_or_email": "herald",
                                                         "password": "pw"})
        fake.lose_next_posts(1)
        try:
            call(fake, "POST", "/post", {"name": "lost one", "community_id": 7}, jwt=body["jwt"])
            check(False, "an answer came")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        check(fake.posts[-1]["name"] == "lost one", fake.posts[-1])
    print("OK")


if __name__ == "__main__":
    main()
