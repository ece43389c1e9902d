"""The devto platform against a loopback fake Forem API v1 (platforms/devto/fake.py)."""

import json
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.devto.fake import DevtoFake

KEY = "devto-s3cret-k3y"

ACCOUNT = """
accounts:
  dev:
    platform: devto
    url: {url}
    token_env: DEVTO_API_KEY
"""

ARTICLE = """
posts:
  - id: launch
    at: {at}
    to: [dev]
    title: "Herald 2.0: every platform"
    tags: [release, cpp, cli]
    series: Herald releases
    canonical_url: https://example.com/blog/herald-2
    text: |
      # Herald 2.0

      It is out.
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class DevtoTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(DevtoFake(key=KEY))
        self.secrets = {"DEVTO_API_KEY": KEY}

    def calendar(self, posts=None, at=DUE):
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"))
                   + (posts if posts is not None else ARTICLE.format(at=at)))
        return self.herald("validate", env=self.secrets)

    def test_an_article_is_published_with_its_tags_series_and_canonical_url(self):
        self.assertExit(self.calendar(), 0)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        [article] = self.fake.articles
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"], line["url"]),
                         ("posted", str(article["id"]), article["url"]))
        [create] = self.fake.creates()
        self.assertEqual(create.headers["api-key"], KEY)
        self.assertEqual(create.headers["accept"], "application/vnd.forem.api-v1+json")
        self.assertEqual(json.loads(create.body), {"article": {
            "title": "Herald 2.0: every platform",
            "body_markdown": "# Herald 2.0\n\nIt is out.",
            "published": True,
            "tags": ["release", "cpp", "cli"],
            "series": "Herald releases",
            "canonical_url": "https://example.com/blog/herald-2"}})

    def test_plan_shows_the_title_tags_and_series_the_article_gets(self):
        self.assertExit(self.calendar(), 0)
        r = self.herald("plan", "--from", "2026-12-01T00:00:00Z", "--days", "1", env=self.secrets)
        self.assertExit(r, 0)
        self.assertIn("launch -> dev (devto)\n"
                      "         [title] Herald 2.0: every platform\n"
                      "         [tags] release, cpp, cli\n"
                      "         [canonical] https://example.com/blog/herald-2\n"
                      "         [series] Herald releases\n"
                      "         # Herald 2.0\n", r.out)
        r = self.herald("--json", "plan", "--from", "2026-12-01T00:00:00Z", "--days", "1",
                        env=self.secrets)
        [entry] = r.json()["entries"]
        self.assertEqual(entry["article"]["tags"], ["release", "cpp", "cli"])

    def test_published_false_sends_a_draft(self):
        self.assertExit(self.calendar("""
posts:
  - id: draft
    at: 2026-12-01T08:00:00Z
    to: [dev]
    title: Work in progress
    published: false
    text: not yet
"""), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [article] = self.fake.articles
        self.assertEqual((article["title"], article["published"], article["tag_list"]),
                         ("Work in progress", False, []))
        self.assertEqual(json.loads(self.fake.creates()[0].body),
                         {"article": {"title": "Work in progress", "body_markdown": "not yet",
                                      "published": False}})

    def test_validate_refuses_what_cannot_be_a_dev_to_article_at_its_key(self):
        self.write("media/shot.png", PNG)
        r = self.calendar("""
posts:
  - id: untitled
    at: 2026-12-01T08:00:00Z
    to: [dev]
    text: no title
  - id: tagged
    at: 2026-12-01T08:00:00Z
    to: [dev]
    title: Many tags
    tags: [a, b, c, d, e]
    text: five
  - id: pictured
    at: 2026-12-01T08:00:00Z
    to: [dev]
    title: A picture
    text: see
    media:
      - file: media/shot.png
        alt: Shot
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [dev]
    title: A thread
    thread:
      - text: one
      - text: two
""")
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald.yaml:8:5: .*post 'untitled' cannot go to account 'dev' "
                                r"\(devto\): a dev.to article needs a title \(title:\)")
        self.assertRegex(r.err, r"herald.yaml:16:11: .*post 'tagged' cannot go to account 'dev' "
                                r"\(devto\): 5 tags, a dev.to article takes at most 4")
        self.assertRegex(r.err, r"herald.yaml:24:9: .*cannot go to account 'dev' \(devto\): "
                                r"dev.to's API cannot upload media; put images in the text as "
                                r"Markdown links")
        self.assertRegex(r.err, r"herald.yaml:26:5: .*post 'story': account 'dev' \(devto\) "
                                r"cannot take a thread")
        self.assertEqual(self.fake.requests, [])

    def test_a_crash_after_sending_is_found_by_title_not_posted_twice(self):
        # An older article of the same title, before the job started, is not ours.
        self.fake.add_article("Herald 2.0: every platform", published_at="2026-11-01T08:00:00Z")
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        old, article = self.fake.articles
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", str(article["id"])))
        self.assertEqual(len(self.fake.creates()), 1)
        [search] = [q for q in self.fake.requests if q.path == "/api/articles/me/all"]
        self.assertEqual(search.query["per_page"], ["100"])

    def test_herald_post_on_a_fresh_state_finds_the_draft_by_title_and_sends_nothing(self):
        self.calendar(posts="")
        args = ("post", "--to", "dev", "--title", "Release notes 2.1", "--tag", "release",
                "--draft", "--text", "What changed", "--json")
        r = self.herald(*args, env=self.secrets)
        self.assertExit(r, 0)
        [article] = self.fake.articles
        self.assertEqual((article["published"], article["tag_list"]), (False, ["release"]))
        # Another runner, another state: the draft is found among the account's articles.
        self.env["HERALD_STATE"] = str(self.new_state("second"))
        r = self.herald(*args, env=self.secrets)
        self.assertExit(r, 0)
        self.assertIn('"status":"already-posted"', r.out.replace(" ", ""))
        self.assertEqual(len(self.fake.creates()), 1)

    def test_release_notes_get_the_announcement_as_their_title(self):
        self.calendar(posts="")
        self.write("CHANGELOG.md", "# Changelog\n\n## [1.4.0] - 2026-12-01\n\n"
                                   "### Added\n\n- Titles for dev.to\n")
        r = self.herald("post", "--to", "dev", "--release-notes", "CHANGELOG.md", "--version",
                        "1.4.0", env=self.secrets)
        self.assertExit(r, 0)
        [article] = self.fake.articles
        self.assertEqual(article["title"], "Version 1.4.0 is out")

    def test_a_lost_answer_is_never_resent(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.fake.lose_next_creates(1)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/dev  maybe-sent: devto: POST")
        self.assertExit(self.run_at("2026-12-01T09:00:00Z"), 0)
        self.assertEqual(len(self.fake.creates()), 1)

    def test_429_waits_until_retry_after(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        due = now - timedelta(minutes=1)
        self.assertExit(self.calendar(at=iso(due)), 0)
        self.assertExit(self.run_at(iso(due - timedelta(hours=1))), 0)
        self.fake.limit_next(1, 30)
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/dev  rate-limited: devto: POST /api/articles: "
                                r"HTTP 429: Rate limit reached.*next at "
                                + iso(now + timedelta(seconds=30)))
        self.assertEqual(self.fake.articles, [])
        self.assertExit(self.run_at(iso(now + timedelta(seconds=30))), 0)
        self.assertEqual(len(self.fake.articles), 1)

    def test_a_refused_key_is_auth_and_a_422_is_permanent_with_forems_message(self):
        self.assertExit(self.calendar(), 0)
        r = self.run_at(BEFORE, DUE, env={"DEVTO_API_KEY": "wrong-k3y"})
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/dev  auth: devto: POST /api/articles: HTTP 401: "
                                r"unauthorized")
        self.assertNotIn("wrong-k3y", r.out + r.err)
        self.fake.fail_next(1, 422, {"Content-Type": "application/json"},
                            b'{"error": "Canonical url has already been taken", "status": 422}')
        self.calendar(ARTICLE.format(at=DUE).replace("id: launch", "id: again"))
        r = self.run_at(DUE)
        self.assertRegex(r.out, r"failed +again/dev  permanent: devto: POST /api/articles: "
                                r"HTTP 422: Canonical url has already been taken")

    def test_accounts_check_names_the_user(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +dev +devto +@herald on http://127.0.0.1:\d+")
        [me] = self.fake.requests
        self.assertEqual((me.path, me.headers["api-key"]), ("/api/users/me", KEY))
        r = self.herald("accounts", "check", env={"DEVTO_API_KEY": "wrong-k3y"})
        self.assertExit(r, 1)
        self.assertIn("HTTP 401: unauthorized", r.out + r.err)
        self.assertNotIn("wrong-k3y", r.out + r.err)

    def test_engage_lists_comments_on_our_articles_and_a_reply_says_it_cannot_be_sent(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        article = self.fake.add_article("Herald 2.0: every platform")
        ada = self.fake.add_comment(article["id"], "ada", "<p>Does it keep my calendar?</p>")
        # Answered by us already; then a follow-up under our answer.
        ours = self.fake.add_comment(article["id"], "herald", "<p>It does.</p>",
                                     parent=ada["id_code"])
        bob = self.fake.add_comment(article["id"], "bob", "<p>Thanks, and the state?</p>",
                                    parent=ours["id_code"])
        # Between others, under someone else's comment: not for us.
        self.fake.add_comment(article["id"], "cy", "<p>me too</p>", parent=ada["id_code"])
        r = self.herald("--json", "engage", "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        [row] = r.json()
        self.assertEqual((row["author"], row["reason"]), ("bob", "question"))
        self.assertEqual(row["url"], f"{self.fake.url('').rstrip('/')}/bob/comment/"
                                     + bob["id_code"])
        [tree] = [q for q in self.fake.requests if q.path == "/api/comments"]
        self.assertEqual(tree.query["a_id"], [str(article["id"])])
        r = self.herald("engage", "reply", row["id"], "--text", "It does too",
                        "--now", iso(now), env=self.secrets)
        self.assertExit(r, 1)
        self.assertIn("herald cannot send a reply to dev.to", r.out + r.err)
        self.assertIn("/bob/comment/" + bob["id_code"], r.out + r.err)
        self.assertNotIn(KEY, r.out + r.err)

    def test_report_reads_views_reactions_and_comments(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [article] = self.fake.articles
        self.fake.set_counts(article["id"], views=640, reactions=31, comments=4)
        r = self.herald("--json", "report", "collect", "--now", "2026-12-02T08:00:00Z",
                        env=self.secrets)
        self.assertExit(r, 0)
        [account] = r.json()["accounts"]
        self.assertEqual(account["counted"], 1)
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--since", "7d", "--json",
                             env=self.secrets).json()
        [counted] = report["posts"]
        self.assertEqual(counted["counts"], {"impressions": 640, "likes": 31, "replies": 4})


if __name__ == "__main__":
    main()
