"""The lemmy platform against a loopback fake instance (platforms/lemmy/fake.py)."""

import json
import stat
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.lemmy.fake import LemmyFake

PASSWORD = "hunter2-lemmy"

ACCOUNT = """
accounts:
  lem:
    platform: lemmy
    url: {url}
    username_env: LEMMY_USER
    password_env: LEMMY_PASSWORD
    community: {community}
"""

POSTS = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: herald 2.0 is out
    text: "It schedules posts. Notes: https://example.com/notes"
  - id: notes
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: The release notes of herald 2.0
    link: https://example.com/notes
    text: What changed, and why.
"""

ONE = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: herald 2.0 is out
    text: It schedules posts.
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class LemmyTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(LemmyFake(password=PASSWORD))
        self.secrets = {"LEMMY_USER": "herald", "LEMMY_PASSWORD": PASSWORD}

    def calendar(self, posts=ONE, community="technology@lemmy.example"):
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"),
                                                 community=community) + posts)
        return self.herald("validate", env=self.secrets)

    def jwt_file(self):
        folder = self.state.parent / "lemmy"
        [kept] = [p for p in folder.iterdir() if p.suffix == ".json"]
        return kept

    def test_a_text_post_and_a_link_post_with_a_jwt_kept_owner_only(self):
        self.assertExit(self.calendar(POSTS), 0)
        r = self.herald("plan", "--from", "2026-12-01T00:00:00Z", "--days", "1", env=self.secrets)
        self.assertIn("notes -> lem (lemmy)\n"
                      "         [title] The release notes of herald 2.0\n"
                      "         [link] https://example.com/notes\n", r.out)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        text, link = self.fake.posts
        self.assertEqual((text["name"], text["community_id"], text["body"]),
                         ("herald 2.0 is out", 7,
                          "It schedules posts. Notes: https://example.com/notes"))
        self.assertNotIn("url", text)
        self.assertEqual((link["name"], link["url"]),
                         ("The release notes of herald 2.0", "https://example.com/notes"))
        self.assertEqual(link["body"], "What changed, and why.")
        lines = {line["job"]: line for line in r.json_lines()}
        self.assertEqual((lines["launch/lem"]["id"], lines["launch/lem"]["url"]),
                         (str(text["id"]), text["ap_id"]))
        # One login for the run; its JWT on every later call; the community resolved once.
        [login] = self.fake.calls("POST", "/user/login")
        self.assertEqual(login.json, {"username_or_email": "herald", "password": PASSWORD})
        jwt = json.loads(self.jwt_file().read_text())["jwt"]
        for created in self.fake.calls("POST", "/post"):
            self.assertEqual(created.headers["authorization"], "Bearer " + jwt)
        self.assertEqual(len(self.fake.calls("GET", "/community")), 1)
        self.assertEqual(stat.S_IMODE(self.jwt_file().stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(self.jwt_file().parent.stat().st_mode), 0o700)
        self.assertNotIn(PASSWORD, r.out + r.err)
        self.assertNotIn(jwt, r.out + r.err)

    def test_a_refused_jwt_leads_to_one_new_login_and_a_refused_login_to_auth(self):
        self.assertExit(self.calendar(POSTS.replace("at: 2026-12-01T08:00:00Z\n    to: [lem]\n"
                                                    "    title: The",
                                                    "at: 2026-12-02T08:00:00Z\n    to: [lem]\n"
                                                    "    title: The")), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        self.assertEqual(self.fake.logins, 1)
        self.fake.expire_jwts()
        self.assertExit(self.run_at("2026-12-02T08:00:00Z"), 0)
        self.assertEqual((self.fake.logins, len(self.fake.posts)), (2, 2))
        # The kept JWT is the new one.
        self.assertIn(json.loads(self.jwt_file().read_text())["jwt"], self.fake.jwts)
        # A password the instance refuses: auth, one try, never shown.
        self.fake.expire_jwts()
        self.fake.password = "changed"
        self.write("herald.yaml", (self.dir / "herald.yaml").read_text() + """
  - id: later
    at: 2026-12-03T08:00:00Z
    to: [lem]
    title: A third post
    text: three
""")
        r = self.run_at("2026-12-03T08:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +later/lem  auth: lemmy: POST /api/v3/user/login: "
                                r"HTTP 401: incorrect_login")
        self.assertEqual(len(self.fake.calls("POST", "/user/login")), 3)
        self.assertNotIn(PASSWORD, r.out + r.err)

    def test_an_image_goes_to_pict_rs_and_becomes_the_posts_url_with_its_alt_text(self):
        png = b"\x89PNG\r\n\x1a\n" + bytes(64)
        self.write("shot.png", png)
        self.write("big.png", b"\x89PNG\r\n\x1a\n" + bytes(2048))
        self.assertExit(self.calendar("""
posts:
  - id: shot
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: The new scheduler view
    text: What it looks like.
    media: [{file: shot.png, alt: A calendar of posts}]
  - id: big
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: A bigger picture
    text: Too big for this instance.
    media: [{file: big.png, alt: A big picture}]
"""), 0)
        self.fake.image_limit = 1024
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 1)
        [name] = self.fake.images
        self.assertEqual(self.fake.images[name], ("image/png", png))
        [upload] = [q for q in self.fake.requests if q.path == "/pictrs/image"][:1]
        self.assertTrue(upload.headers["authorization"].startswith("Bearer eyJ."))
        [post] = self.fake.posts
        self.assertEqual((post["name"], post["body"], post["url"], post["alt_text"]),
                         ("The new scheduler view", "What it looks like.",
                          self.fake.url("/pictrs/image/" + name), "A calendar of posts"))
        states = {j["job"]: j for j in map(json.loads, r.out.splitlines())}
        self.assertEqual(states["shot/lem"]["status"], "posted")
        self.assertEqual(states["big/lem"]["status"], "failed")
        self.assertIn("lemmy: POST /pictrs/image: the instance refuses big.png as too large",
                      states["big/lem"]["error"])

    def test_a_variant_gives_one_account_its_own_title(self):
        self.fake.communities["rust@lemmy.example"] = {
            "id": 8, "name": "rust", "actor_id": "https://lemmy.example/c/rust"}
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"),
                                                 community="technology@lemmy.example") + """
  rusty:
    platform: lemmy
    url: {url}
    username_env: LEMMY_USER
    password_env: LEMMY_PASSWORD
    community: rust@lemmy.example
  log:
    platform: stub
    dir: out
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [lem, rusty, log]
    title: herald 2.0 is out
    text: It schedules posts.
    variants:
      rusty:
        title: herald 2.0, with a Rust plugin
      log:
        title: Not read
""".format(url=self.fake.url("").rstrip("/")))
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 0)
        self.assertIn("herald.yaml:28:16: warning: post 'launch' has a 'title:' for "
                      "account 'log', but stub does not publish titles (only the "
                      "platforms devto, lemmy and exec do)\n", r.err)
        r = self.herald("plan", "--from", "2026-12-01T00:00:00Z", "--days", "1", env=self.secrets)
        self.assertIn("launch -> lem (lemmy)\n         [title] herald 2.0 is out\n", r.out)
        self.assertIn("launch -> rusty (lemmy)\n         [title] herald 2.0, with a Rust plugin\n",
                      r.out)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        self.assertEqual(sorted((p["community_id"], p["name"]) for p in self.fake.posts),
                         [(7, "herald 2.0 is out"), (8, "herald 2.0, with a Rust plugin")])

    def test_validate_points_at_what_lemmy_cannot_take(self):
        self.write("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(16))
        self.write("pic.png", b"\x89PNG\r\n\x1a\n")
        r = self.calendar("""
posts:
  - id: untitled
    at: 2026-12-01T08:00:00Z
    to: [lem]
    text: no title
  - id: long
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: {long}
    text: too long a title
  - id: clip
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: A clip
    text: see
    media: [{{file: clip.mp4, alt: a clip}}]
  - id: both
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: A picture and a link
    link: https://example.com/
    text: see
    media: [{{file: pic.png, alt: a picture}}]
  - id: album
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: Two pictures
    text: see
    media: [{{file: pic.png, alt: one}}, {{file: pic.png, alt: two}}]
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: A story
    thread:
      - text: one
      - text: two
  - id: short
    at: 2026-12-01T08:00:00Z
    to: [lem]
    title: A fine title
    text: see
    variants:
      lem:
        title: ab
""".format(long="x" * 201), community="technology")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:10:5: error: post 'untitled' cannot go to account 'lem' "
                      "(lemmy): a Lemmy post needs 'title:'", r.err)
        self.assertIn("herald.yaml:17:12: error: post 'long' cannot go to account 'lem' (lemmy): "
                      "the title is 201 characters; Lemmy takes 3 to 200", r.err)
        self.assertRegex(r.err, r"herald.yaml:\d+:\d+: error: .*clip.* 'lem' \(lemmy\): "
                                r"Lemmy takes a JPEG, PNG, GIF or WebP image, not 'clip.mp4' "
                                r"\(video/mp4\)")
        self.assertIn("herald.yaml:25:5: error: post 'both': account 'lem' (lemmy): a Lemmy post "
                      "has one url: its image or 'link:', not both", r.err)
        self.assertRegex(r.err, r"herald.yaml:\d+:\d+: error: .*album.* 'lem' \(lemmy\): "
                                r"a Lemmy post takes one image, not 2")
        self.assertIn("herald.yaml:52:16: error: post 'short' cannot go to account 'lem' (lemmy): "
                      "the title is 2 characters; Lemmy takes 3 to 200", r.err)
        self.assertIn("herald.yaml:38:5: error: post 'story': account 'lem' (lemmy) cannot take a "
                      "thread: a Lemmy post is one title and one body", r.err)
        self.assertRegex(r.err, r"herald.yaml:7:16: error: account 'lem': 'community' must be "
                                r"name@instance")

    def test_a_crash_after_posting_is_found_among_the_accounts_posts(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        [post] = self.fake.posts
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", str(post["id"])))
        self.assertEqual(len(self.fake.posts), 1)
        self.assertEqual(self.fake.calls("GET", "/user")[0].query["username"], ["herald"])

    def test_a_lost_answer_is_looked_up_at_once_and_a_died_run_not_found_is_unknown(self):
        self.assertExit(self.calendar(), 0)
        self.fake.lose_next_posts(1)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        [post] = self.fake.posts
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", str(post["id"])))
        self.assertEqual(len(self.fake.calls("POST", "/post")), 1)

    def test_a_run_that_died_before_sending_leaves_the_job_unknown_not_resent(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.assertExit(
            self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-intent")), 137)
        r = self.run_at("2026-12-01T09:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/lem  a run died while publishing it")
        self.assertEqual(self.fake.posts, [])

    def test_rate_limits_wait_as_429_or_as_rate_limit_error(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.fake.rate_limit_next(1, retry_after=120)
        r = self.run_at(DUE)
        self.assertRegex(r.out, r"retry-wait +launch/lem  rate-limited: lemmy: .*HTTP 429: "
                                r"rate_limit_error .*next at 2026-12-01T08:02:00Z")
        self.fake.rate_limit_next(1, old=True)
        r = self.run_at("2026-12-01T08:02:00Z")
        self.assertRegex(r.out, r"retry-wait +launch/lem  rate-limited: lemmy: .*HTTP 400: "
                                r"rate_limit_error")
        self.assertEqual(self.fake.posts, [])
        self.assertExit(self.run_at("2026-12-01T09:00:00Z"), 0)
        self.assertEqual(len(self.fake.posts), 1)

    def test_accounts_check_names_the_user_and_the_community(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +lem +lemmy +herald@lemmy.example in "
                                r"!technology@lemmy.example \(community 7\)")
        [site] = self.fake.calls("GET", "/site")
        self.assertTrue(site.headers["authorization"].startswith("Bearer eyJ."))
        self.calendar(community="nothing@lemmy.example")
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 1)
        self.assertIn("couldnt_find_community", r.out + r.err)
        self.assertNotIn(PASSWORD, r.out + r.err)

    def test_a_one_off_post_rerun_on_a_fresh_state_finds_the_first_by_its_trimmed_title(self):
        self.calendar("posts: []\n")
        runs = []
        for state in ("run1", "run2"):
            r = self.herald("--json", "post", "--to", "lem", "--title", "  herald 2.1  ", "--text",
                            "A point release.", "--now", "2026-12-01T12:00:00Z",
                            env=dict(self.secrets, HERALD_STATE=str(self.dir / state / "h.db")))
            self.assertExit(r, 0)
            [line] = r.json_lines()
            runs.append(line)
        [post] = self.fake.posts
        self.assertEqual((post["name"], post["body"]), ("herald 2.1", "A point release."))
        self.assertEqual([line["status"] for line in runs], ["posted", "already-posted"])
        self.assertEqual((runs[1]["id"], runs[1]["ledger"]),
                         (str(post["id"]), "the account's recent posts"))

    # --- engage and report -------------------------------------------------------------------

    def test_engage_lists_a_reply_and_a_mention_and_answers_under_the_comment(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        ada = self.fake.add_person(2, "ada")
        bob = self.fake.add_person(3, "bob", host="other.example")
        question = self.fake.add_comment(ada, post["id"], "does 2.0 keep my calendar?")
        ours = self.fake.add_comment(self.fake.me, post["id"], "It does.", question["id"])
        thanks = self.fake.add_comment(ada, post["id"], "thanks!", ours["id"])
        # A mention under someone else's post: a conversation of its own.
        cy = self.fake.add_person(4, "cy")
        elsewhere = self.fake.add_post(cy, "What do you use to schedule posts?")
        bobs = self.fake.add_comment(bob, elsewhere["id"], "@herald@lemmy.example does",
                                     mention=True)
        r = self.herald("--json", "engage", "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        rows = {row["author"]: row for row in r.json()}
        self.assertEqual(sorted(rows), ["ada@lemmy.example", "bob@other.example"])
        self.assertEqual(rows["bob@other.example"]["reason"], "mention")
        self.assertEqual(rows["ada@lemmy.example"]["url"], thanks["ap_id"])
        r = self.herald("engage", "reply", rows["bob@other.example"]["id"], "--text",
                        "Thank you!", "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        [answer] = self.fake.calls("POST", "/comment")
        self.assertEqual(answer.json, {"content": "Thank you!", "post_id": elsewhere["id"],
                                       "parent_id": bobs["id"]})
        # The cursor: the next fetch shows only what is new and still waiting.
        r = self.herald("--json", "engage", "--now", iso(now + timedelta(minutes=5)),
                        env=self.secrets)
        self.assertExit(r, 0)
        self.assertEqual([row["author"] for row in r.json()], ["ada@lemmy.example"])

    def test_report_reads_the_score_and_the_comments(self):
        self.calendar()
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        self.fake.counts[post["id"]].update(score=40, upvotes=42, downvotes=2, comments=5)
        r = self.herald("--json", "report", "collect", "--now", "2026-12-02T08:00:00Z",
                        env=self.secrets)
        self.assertExit(r, 0)
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--since", "7d", "--json",
                             env=self.secrets).json()
        [counted] = report["posts"]
        self.assertEqual(counted["counts"], {"likes": 42, "replies": 5, "score": 40,
                                             "downvotes": 2})
        self.assertEqual(self.fake.calls("GET", "/post")[-1].query["id"], [str(post["id"])])


if __name__ == "__main__":
    main()
