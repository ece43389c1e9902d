"""The linkedin platform against a loopback fake of LinkedIn's versioned Posts API
(platforms/linkedin/fake.py), which refuses a request without Linkedin-Version or
X-Restli-Protocol-Version and, like LinkedIn, silently cuts a post at an unescaped reserved
character."""

import re
import urllib.parse
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.linkedin.fake import LinkedInFake

TOKEN = "li-s3cret-t0ken"
PERSON = "urn:li:person:abc123XYZ"
BOB = "urn:li:person:bob"
CAROL = "urn:li:person:carol"

ACCOUNT = """
accounts:
  li:
    platform: linkedin
    url: {url}
    token_env: LINKEDIN_TOKEN
{extra}"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [li]
    text: {text}
"""

THREAD = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [li]
    thread:
      - text: "herald 2.0 is out"
      - text: "What changed: plan --diff"
"""

RESERVED = "herald (v2.0) #release @team [docs] a_b ~x* |pipe {brace} <tag> back\\\\slash"
BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def enc(urn):
    return urllib.parse.quote(urn, safe="")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class LinkedinTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(LinkedInFake(token=TOKEN))
        self.secrets = {"LINKEDIN_TOKEN": TOKEN}

    def calendar(self, posts=None, extra="", text='"herald 2.0 is out"'):
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"), extra=extra)
                   + (posts if posts is not None else POST.format(text=text)))
        return self.herald("validate", env=self.secrets)

    def job(self, name="launch/li"):
        return super().job(name)

    def test_a_post_keeps_every_reserved_character_and_names_its_urn(self):
        self.assertExit(self.calendar(text='"' + RESERVED.replace('"', '\\"') + '"'), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [post] = self.fake.posts
        expected = RESERVED.replace("\\\\", "\\")
        self.assertEqual((post["text"], post["cut"]), (expected, False))
        self.assertEqual(post["author"], "urn:li:person:abc123XYZ")  # from /v2/userinfo
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"], line["url"]),
                         ("posted", post["urn"],
                          f"https://www.linkedin.com/feed/update/{post['urn']}/"))
        [request] = self.fake.calls("POST", "/rest/posts")
        self.assertRegex(request.headers["linkedin-version"], r"^20\d{4}$")
        self.assertEqual(request.headers["x-restli-protocol-version"], "2.0.0")
        self.assertEqual(request.json["distribution"]["feedDistribution"], "MAIN_FEED")

    def test_an_image_with_alt_text_and_several_images(self):
        self.write("media/a.png", PNG)
        self.write("media/b.png", PNG)
        posts = """
posts:
  - id: one
    at: 2026-12-01T08:00:00Z
    to: [li]
    text: one image
    media:
      - file: media/a.png
        alt: The plan view
  - id: two
    at: 2026-12-01T08:00:00Z
    to: [li]
    text: two images
    media:
      - file: media/a.png
        alt: First
      - file: media/b.png
        alt: Second
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        by_text = {p["text"]: p for p in self.fake.posts}
        media = by_text["one image"]["content"]["media"]
        self.assertEqual(media["altText"], "The plan view")
        self.assertEqual(self.fake.images[media["id"]]["uploaded"], PNG)
        images = by_text["two images"]["content"]["multiImage"]["images"]
        self.assertEqual([i["altText"] for i in images], ["First", "Second"])

    def test_a_thread_is_refused_unless_comments_are_asked_for(self):
        r = self.calendar(THREAD)
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald\.yaml:\d+:\d+: .*post 'story': account 'li' \(linkedin\) "
                                r"cannot take a thread")
        self.assertExit(self.calendar(THREAD, extra="    thread: comments\n"), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        [comment] = self.fake.comments
        self.assertEqual((comment["object"], comment["text"]),
                         (post["urn"], "What changed: plan --diff"))
        self.assertEqual(self.job("story/li")["id"], post["urn"])

    def test_a_failed_comment_leaves_the_job_to_a_person_never_commenting_twice(self):
        self.assertExit(self.calendar(THREAD.replace(
            '      - text: "What changed: plan --diff"',
            '      - text: "What changed: plan --diff"\n      - text: "And more"'),
            extra="    thread: comments\n"), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        original = self.fake.handle
        comments = []

        def refuse_second_comment(request):
            if request.method == "POST" and request.path.endswith("/comments"):
                comments.append(request)
                if len(comments) == 2:
                    return 429, {"Content-Type": "application/json"}, \
                        b'{"status":429,"message":"Resource level throttle DAY limit"}'
            return original(request)
        self.fake.handle = refuse_second_comment
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +story/\w+  maybe-sent: .*part \d of \d; the thread "
                                r"starts at ")
        self.fake.handle = original
        self.assertEqual(self.run_at("2026-12-01T09:00:00Z").out, "")
        self.assertEqual(self.job("story/li")["state"], "unknown")
        self.assertEqual(len(self.fake.posts), 1)
        self.assertEqual([c["text"] for c in self.fake.comments], ["What changed: plan --diff"])

    def test_length_at_3000_and_one_over(self):
        self.assertExit(self.calendar(text="a" * 3000), 0)
        r = self.calendar(text="a" * 3001)
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"too long for account 'li' \(linkedin\): text is 3001 .*the limit "
                                r"is 3000")

    def test_a_duplicate_is_recorded_as_the_post_it_names(self):
        self.calendar()
        earlier = self.fake.add_post("urn:li:person:abc123XYZ", "herald 2.0 is out")
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", earlier["urn"]))
        self.assertEqual(len(self.fake.posts), 1)

    def test_a_crash_after_sending_is_found_among_the_authors_posts(self):
        self.calendar()
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        [post] = self.fake.posts
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", post["urn"]))
        self.assertEqual(len(self.fake.calls("POST", "/rest/posts")), 1)

    def test_429_waits_for_the_daily_quota(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar(POST.format(text="quota").replace("2026-12-01T08:00:00Z",
                                                        iso(now - timedelta(minutes=1))))
        self.assertExit(self.run_at(iso(now - timedelta(hours=1))), 0)
        self.fake.quota_exceeded = True
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertIn("rate-limited: linkedin: POST /rest/posts: HTTP 429", r.out)
        # LinkedIn's quotas reset at midnight UTC (herald waits at most an hour for a server).
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0)
        wait = min(midnight, now + timedelta(hours=1))
        self.assertEqual(self.job()["next_attempt"], iso(wait))
        self.assertEqual(self.fake.posts, [])

    def test_an_inactive_version_fails_and_says_what_to_set(self):
        self.calendar(extra="    version: \"202301\"\n")
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/li  permanent: linkedin: POST /rest/posts: HTTP "
                                r"426: Requested version 202301 is not active \(set version:")

    def test_token_expiry_warns_a_week_ahead_and_fails_after(self):
        soon = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%d")
        r = self.calendar(extra=f"    token_expires: {soon}\n")
        self.assertExit(r, 0)
        self.assertRegex(r.err, rf"warning: account 'li': the token expires on {soon} \(in [23] "
                                r"days\)")
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertIn(f"the token expires on {soon}", r.out)
        past = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%d")
        r = self.calendar(extra=f"    token_expires: {past}\n")
        self.assertIn(f"the token expired on {past}", r.err)
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, rf"failed +launch/li  auth: linkedin: the token expired on {past}")
        self.assertEqual(self.fake.posts, [])
        self.assertExit(self.herald("accounts", "check", env=self.secrets), 1)

    def test_accounts_check_shows_the_members_urn_and_no_secret(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +li +linkedin +urn:li:person:abc123XYZ")
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_report_reads_member_post_statistics(self):
        self.calendar()
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        self.fake.set_counts(post["urn"], impressions=400, reactions=12, comments=3, reshares=2)
        r = self.herald("--json", "report", "collect", "--now", "2026-12-02T08:00:00Z",
                        env=self.secrets)
        self.assertExit(r, 0)
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--since", "7d", "--json",
                             env=self.secrets).json()
        [counted] = report["posts"]
        self.assertEqual(counted["counts"], {"impressions": 400, "likes": 12, "replies": 3,
                                             "reposts": 2})
        self.fake.analytics_allowed = False
        r = self.herald("report", "collect", "--now", "2026-12-02T09:00:00Z", env=self.secrets)
        self.assertExit(r, 1)
        self.assertIn("r_member_postAnalytics", r.err)


    # --- engage: the comments on our posts ----------------------------------------------------

    def engage(self, at, *args, status=0):
        r = self.herald("--json", "engage", "--now", iso(at), *args, env=self.secrets)
        self.assertExit(r, status)
        self.assertNotIn(TOKEN, r.out + r.err)
        return r

    def our_post(self, now, text="herald 2.0 is out"):
        return self.fake.add_post(PERSON, text, created_at=(now - timedelta(hours=3)).timestamp())

    def test_engage_lists_a_strangers_comment_and_answers_it_under_that_comment(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now)
        bob = self.fake.add_comment(post["urn"], BOB, "does 2.0 keep my calendar?")
        [row] = self.engage(now).json()
        self.assertEqual((row["platform"], row["author"], row["text"], row["reason"]),
                         ("linkedin", BOB, "does 2.0 keep my calendar?", "question"))
        self.assertEqual(row["url"], f"https://www.linkedin.com/feed/update/{post['urn']}/"
                                     f"?commentUrn={enc(bob['urn'])}")
        [posts] = self.fake.calls("GET", "/rest/posts")
        self.assertEqual((posts.query["q"], posts.query["author"]), (["author"], [PERSON]))
        r = self.herald("engage", "reply", row["id"], "--text", "It does (all of it)", "--now",
                        iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.comments[-1]
        self.assertEqual((answer["actor"], answer["object"], answer["parent"], answer["text"]),
                         (PERSON, post["urn"], bob["urn"], "It does (all of it)"))
        [sent] = self.fake.calls("POST", f"/rest/socialActions/{enc(bob['urn'])}/comments")
        self.assertEqual(sent.json["parentComment"], bob["urn"])
        self.assertEqual(self.engage(now + timedelta(minutes=5)).json(), [])

    def test_a_comment_we_answered_does_not_wait_and_the_others_do(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now)
        bob = self.fake.add_comment(post["urn"], BOB, "lovely release",
                                    created=(now - timedelta(hours=2)).timestamp())
        self.fake.add_comment(post["urn"], PERSON, "thank you!", parent=bob["urn"],
                              created=(now - timedelta(hours=1)).timestamp())
        self.fake.add_comment(post["urn"], CAROL, "and the docs?")
        self.fake.add_comment(post["urn"], PERSON, "a note of our own")
        rows = self.engage(now).json()
        self.assertEqual([(r["author"], r["text"]) for r in rows], [(CAROL, "and the docs?")])

    def test_a_nested_reply_after_our_answer_waits_and_is_answered_under_the_first_comment(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now)
        bob = self.fake.add_comment(post["urn"], BOB, "does it post threads?",
                                    created=(now - timedelta(hours=2)).timestamp())
        self.fake.add_comment(post["urn"], PERSON, "as comments, yes", parent=bob["urn"],
                              created=(now - timedelta(hours=1)).timestamp())
        # Replies to one comment are siblings on LinkedIn, ordered by time (LinkedIn's own clock).
        again = self.fake.add_comment(post["urn"], BOB, "and images in them?", parent=bob["urn"],
                                      created=(now - timedelta(minutes=30)).timestamp())
        [row] = self.engage(now).json()
        self.assertEqual((row["author"], row["text"]), (BOB, "and images in them?"))
        self.assertIn(enc(again["urn"]), row["url"])
        r = self.herald("engage", "reply", row["id"], "--text", "not in comments", "--now",
                        iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.comments[-1]
        # LinkedIn nests two levels: the answer to a reply goes under the first-level comment.
        self.assertEqual((answer["parent"], answer["object"], answer["text"]),
                         (bob["urn"], post["urn"], "not in comments"))
        self.assertEqual(self.engage(now + timedelta(minutes=5)).json(), [])

    def test_every_page_of_comments_and_replies_is_read(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now)
        first = None
        for i in range(120):
            comment = self.fake.add_comment(post["urn"], PERSON, f"note {i}",
                                            created=(now - timedelta(hours=2)).timestamp())
            first = first or comment
        self.fake.add_comment(post["urn"], BOB, "the last one?")
        for i in range(105):
            self.fake.add_comment(post["urn"], PERSON, f"reply {i}", parent=first["urn"],
                                  created=(now - timedelta(hours=2)).timestamp())
        self.fake.add_comment(post["urn"], CAROL, "deep down?", parent=first["urn"])
        rows = self.engage(now).json()
        self.assertEqual(sorted(r["text"] for r in rows), ["deep down?", "the last one?"])
        pages = self.fake.calls("GET", f"/rest/socialActions/{enc(post['urn'])}/comments")
        self.assertEqual([p.query["start"] for p in pages], [["0"], ["100"]])

    def test_the_cursor_and_the_lookback_window_bound_what_is_news(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now - timedelta(days=30))
        self.fake.add_comment(post["urn"], BOB, "a month ago?",
                              created=(now - timedelta(days=30)).timestamp())
        self.fake.add_comment(post["urn"], CAROL, "today")
        self.assertEqual([r["text"] for r in self.engage(now).json()], ["today"])
        # Written before the last fetch's newest comment: not news any more.
        self.fake.add_comment(post["urn"], BOB, "backdated",
                              created=(now - timedelta(hours=1)).timestamp())
        self.fake.add_comment(post["urn"], BOB, "fresh",
                              created=(now + timedelta(minutes=1)).timestamp())
        texts = sorted(r["text"] for r in self.engage(now + timedelta(minutes=5)).json())
        self.assertEqual(texts, ["fresh", "today"])

    def test_a_conversation_on_an_older_post_is_read_again_through_its_activity(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        post = self.our_post(now)
        self.fake.add_comment(post["urn"], BOB, "still there?")
        self.assertEqual(len(self.engage(now).json()), 1)
        for i in range(10):
            self.our_post(now + timedelta(hours=1 + i), text=f"newer {i}")
        [row] = self.engage(now + timedelta(minutes=5)).json()
        self.assertEqual(row["text"], "still there?")
        activity = "urn:li:activity:" + post["urn"].rsplit(":", 1)[1]
        self.assertEqual(len(self.fake.calls("GET",
                                             f"/rest/socialActions/{enc(activity)}/comments")), 1)

    def test_engage_says_a_refused_token_and_the_scope_it_needs(self):
        self.calendar()
        r = self.herald("engage", env={"LINKEDIN_TOKEN": "wrong-t0ken"})
        self.assertExit(r, 1)
        self.assertIn("herald: engage: account 'li': linkedin: GET /v2/userinfo: HTTP 401: "
                      "Invalid access token", r.err)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        post = self.our_post(now)
        self.fake.add_comment(post["urn"], BOB, "hello?")
        original = self.fake.handle
        denied = (403, {"Content-Type": "application/json"},
                  b'{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED",'
                  b'"message":"Not enough permissions to access: socialActions"}')

        def without_scope(method):
            def handle(request):
                if request.method == method and "/rest/socialActions/" in request.path:
                    return denied
                return original(request)
            return handle
        self.fake.handle = without_scope("GET")
        r = self.engage(now, status=1)
        self.assertIn("linkedin: GET /rest/socialActions/:urn/comments: HTTP 403: Not enough "
                      "permissions to access: socialActions (the token needs the r_member_social "
                      "scope)", r.err)
        self.fake.handle = original
        [row] = self.engage(now).json()
        self.fake.handle = without_scope("POST")
        r = self.herald("engage", "reply", row["id"], "--text", "hi", "--now", iso(now),
                        env=self.secrets)
        self.assertExit(r, 1)
        self.assertIn("auth: linkedin: POST /rest/socialActions/:urn/comments: HTTP 403", r.err)
        self.assertIn("(the token needs the w_member_social scope)", r.err)
        self.assertNotIn(TOKEN, r.out + r.err)
        self.assertEqual([c["text"] for c in self.fake.comments], ["hello?"])

if __name__ == "__main__":
    main()
