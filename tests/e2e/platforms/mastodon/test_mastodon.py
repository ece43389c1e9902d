"""The mastodon platform against a loopback fake of the Mastodon API (fake_mastodon.py)."""

import re
from datetime import datetime, timedelta, timezone

from platforms.mastodon.fake import FakeMastodon
from harness import main
from platform_suite import PlatformTest

TOKEN = "s3cr3t-token"
ENV = {"MASTODON_TOKEN": TOKEN}

ACCOUNTS = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
    visibility: unlisted
    language: en
"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [masto]
    text: herald 2.0 is out https://example.org/herald/2.0
"""

THREAD = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [masto]
    thread:
      - text: "1/ first"
      - text: "2/ second, with a picture"
        media:
          - file: media/shot.png
            alt: A screenshot of the plan view
      - text: "3/ third"
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class MastodonTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(FakeMastodon(token=TOKEN).start())
        self.secrets = ENV

    def calendar(self, posts=POST, accounts=ACCOUNTS):
        self.write("herald.yaml", accounts.format(url=self.fake.url) + posts)
        self.assertExit(self.run_at(BEFORE), 0)

    def job(self, name="launch/masto"):
        return super().job(name)

    def test_post_is_published_once_with_token_visibility_and_key(self):
        self.calendar()
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [req] = self.fake.status_posts()
        self.assertEqual(req["headers"]["authorization"], f"Bearer {TOKEN}")
        self.assertTrue(req["headers"]["idempotency-key"].startswith("herald-"))
        self.assertEqual(req["json"]["status"], "herald 2.0 is out https://example.org/herald/2.0")
        self.assertEqual(req["json"]["visibility"], "unlisted")
        self.assertEqual(req["json"]["language"], "en")
        self.assertNotIn("in_reply_to_id", req["json"])
        [status] = self.fake.statuses.values()
        self.assertEqual((line["id"], line["url"]), (status["id"], status["url"]))
        # Later ticks send nothing more.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        self.assertEqual(len(self.fake.status_posts()), 1)

    def test_thread_chains_replies_and_uploads_media_with_alt_text(self):
        self.write("media/shot.png", b"\x89PNG\r\n\x1a\nnot really a png")
        self.calendar(THREAD)
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        posts = self.fake.status_posts()
        self.assertEqual([p["json"]["status"] for p in posts],
                         ["1/ first", "2/ second, with a picture", "3/ third"])
        ids = list(self.fake.statuses)
        self.assertEqual(line["id"], ids[0])  # the thread is known by its first status
        self.assertEqual([p["json"].get("in_reply_to_id") for p in posts], [None, ids[0], ids[1]])
        # Every part has its own stable key (reliability D11).
        keys = [p["headers"]["idempotency-key"] for p in posts]
        self.assertEqual(len(set(keys)), 3)
        self.assertEqual(keys[1:], [keys[0] + "-1", keys[0] + "-2"])
        # The media: uploaded with its alt text, answered 202, polled until ready, attached.
        [upload] = self.fake.requests("POST", "/api/v2/media")
        self.assertEqual(upload["fields"]["description"], "A screenshot of the plan view")
        self.assertEqual(upload["fields"]["file"]["filename"], "shot.png")
        self.assertEqual(upload["fields"]["file"]["content_type"], "image/png")
        [media_id] = self.fake.media
        polls = self.fake.requests("GET", f"/api/v1/media/{media_id}")
        self.assertEqual(len(polls), 2)  # 206 once, then 200 with a url
        self.assertEqual(posts[1]["json"]["media_ids"], [media_id])
        self.assertNotIn("media_ids", posts[0]["json"])

    def test_resend_after_a_crash_after_send_creates_no_second_status(self):
        self.calendar()
        r = self.run_at(DUE, env=dict(ENV, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        self.assertEqual(len(self.fake.statuses), 1)
        # The lease still holds at 08:05; at 08:10 the job is resent with the same key.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        posts = self.fake.status_posts()
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[0]["headers"]["idempotency-key"], posts[1]["headers"]["idempotency-key"])
        [status] = self.fake.statuses.values()
        self.assertEqual(line["id"], status["id"])
        [job] = self.herald("--json", "history", env=ENV).json()
        self.assertEqual((job["job"], job["id"]), ("launch/masto", status["id"]))

    def test_an_old_sending_job_is_found_among_the_recent_statuses_not_resent(self):
        # The runner died after the post went out; it is found an hour later, when Mastodon no
        # longer remembers the key.
        self.calendar()
        self.fake.created_at = lambda: "2026-12-01T08:00:01.250Z"
        self.assertExit(self.run_at(DUE, env=dict(ENV, HERALD_TEST_CRASH_AT="after-send")), 137)
        [status] = self.fake.statuses.values()
        self.fake.created_at = lambda: "2026-12-01T08:30:00.000Z"  # someone posts by hand
        self.fake.create_status({"authorization": f"Bearer {TOKEN}"}, {"status": "by hand"})
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"], line["url"]),
                         ("posted", status["id"], status["url"]))
        self.assertEqual(len(self.fake.status_posts()), 1)
        # Only the status whose content could show the text is asked for its source.
        sources = self.fake.requests("GET", "/api/v1/statuses/")
        self.assertEqual([q["path"] for q in sources], [f"/api/v1/statuses/{status['id']}/source"])

    def test_an_old_sending_job_not_on_the_platform_becomes_unknown(self):
        self.calendar()
        self.assertExit(self.run_at(DUE, env=dict(ENV, HERALD_TEST_CRASH_AT="after-intent")), 137)
        self.assertEqual(self.fake.statuses, {})
        r = self.run_at("2026-12-01T09:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/masto  a run died while publishing it, 1h ago, "
                                r"longer than mastodon remembers the request; it may or may not "
                                r"have been posted \(it is not among the account's posts since then\)")
        self.assertEqual(self.fake.status_posts(), [])
        self.assertEqual(self.job()["state"], "unknown")

    def test_lost_answer_is_retried_on_the_same_key(self):
        # The status is created, then the connection drops: maybe sent, safe to resend here.
        self.calendar()
        self.fake.fail("/api/v1/statuses", close=True, after=True)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertIn("retry-wait", r.out)
        self.assertEqual(self.job()["state"], "retry-wait")
        r = self.run_at("2026-12-01T08:30:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        self.assertEqual(len(self.fake.statuses), 1)
        self.assertEqual(line["id"], next(iter(self.fake.statuses)))

    def test_429_reschedules_at_the_rate_limit_reset(self):
        # herald clamps a reset against the wall clock (reliability M6), so this test runs at
        # the real time rather than at a fixed --now.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        due, reset = now - timedelta(minutes=1), now + timedelta(minutes=7, seconds=30)
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url) +
                   POST.replace("2026-12-01T08:00:00Z", iso(due)))
        self.assertExit(self.herald("run", "--now", iso(due - timedelta(hours=1)), env=ENV), 0)
        self.fake.fail("/api/v1/statuses", status=429,
                       headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000000Z")},
                       body={"error": "Too many requests"})
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/masto  rate-limited: mastodon: POST "
                                r"/api/v1/statuses: HTTP 429: Too many requests .*next at "
                                + re.escape(iso(reset)))
        job = self.job()
        self.assertEqual((job["state"], job["next_attempt"]), ("retry-wait", iso(reset)))
        self.assertEqual(self.fake.statuses, {})
        # Not before the reset; at the reset it goes out.
        self.assertEqual(self.run_at(iso(reset - timedelta(seconds=30))).out, "")
        r = self.run_at(iso(reset))
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        self.assertEqual(len(self.fake.statuses), 1)

    def test_500_is_retried_and_then_posted(self):
        self.calendar()
        self.fake.fail("/api/v1/statuses", status=500)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/masto  maybe-sent: mastodon: POST "
                                r"/api/v1/statuses: HTTP 500")
        self.assertEqual(self.job()["state"], "retry-wait")
        r = self.run_at("2026-12-01T08:30:00Z")
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        posts = self.fake.status_posts()
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[0]["headers"]["idempotency-key"], posts[1]["headers"]["idempotency-key"])
        self.assertEqual(len(self.fake.statuses), 1)

    def test_401_fails_with_the_platform_message(self):
        self.calendar()
        r = self.run_at(DUE, env={"MASTODON_TOKEN": "wrong-token"})
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/masto  auth: mastodon: POST /api/v1/statuses: "
                                r"HTTP 401: The access token is invalid")
        self.assertEqual(self.job()["state"], "failed")
        self.assertEqual(self.fake.statuses, {})

    def test_too_long_text_is_refused_before_sending(self):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url)
                   + POST.replace("text: herald 2.0 is out", "text: " + "x" * 480))
        # Caught when the calendar is read: the run publishes nothing and creates no state.
        r = self.run_at(DUE)
        self.assertFalse(self.state.exists())
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"too long for account '\w+' \(mastodon\): text is 50\d characters"
                                r".*the limit is 500")
        self.assertEqual(self.fake.log, [])

    def test_validate_reports_an_unset_token_at_its_line(self):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url) + POST)
        r = self.herald("validate")
        self.assertNotEqual(r.code, 0, repr(r))
        text = r.out + r.err
        self.assertRegex(text, r"herald\.yaml:5:\d+")  # the token_env line
        self.assertIn("MASTODON_TOKEN", text)
        self.assertIn("is not set", text)
        self.assertExit(self.herald("validate", env=ENV), 0)

    def test_validate_checks_url_and_visibility(self):
        bad = ACCOUNTS.replace("visibility: unlisted", "visibility: followers")
        self.write("herald.yaml", bad.format(url="http://example.org") + POST)
        r = self.herald("validate", env=ENV)
        self.assertNotEqual(r.code, 0, repr(r))
        text = r.out + r.err
        self.assertRegex(text, r"herald\.yaml:4:\d+.*'url'")
        self.assertRegex(text, r"herald\.yaml:6:\d+.*'visibility'")

    def test_verbose_run_never_shows_the_token(self):
        self.write("media/shot.png", b"\x89PNG\r\n\x1a\nnot really a png")
        self.calendar(THREAD)
        self.fake.fail("/api/v1/statuses", status=500)
        r = self.run_at(DUE, flags=["-v"])
        r2 = self.run_at("2026-12-01T08:30:00Z", flags=["-v"])
        self.assertIn("posted", r2.out)
        for result in (r, r2):
            self.assertNotIn(TOKEN, result.out + result.err)
        self.assertIn("/api/v1/statuses", r.out + r.err)  # the verbose log did run


    # --- what the server says (issue 19: items 1 and 4) --------------------------------------

    def error_rows(self):
        return [row[0] for row in self.state_rows("SELECT error FROM jobs")]

    def test_a_server_that_echoes_the_token_never_gets_it_printed_or_stored(self):
        self.calendar()
        self.fake.fail("/api/v1/statuses", status=422, body=lambda headers, target: {
            "error": f"refused {headers.get('authorization')} (token {TOKEN}) for {target}"})
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertEqual(line["error"], "permanent: mastodon: POST /api/v1/statuses: HTTP 422: "
                                        "refused Bearer *** (token ***) for /api/v1/statuses")
        status = self.herald("--json", "status", env=ENV)
        for text in (r.out, r.err, status.out, *self.error_rows()):
            self.assertNotIn(TOKEN, text)
        self.assertEqual(self.job()["error"], line["error"])

    def test_a_long_error_in_japanese_is_cut_between_characters(self):
        self.calendar()
        self.fake.fail("/api/v1/statuses", status=422, body={"error": "!" + "日本語" * 70})
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 1)
        [line] = r.json_lines()
        # One byte, then three-byte characters: byte 300 falls inside the 100th, which is left
        # out whole.
        self.assertEqual(line["error"], "permanent: mastodon: POST /api/v1/statuses: HTTP 422: !"
                                        + ("日本語" * 34)[:99] + "...")
        self.assertEqual(self.job()["error"], line["error"])
        [stored] = self.error_rows()
        self.assertEqual(stored, line["error"])


    def test_escape_sequences_in_an_error_never_reach_the_terminal(self):
        # Issue 19, item 9: run, status and -v print the server's text without its controls.
        self.calendar()
        self.fake.fail("/api/v1/statuses", status=422,
                       body={"error": "bad\x1b[2J\x1b]0;owned\x07 \u009b31mtext\rover"})
        r = self.run_at(DUE, flags=["-v"])
        self.assertExit(r, 1)
        status = self.herald("status", env=ENV)
        for text in (r.out, r.err, status.out):
            self.assertNotRegex(text, "[\x00-\x08\x0b-\x1f\x7f-\x9f]")
        self.assertIn("HTTP 422: bad[2J]0;owned 31mtextover", r.out)
        self.assertIn("HTTP 422: bad[2J]0;owned 31mtextover", status.out)


if __name__ == "__main__":
    main()
