"""A loopback fake of the Forem API v1 calls herald's devto platform uses (platforms.md section
9), on HookFakeServer (fakes.py). One user (`username`) with the API key `key`, its articles,
and comment trees under them. Standard library only.

On every request: the `api-key` header (missing or wrong: 401 {"error": "unauthorized",
"status": 401}) and `Accept: application/vnd.forem.api-v1+json` (anything else: 406, the fake's
way of saying the request would have gone to the deprecated API v0). Errors are
{"error": "...", "status": N}.

- GET  /api/users/me -> {type_of: "user", id, username, name, ...}
- POST /api/articles {"article": {title, body_markdown, published, tags?, series?,
  canonical_url?, description?, main_image?, organization_id?}} -> 201 the article. Checked as
  documented: a JSON object with `article` only; no other article field; title a non-empty
  string; body_markdown a string; published a boolean; tags a list of at most 4 strings; series,
  canonical_url, description, main_image strings. Refused: 422 with the reason.
  An article created within the last 30 s as the 10th: 429 (Forem's 9 per 30 s).
- GET  /api/articles/me/all?page=&per_page= (drafts included), /api/articles/me/published
  -> lists newest first, with page_views_count, public_reactions_count,
  positive_reactions_count, comments_count, published_at (null for a draft).
- GET  /api/comments?a_id=<id> -> the article's comment tree (id_code, created_at, body_html,
  user{username, name}, children[]); an unknown article: 404.

Documented (developers.forem.com/api/v1): the endpoints, the headers, the article envelope and
fields, max 4 tags, `published` defaulting to false, the error shape, the comment tree fields.
Assumed: 406 for a missing v1 Accept header, the exact error texts, list ordering (newest
first), `published_at` null on drafts.

Faults: fail_next / echo_next / drop_next from HookFakeServer (the next requests, before any
auth); limit_next(n, retry_after): the next n requests 429 with Retry-After; lose_next_creates(n):
the next n article creations store the article, then hang up without answering.
"""

import itertools
import json
import threading
import urllib.parse
from datetime import datetime, timezone

from fakes import HookFakeServer

ACCEPT = "application/vnd.forem.api-v1+json"
ARTICLE_FIELDS = {"title", "body_markdown", "published", "tags", "series", "canonical_url",
                  "description", "main_image", "organization_id"}


def _json(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()


def forem_error(status, error, headers=None):
    return _json(status, {"error": error, "status": status}, headers)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class DevtoFake(HookFakeServer):
    def __init__(self, key="devto-k3y", username="herald"):
        self.key = key
        self.username = username
        self.articles = []  # oldest first
        self.comments = {}  # article id -> list of top-level comments (with children)
        self._ids = itertools.count(1001)
        self._comment_ids = itertools.count(36 ** 3)
        self._limits = []
        self._lose = 0
        self._state = threading.RLock()
        super().__init__()

    # --- set-up and faults ------------------------------------------------------------------

    def limit_next(self, n, retry_after):
        with self._state:
            self._limits += [retry_after] * n

    def lose_next_creates(self, n=1):
        with self._state:
            self._lose += n

    def add_article(self, title, published=True, published_at=None, **counts):
        with self._state:
            return self._store({"title": title, "body_markdown": "", "published": published},
                               published_at)

    def set_counts(self, article_id, views, reactions, comments):
        with self._state:
            for a in self.articles:
                if a["id"] == article_id:
                    a.update(page_views_count=views, public_reactions_count=reactions,
                             positive_reactions_count=reactions, comments_count=comments)

    def add_comment(self, article_id, username, html, parent=None, created_at=None):
        """A comment (on the article, or under the comment `parent` (its id_code)); returns it."""
        with self._state:
            comment = {"type_of": "comment", "id_code": self._id_code(),
                       "created_at": created_at or now_iso(), "body_html": html,
                       "user": {"username": username, "name": username.title()},
                       "children": []}
            if parent is None:
                self.comments.setdefault(article_id, []).append(comment)
            else:
                self._find(self.comments.get(article_id, []), parent)["children"].append(comment)
            return comment

    def _id_code(self):
        n = next(self._comment_ids)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        out = ""
        while n:
            n, r = divmod(n, 36)
            out = digits[r] + out
        return out

    def _find(self, comments, id_code):
        for c in comments:
            if c["id_code"] == id_code:
                return c
            found = self._find(c["children"], id_code)
            if found:
                return found
        return None

    def creates(self):
        return [r for r in self.requests if r.method == "POST" and r.path == "/api/articles"]

    # --- serving ----------------------------------------------------------------------------

    def handle(self, request):
        with self._state:
            return self._handle(request)

    def _handle(self, request):
        key = request.headers.get("api-key")
        if key != self.key:
            return forem_error(401, "unauthorized")
        if request.headers.get("accept") != ACCEPT:
            return forem_error(406, "the API v1 needs Accept: " + ACCEPT)
        if self._limits:
            return forem_error(429, "Rate limit reached, try again in a few seconds",
                               {"Retry-After": str(self._limits.pop(0))})
        m, path = request.method, request.path
        if m == "GET" and path == "/api/users/me":
            return _json(200, {"type_of": "user", "id": 7, "username": self.username,
                               "name": "Herald", "summary": None})
        if m == "POST" and path == "/api/articles":
            return self._create(request)
        if m == "GET" and path in ("/api/articles/me/all", "/api/articles/me/published"):
            only_published = path.endswith("/published")
            listed = [a for a in reversed(self.articles) if a["published"] or not only_published]
            page = int(request.query.get("page", ["1"])[0])
            per_page = int(request.query.get("per_page", ["30"])[0])
            return _json(200, listed[(page - 1) * per_page:page * per_page])
        if m == "GET" and path == "/api/comments":
            a_id = int(request.query.get("a_id", ["0"])[0])
            if not any(a["id"] == a_id for a in self.articles):
                return forem_error(404, "not found")
            return _json(200, self.comments.get(a_id, []))
        return forem_error(404, "not found")

    def _problem(self, document):
        if not isinstance(document, dict) or set(document) != {"article"}:
            return "param is missing or the value is empty: article"
        article = document["article"]
        if not isinstance(article, dict):
            return "article must be an object"
        unknown = set(article) - ARTICLE_FIELDS
        if unknown:
            return "unpermitted parameters: " + ", ".join(sorted(unknown))
        if not isinstance(article.get("title"), str) or not article["title"].strip():
            return "Title can't be blank"
        if not isinstance(article.get("body_markdown", ""), str):
            return "body_markdown must be a string"
        if not isinstance(article.get("published", False), bool):
            return "published must be true or false"
        tags = article.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            return "tags must be a list of strings"
        if len(tags) > 4:
            return "Tag list exceed the maximum of 4 tags"
        for field in ("series", "canonical_url", "description", "main_image"):
            if field in article and not isinstance(article[field], str):
                return f"{field} must be a string"
        return None

    def _create(self, request):
        try:
            document = json.loads(request.body.decode("utf-8"))
        except ValueError:
            return forem_error(400, "the body is not JSON")
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return forem_error(415, "Content-Type must be application/json")
        problem = self._problem(document)
        if problem:
            return forem_error(422, problem)
        article = self._store(document["article"], None)
        if self._lose:
            self._lose -= 1
            return None  # stored, but the answer is lost
        return _json(201, article)

    def _store(self, fields, published_at):
        article_id = next(self._ids)
        slug = "-".join(fields["title"].lower().split())[:40] + f"-{article_id}"
        published = fields.get("published", False)
        article = {
            "type_of": "article", "id": article_id, "title": fields["title"],
            "description": fields.get("description", ""), "slug": slug,
            "path": f"/{self.username}/{slug}",
            "url": f"https://dev.to/{self.username}/{slug}",
            "canonical_url": fields.get("canonical_url") or f"https://dev.to/{self.username}/{slug}",
            "published": published,
            "published_at": (published_at or now_iso()) if published else None,
            "tag_list": fields.get("tags", []), "series": fields.get("series"),
            "body_markdown": fields.get("body_markdown", ""),
            "page_views_count": 0, "public_reactions_count": 0, "positive_reactions_count": 0,
            "comments_count": 0,
        }
        self.articles.append(article)
        return article
