"""A loopback fake of the Lemmy HTTP API v3 calls herald's lemmy platform uses (Lemmy 0.19), on
HookFakeServer (fakes.py). One instance ("lemmy.example"), one user (`username`), communities by
name@instance, posts and comments. Standard library only.

Auth: POST /api/v3/user/login {"username_or_email", "password"} (both required strings, else
400 {"error": "..."}) -> {"jwt", "registration_created": false, "verify_email_sent": false};
wrong credentials: 401 {"error": "incorrect_login"}. Every other call needs
`Authorization: Bearer <jwt>` with a JWT this fake issued and has not expired
(expire_jwts()): else 400 {"error": "not_logged_in"} (as 0.19 answers a missing or stale JWT).
Errors are {"error": "<code>"} with 400 (404 for a record not found).

- GET  /api/v3/site -> {my_user: {local_user_view: {person}}}
- GET  /api/v3/community?name=<name@instance> -> {community_view: {community: {id, name,
  actor_id}}}; unknown: 404 couldnt_find_community.
- POST /api/v3/post {name, community_id, body?, url?} -> {post_view: {post, creator, community,
  counts}}. name must be a string of 3-200 characters without a line break (invalid_post_title),
  community_id an integer of a known community (couldnt_find_community); body over 50,000
  UTF-16 units: invalid_body_field.
- GET  /api/v3/post?id=N -> {post_view, community_view, moderators, cross_posts}; 404
  couldnt_find_post.
- GET  /api/v3/user?username=&sort=New&limit=&page= -> {person_view, comments, posts: [newest
  first], moderates}.
- GET  /api/v3/user/replies?sort=New&page=&limit=&unread_only= -> {replies: [CommentReplyView]}:
  comments answering the user's posts or comments, newest first.
- GET  /api/v3/user/mention?... -> {mentions: [PersonMentionView]} (added with add_comment(...,
  mention=True)).
- GET  /api/v3/comment?id=N -> {comment_view}; GET /api/v3/comment/list?post_id=&sort=Old&
  page=&limit= -> {comments}.
- POST /api/v3/comment {content, post_id, parent_id?} -> {comment_view}.
- POST /pictrs/image (Lemmy's proxy to pict-rs, outside /api/v3; the same JWT), multipart with
  the files as `images[]` -> 201 {"msg": "ok", "files": [{"file", "delete_token", "details"}]};
  the image is then GET /pictrs/image/<file>. A file over `image_limit` bytes: 413.
- POST /api/v3/post also takes `alt_text` (a string), kept on the post.

Faults: rate_limit_next(n, old=False, retry_after=None): the next n requests answer 429
{"error": "rate_limit_error"} (old=True: 400, as 0.19 does), with a Retry-After header when
given; lose_next_posts(n): the next n POST /post store the post, then hang up without answering.

Documented (lemmy-js-client 0.19 types, lemmy crates/utils validation.rs and error.rs): the
endpoints, bodies and answer shapes; the title rule; the body limits; the error codes; the
comment `path` ("0.<ancestors>.<id>"). Assumed: 404 for couldnt_find_* (0.19 answers 404 when
the database finds nothing), the timestamps' microseconds.
"""

import json
import secrets
import threading
from datetime import datetime, timezone

from fakes import HookFakeServer

INSTANCE = "lemmy.example"
API = "/api/v3"


def _json(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def error(code, status=400, headers=None):
    return _json(status, {"error": code}, headers)


def stamp(when=None):
    return (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def person(pid, name, host=INSTANCE, display_name=None):
    out = {"id": pid, "name": name, "actor_id": f"https://{host}/u/{name}", "local":
           host == INSTANCE, "banned": False, "bot_account": False, "deleted": False,
           "published": stamp()}
    if display_name:
        out["display_name"] = display_name
    return out


class LemmyFake(HookFakeServer):
    def __init__(self, username="herald", password="hunter2-lemmy"):
        self.username = username
        self.password = password
        self.me = person(1, username)
        self.people = {1: self.me}
        self.communities = {"technology@" + INSTANCE: {
            "id": 7, "name": "technology", "actor_id": f"https://{INSTANCE}/c/technology"}}
        self.jwts = set()
        self.logins = 0
        self.posts = []  # post dicts, oldest first
        self.counts = {}  # post id -> counts
        self.comments = []  # comment dicts, oldest first
        self.mentions = set()  # comment ids that mention the user
        self._limits = []
        self._lose = 0
        self._next_comment = 100
        self.images = {}  # file name -> (content type, bytes)
        self.image_limit = 1 << 20
        self._state = threading.RLock()
        super().__init__()

    # --- set-up and faults ------------------------------------------------------------------

    def expire_jwts(self):
        with self._state:
            self.jwts.clear()

    def rate_limit_next(self, n, old=False, retry_after=None):
        with self._state:
            self._limits += [(old, retry_after)] * n

    def lose_next_posts(self, n=1):
        with self._state:
            self._lose += n

    def add_person(self, pid, name, host=INSTANCE):
        self.people[pid] = person(pid, name, host)
        return self.people[pid]

    def add_post(self, author, name, body=None, community_id=7):
        with self._state:
            pid = len(self.posts) + 1
            post = {"id": pid, "name": name, "creator_id": author["id"],
                    "community_id": community_id, "removed": False, "locked": False,
                    "published": stamp(), "deleted": False, "nsfw": False,
                    "ap_id": f"https://{INSTANCE}/post/{pid}", "local": True, "language_id": 0,
                    "featured_community": False, "featured_local": False}
            if body is not None:
                post["body"] = body
            self.posts.append(post)
            return post

    def add_comment(self, author, post_id, content, parent_id=None, mention=False):
        with self._state:
            self._next_comment += 1
            cid = self._next_comment
            parent = next((c for c in self.comments if c["id"] == parent_id), None)
            path = (parent["path"] if parent else "0") + f".{cid}"
            comment = {"id": cid, "creator_id": author["id"], "post_id": post_id,
                       "content": content, "removed": False, "deleted": False,
                       "published": stamp(), "ap_id": f"https://{INSTANCE}/comment/{cid}",
                       "local": True, "path": path, "distinguished": False, "language_id": 0}
            self.comments.append(comment)
            if mention:
                self.mentions.add(cid)
            return comment

    def calls(self, method, path):
        return [r for r in self.requests if r.method == method and r.path == API + path]

    # --- views ------------------------------------------------------------------------------

    def _post_view(self, post):
        community = next(c for c in self.communities.values() if c["id"] == post["community_id"])
        return {"post": post, "creator": self.people[post["creator_id"]], "community": community,
                "counts": self.counts.setdefault(post["id"], {
                    "post_id": post["id"], "comments": 0, "score": 1, "upvotes": 1,
                    "downvotes": 0, "published": post["published"]})}

    def _comment_view(self, comment):
        post = next(p for p in self.posts if p["id"] == comment["post_id"])
        return {"comment": comment, "creator": self.people[comment["creator_id"]], "post": post,
                "community": self._post_view(post)["community"], "recipient": self.me,
                "counts": {"comment_id": comment["id"], "score": 1, "upvotes": 1,
                           "downvotes": 0, "child_count": 0}}

    def _parent_creator(self, comment):
        ids = comment["path"].split(".")[1:-1]
        if ids:
            return next(c for c in self.comments if c["id"] == int(ids[-1]))["creator_id"]
        return next(p for p in self.posts if p["id"] == comment["post_id"])["creator_id"]

    # --- serving ----------------------------------------------------------------------------

    def handle(self, request):
        with self._state:
            return self._handle(request)

    def _handle(self, request):
        if self._limits:
            old, retry_after = self._limits.pop(0)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
            return error("rate_limit_error", 400 if old else 429, headers)
        path = request.path
        if (request.method, path) == ("POST", "/pictrs/image"):
            return self._upload(request)
        if not path.startswith(API + "/"):
            return error("not_found", 404)
        route = (request.method, path[len(API):])
        if route == ("POST", "/user/login"):
            return self._login(request)
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer "):] not in self.jwts:
            return error("not_logged_in")
        q = {k: v[0] for k, v in request.query.items()}
        if route == ("GET", "/site"):
            return _json(200, {"my_user": {"local_user_view": {"person": self.me}}})
        if route == ("GET", "/community"):
            community = self.communities.get(q.get("name", ""))
            if not community:
                return error("couldnt_find_community", 404)
            return _json(200, {"community_view": {"community": community}})
        if route == ("POST", "/post"):
            return self._create_post(request)
        if route == ("GET", "/post"):
            post = next((p for p in self.posts if str(p["id"]) == q.get("id")), None)
            if not post:
                return error("couldnt_find_post", 404)
            return _json(200, {"post_view": self._post_view(post), "cross_posts": []})
        if route == ("GET", "/user"):
            if q.get("username") != self.username:
                return error("couldnt_find_person", 404)
            limit, page = int(q.get("limit", 10)), int(q.get("page", 1))
            mine = [p for p in reversed(self.posts) if p["creator_id"] == self.me["id"]]
            chosen = mine[(page - 1) * limit:page * limit]
            return _json(200, {"person_view": {"person": self.me}, "comments": [],
                               "posts": [self._post_view(p) for p in chosen], "moderates": []})
        if route in (("GET", "/user/replies"), ("GET", "/user/mention")):
            mention = route[1] == "/user/mention"
            chosen = [c for c in reversed(self.comments)
                      if (c["id"] in self.mentions if mention
                          else self._parent_creator(c) == self.me["id"]
                          and c["creator_id"] != self.me["id"])]
            limit, page = int(q.get("limit", 10)), int(q.get("page", 1))
            views = [self._comment_view(c) for c in chosen[(page - 1) * limit:page * limit]]
            return _json(200, {"mentions" if mention else "replies": views})
        if route == ("GET", "/comment"):
            comment = next((c for c in self.comments if str(c["id"]) == q.get("id")), None)
            if not comment:
                return error("couldnt_find_comment", 404)
            return _json(200, {"comment_view": self._comment_view(comment)})
        if route == ("GET", "/comment/list"):
            chosen = [c for c in self.comments if str(c["post_id"]) == q.get("post_id")]
            limit, page = int(q.get("limit", 10)), int(q.get("page", 1))
            return _json(200, {"comments": [self._comment_view(c)
                                            for c in chosen[(page - 1) * limit:page * limit]]})
        if route == ("POST", "/comment"):
            body = request.json
            if (not isinstance(body, dict) or not isinstance(body.get("content"), str)
                    or not isinstance(body.get("post_id"), int)):
                return error("couldnt_create_comment")
            if not any(p["id"] == body["post_id"] for p in self.posts):
                return error("couldnt_find_post", 404)
            comment = self.add_comment(self.me, body["post_id"], body["content"],
                                       body.get("parent_id"))
            return _json(200, {"comment_view": self._comment_view(comment),
                               "recipient_ids": []})
        return error("not_found", 404)

    def _login(self, request):
        body = request.json
        if (not isinstance(body, dict) or not isinstance(body.get("username_or_email"), str)
                or not isinstance(body.get("password"), str)):
            return error("invalid_body")
        if body["username_or_email"] != self.username or body["password"] != self.password:
            return error("incorrect_login", 401)
        self.logins += 1
        jwt = "eyJ." + secrets.token_urlsafe(24)
        self.jwts.add(jwt)
        return _json(200, {"jwt": jwt, "registration_created": False,
                           "verify_email_sent": False})

    def _upload(self, request):
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer "):] not in self.jwts:
            return error("not_logged_in")
        files = [p for p in request.parts or [] if p["name"] == "images[]"]
        if len(files) != 1 or not files[0]["filename"] or not files[0]["data"]:
            return _json(400, {"msg": "no_images", "files": None})
        if len(files[0]["data"]) > self.image_limit:
            return 413, {"Content-Type": "text/plain"}, b"payload too large"
        ext = files[0]["filename"].rsplit(".", 1)[-1].lower()
        name = f"{secrets.token_hex(8)}.{ext}"
        self.images[name] = (files[0]["content_type"], files[0]["data"])
        return _json(201, {"msg": "ok", "files": [{
            "file": name, "delete_token": secrets.token_hex(8),
            "details": {"width": 1, "height": 1, "content_type": files[0]["content_type"],
                        "created_at": stamp()}}]})

    def _create_post(self, request):
        body = request.json
        if not isinstance(body, dict):
            return error("invalid_body")
        name = body.get("name")
        if (not isinstance(name, str) or "\n" in name
                or not 3 <= len(name.strip()) <= 200):
            return error("invalid_post_title")
        community = body.get("community_id")
        if not isinstance(community, int) or not any(
                c["id"] == community for c in self.communities.values()):
            return error("couldnt_find_community", 404)
        text = body.get("body")
        if text is not None and (not isinstance(text, str)
                                 or len(text.encode("utf-16-le")) // 2 > 50000):
            return error("invalid_body_field")
        post = self.add_post(self.me, name.strip(), text, community)  # stored trimmed
        if body.get("url") is not None:
            post["url"] = body["url"]
        if body.get("alt_text") is not None:
            if not isinstance(body["alt_text"], str):
                return error("invalid_body")
            post["alt_text"] = body["alt_text"]
        if self._lose:
            self._lose -= 1
            return None
        return _json(200, {"post_view": self._post_view(post)})
