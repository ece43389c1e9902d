"""The Forem fake checked against the API v1's documented behaviour (ctest e2e-devto_fake), so
that the devto suite's verdicts rest on a fake that is right: it drives the fake over urllib and
prints OK (a failed check raises).

    cd tests/e2e && PYTHONPATH=. python3 platforms/devto/test_devto_fake.py
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake import ACCEPT, DevtoFake  # noqa: E402

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def call(fake, method, path, body=None, key=None, accept=ACCEPT):
    """(status, headers, JSON answer)."""
    headers = {"Content-Type": "application/json"}
    if key is not False:
        headers["api-key"] = fake.key if key is None else key
    if accept:
        headers["Accept"] = accept
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(fake.url(path), data=data, headers=headers, method=method)
    try:
        with NO_PROXY.open(request, timeout=5) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def main():
    fake = DevtoFake()
    try:
        status, _, answer = call(fake, "GET", "/api/users/me", key=False)
        check((status, answer) == (401, {"error": "unauthorized", "status": 401}), answer)
        check(call(fake, "GET", "/api/users/me", key="other")[0] == 401, "a wrong key")
        check(call(fake, "GET", "/api/users/me", accept="application/json")[0] == 406,
              "no API v1 Accept header")
        check(call(fake, "GET", "/api/users/me")[2]["username"] == "herald", "users/me")

        def refused(article, why):
            status, _, answer = call(fake, "POST", "/api/articles", article)
            check(status == 422 and answer["status"] == 422, (why, status, answer))

        refused({"title": "no envelope"}, "the article envelope")
        refused({"article": {"body_markdown": "x"}}, "a missing title")
        refused({"article": {"title": " "}}, "a blank title")
        refused({"article": {"title": "t", "tags": ["a", "b", "c", "d", "e"]}}, "5 tags")
        refused({"article": {"title": "t", "tags": "a,b"}}, "tags as a string")
        refused({"article": {"title": "t", "published": "yes"}}, "published not a boolean")
        refused({"article": {"title": "t", "colour": "red"}}, "an unknown field")
        check(fake.articles == [], "nothing stored")

        status, _, article = call(fake, "POST", "/api/articles",
                                  {"article": {"title": "Hello", "body_markdown": "hi",
                                               "tags": ["a", "b", "c", "d"]}})
        check(status == 201 and article["published"] is False, "the API's default is a draft")
        check(article["published_at"] is None, "a draft has no published_at")
        status, _, listed = call(fake, "GET", "/api/articles/me/all?per_page=10")
        check([a["id"] for a in listed] == [article["id"]], "me/all lists drafts")
        check(call(fake, "GET", "/api/articles/me/published")[2] == [], "me/published does not")

        comment = fake.add_comment(article["id"], "ada", "<p>hi</p>")
        fake.add_comment(article["id"], "bob", "<p>yes</p>", parent=comment["id_code"])
        status, _, tree = call(fake, "GET", f"/api/comments?a_id={article['id']}")
        check(status == 200 and tree[0]["children"][0]["user"]["username"] == "bob", tree)

        fake.limit_next(1, 7)
        status, headers, answer = call(fake, "GET", "/api/users/me")
        check((status, headers["Retry-After"]) == (429, "7"), (status, answer))
        print("OK")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
