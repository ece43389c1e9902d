"""The bluesky platform against a loopback fake of an AT Protocol PDS (fake_bluesky.py)."""

import json
import re
import stat
import time
from datetime import datetime, timedelta, timezone

from platforms.bluesky.fake import TID_RE, FakeBluesky
from harness import main
from platform_suite import PlatformTest

PASSWORD = "app-pass-s3cr3t"
ENV = {"BSKY_PASSWORD": PASSWORD}

ACCOUNTS = """
accounts:
  sky:
    platform: bluesky
    url: {url}
    handle: alice.test
    password_env: BSKY_PASSWORD
    language: fr
    link_card: false  # test_link_card.py fetches cards, from a loopback page server
"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: "café → https://example.org/x #launch with @bob.test and @nobody.test"
"""

SECOND = """
  - id: later
    at: 2026-12-02T08:00:00Z
    to: [sky]
    text: the second post
"""

THREAD = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [sky]
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
# 16x9 PNG header (IHDR) and a few bytes: enough for aspectRatio.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x09"
       b"\x08\x02\x00\x00\x00not really a png")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class BlueskyTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(FakeBluesky(password=PASSWORD,
                                    others={"bob.test": "did:plc:bob0000000000000000"}))
        self.secrets = ENV

    def calendar(self, posts=POST):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url("")) + posts)
        self.assertExit(self.run_at(BEFORE), 0)

    def job(self, name="launch/sky"):
        return super().job(name)

    def session_files(self):
        folder = self.state.parent / "bluesky"
        return sorted(folder.iterdir()) if folder.exists() else []

    def test_post_with_facets_at_utf8_byte_offsets(self):
        self.calendar()
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [post] = self.fake.posts()
        rkey = post["rkey"]
        self.assertRegex(rkey, TID_RE)
        self.assertEqual(line["id"], f"at://{self.fake.did}/app.bsky.feed.post/{rkey}")
        self.assertEqual(line["url"], f"https://bsky.app/profile/alice.test/post/{rkey}")
        record = post["value"]
        text = record["text"]
        self.assertEqual(text, "café → https://example.org/x #launch with @bob.test and @nobody.test")
        self.assertEqual(record["langs"], ["fr"])
        self.assertRegex(record["createdAt"], r"^2026-12-01T08:00:00\.000Z$")
        data = text.encode()
        spans = [(f["index"]["byteStart"], f["index"]["byteEnd"], f["features"][0])
                 for f in record["facets"]]
        self.assertEqual(spans, [
            (10, 31, {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/x"}),
            (32, 39, {"$type": "app.bsky.richtext.facet#tag", "tag": "launch"}),
            (45, 54, {"$type": "app.bsky.richtext.facet#mention",
                      "did": "did:plc:bob0000000000000000"}),
        ])
        self.assertEqual([data[s:e].decode() for s, e, _ in spans],
                         ["https://example.org/x", "#launch", "@bob.test"])
        # @nobody.test did not resolve: plain text, and the post still went out.
        self.assertEqual(len(self.fake.calls("com.atproto.identity.resolveHandle")), 2)
        # Later ticks send nothing more.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        self.assertEqual(len(self.fake.calls("com.atproto.repo.createRecord")), 1)

    def test_thread_with_reply_refs_and_an_image_with_alt_text(self):
        self.write("media/shot.png", PNG)
        self.calendar(THREAD)
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        posts = self.fake.posts()
        self.assertEqual([p["value"]["text"] for p in posts],
                         ["1/ first", "2/ second, with a picture", "3/ third"])
        self.assertEqual(line["id"], posts[0]["uri"])  # the thread is known by its first post
        rkeys = [p["rkey"] for p in posts]
        self.assertEqual(rkeys, sorted(rkeys))
        self.assertEqual(len(set(rkeys)), 3)
        root = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
        self.assertNotIn("reply", posts[0]["value"])
        self.assertEqual(posts[1]["value"]["reply"], {"root": root, "parent": root})
        self.assertEqual(posts[2]["value"]["reply"],
                         {"root": root, "parent": {"uri": posts[1]["uri"], "cid": posts[1]["cid"]}})
        [upload] = self.fake.calls("com.atproto.repo.uploadBlob")
        self.assertEqual(upload.headers["content-type"], "image/png")
        self.assertEqual(upload.body, PNG)
        [blob_cid] = self.fake.blobs
        embed = posts[1]["value"]["embed"]
        self.assertEqual(embed["$type"], "app.bsky.embed.images")
        [image] = embed["images"]
        self.assertEqual(image["alt"], "A screenshot of the plan view")
        self.assertEqual(image["image"]["ref"]["$link"], blob_cid)
        self.assertEqual(image["aspectRatio"], {"width": 16, "height": 9})
        self.assertNotIn("embed", posts[0]["value"])

    def test_session_is_kept_owner_only_and_reused_across_runs(self):
        self.calendar(POST + SECOND)
        self.assertExit(self.run_at(DUE), 0)
        self.assertExit(self.run_at("2026-12-02T08:00:00Z"), 0)
        self.assertExit(self.herald("accounts", "check", env=ENV), 0)
        self.assertEqual(len(self.fake.posts()), 2)
        self.assertEqual(len(self.fake.calls("com.atproto.server.createSession")), 1)
        [session] = self.session_files()
        self.assertEqual(session.name, f"alice.test@127.0.0.1_{self.fake.port}.json")
        self.assertEqual(stat.S_IMODE(session.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(session.parent.stat().st_mode), 0o700)
        stored = json.loads(session.read_text())
        self.assertIn(stored["accessJwt"], self.fake.access)
        self.assertNotIn(PASSWORD, session.read_text())

    def test_expired_access_token_is_refreshed_not_logged_in_again(self):
        self.calendar(POST + SECOND)
        self.assertExit(self.run_at(DUE), 0)
        self.fake.expire_access_tokens()
        r = self.run_at("2026-12-02T08:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines()[0]["status"], "posted")
        self.assertEqual(len(self.fake.calls("com.atproto.server.createSession")), 1)
        self.assertEqual(len(self.fake.calls("com.atproto.server.refreshSession")), 1)
        creates = self.fake.calls("com.atproto.repo.createRecord")
        self.assertEqual(len(creates), 3)  # one refused with ExpiredToken, then resent
        self.assertNotEqual(creates[1].headers["authorization"], creates[2].headers["authorization"])
        # The refreshed pair is what is stored now.
        [session] = self.session_files()
        stored = json.loads(session.read_text())
        self.assertFalse(self.fake.access[stored["accessJwt"]]["expired"])
        self.assertEqual(creates[2].headers["authorization"], "Bearer " + stored["accessJwt"])

    def test_expired_refresh_token_logs_in_again(self):
        self.calendar(POST + SECOND)
        self.assertExit(self.run_at(DUE), 0)
        self.fake.expire_access_tokens()
        self.fake.expire_refresh_tokens()
        self.assertExit(self.run_at("2026-12-02T08:00:00Z"), 0)
        self.assertEqual(len(self.fake.calls("com.atproto.server.createSession")), 2)
        self.assertEqual(len(self.fake.posts()), 2)

    def test_lost_answer_is_reconciled_without_a_second_post(self):
        # The record is stored, then the connection drops: herald looks the key up at once.
        self.calendar()
        self.fake.drop_after_create()
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [post] = self.fake.posts()
        self.assertEqual(line["id"], post["uri"])
        [get] = self.fake.calls("com.atproto.repo.getRecord")
        self.assertEqual(get.query["rkey"], [post["rkey"]])
        self.assertEqual(len(self.fake.calls("com.atproto.repo.createRecord")), 1)

    def test_resend_after_a_crash_after_send_finds_the_first_post(self):
        self.calendar()
        r = self.run_at(DUE, env=dict(ENV, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        self.assertEqual(len(self.fake.posts()), 1)
        # The lease still holds at 08:05; at 08:10 the job is resent to the same record key, the
        # PDS answers 500 for the taken key, and getRecord finds the post.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [post] = self.fake.posts()
        self.assertEqual(line["id"], post["uri"])
        creates = self.fake.calls("com.atproto.repo.createRecord")
        self.assertEqual(len(creates), 2)
        self.assertEqual(creates[0].json["rkey"], creates[1].json["rkey"])
        self.assertEqual(len(self.fake.calls("com.atproto.repo.getRecord")), 1)
        [job] = self.herald("--json", "history", env=ENV).json()
        self.assertEqual((job["job"], job["id"]), ("launch/sky", post["uri"]))

    def test_thread_resumed_after_a_failed_part_reuses_the_parts_already_out(self):
        self.write("media/shot.png", PNG)
        self.calendar(THREAD)
        # Part 3 fails with a 502 and nothing at its key: maybe sent, so retried later.
        self.fake.fail_path("com.atproto.repo.createRecord", 502, skip=2)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +story/sky  maybe-sent: bluesky: POST "
                                r"com.atproto.repo.createRecord: HTTP 502: InternalServerError "
                                r"\(part 3 of 3; the thread starts at https://bsky.app/profile/"
                                r"alice.test/post/")
        self.assertEqual(len(self.fake.posts()), 2)
        # The resend writes to the same keys: parts 1 and 2 are found there, part 3 is written.
        r = self.run_at("2026-12-01T08:30:00Z", flags=["--json"])
        self.assertExit(r, 0)
        posts = self.fake.posts()
        self.assertEqual([p["value"]["text"] for p in posts],
                         ["1/ first", "2/ second, with a picture", "3/ third"])
        self.assertEqual(r.json_lines()[0]["id"], posts[0]["uri"])
        self.assertEqual(len(self.fake.calls("com.atproto.repo.createRecord")), 6)
        self.assertEqual(len(self.fake.calls("com.atproto.repo.getRecord")), 3)
        self.assertEqual(posts[2]["value"]["reply"]["parent"],
                         {"uri": posts[1]["uri"], "cid": posts[1]["cid"]})

    def test_429_reschedules_at_the_rate_limit_reset(self):
        # herald clamps a reset against the wall clock (reliability M6), so this test runs at
        # the real time rather than at a fixed --now.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        due, reset = now - timedelta(minutes=1), now + timedelta(minutes=7, seconds=30)
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url(""))
                   + POST.replace("2026-12-01T08:00:00Z", iso(due)))
        self.assertExit(self.herald("run", "--now", iso(due - timedelta(hours=1)), env=ENV), 0)
        self.fake.fail_path("com.atproto.repo.createRecord", 429,
                            headers={"RateLimit-Limit": "5000", "RateLimit-Remaining": "0",
                                     "RateLimit-Reset": str(int(reset.timestamp())),
                                     "RateLimit-Policy": "5000;w=3600"},
                            body={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/sky  rate-limited: bluesky: POST "
                                r"com.atproto.repo.createRecord: HTTP 429: RateLimitExceeded: "
                                r"Rate Limit Exceeded .*next at " + re.escape(iso(reset)))
        job = self.job()
        self.assertEqual((job["state"], job["next_attempt"]), ("retry-wait", iso(reset)))
        self.assertEqual(self.fake.posts(), [])
        self.assertEqual(self.run_at(iso(reset - timedelta(seconds=30))).out, "")
        r = self.run_at(iso(reset))
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        self.assertEqual(len(self.fake.posts()), 1)

    def test_31st_create_session_in_5_minutes_reschedules_by_retry_after(self):
        self.calendar()
        # 30 logins already happened in this window (other tools, earlier runs).
        self.fake.session_times = [time.monotonic()] * 30
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/sky  rate-limited: bluesky: POST "
                                r"com.atproto.server.createSession: HTTP 429: RateLimitExceeded")
        job = self.job()
        self.assertEqual(job["state"], "retry-wait")
        next_at = datetime.strptime(job["next_attempt"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertGreaterEqual(next_at, datetime(2026, 12, 1, 8, 4, 59))
        self.assertLessEqual(next_at, datetime(2026, 12, 1, 8, 5, 1))
        self.assertEqual(self.fake.posts(), [])
        self.assertEqual(self.session_files(), [])

    def test_verbose_output_never_shows_the_password_or_tokens(self):
        self.write("media/shot.png", PNG)
        self.calendar(THREAD + SECOND)
        r1 = self.run_at(DUE, flags=["-v"])
        self.fake.expire_access_tokens()
        r2 = self.run_at("2026-12-02T08:00:00Z", flags=["-v"])
        r3 = self.herald("-v", "accounts", "check", env=ENV)
        self.fake.expire_access_tokens()
        self.fake.expire_refresh_tokens()
        r4 = self.herald("-v", "accounts", "check", env=ENV)
        for r in (r1, r2, r3, r4):
            self.assertEqual(r.code, 0, repr(r))
        self.assertEqual(len(self.fake.posts()), 4)
        self.assertEqual(len(self.fake.issued), 6)  # three sessions: login, refresh, login
        for r in (r1, r2, r3, r4):
            text = r.out + r.err
            self.assertNotIn(PASSWORD, text)
            for token in self.fake.issued:
                self.assertNotIn(token, text)
                self.assertNotIn(token.split(".")[1], text)
        self.assertIn("com.atproto.server.createSession", r1.err)  # the verbose log did run
        self.assertIn("com.atproto.server.refreshSession", r2.err)
        db = self.state.read_bytes()
        for secret in [PASSWORD] + self.fake.issued:
            self.assertNotIn(secret.encode(), db)

    def test_accounts_check_ok_and_with_a_wrong_password(self):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url("")) + "posts: []\n")
        r = self.herald("accounts", "check", env={"BSKY_PASSWORD": "wrong"})
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +sky +bluesky +auth: bluesky: POST "
                                r"com.atproto.server.createSession: HTTP 401: "
                                r"AuthenticationRequired: Invalid identifier or password")
        self.assertEqual(self.session_files(), [])
        r = self.herald("accounts", "check", env=ENV)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^ok +sky +bluesky +@alice\.test \(did:plc:alice0+\)$")
        self.assertEqual(self.fake.posts(), [])

    def test_a_group_readable_session_file_is_refused(self):
        self.calendar(POST + SECOND)
        self.assertExit(self.run_at(DUE), 0)
        [session] = self.session_files()
        session.chmod(0o644)
        r = self.run_at("2026-12-02T08:00:00Z")
        self.assertExit(r, 1)
        self.assertIn("refusing the session file", r.out)
        self.assertIn("mode 0644", r.out)
        self.assertEqual(len(self.fake.posts()), 1)
        self.assertEqual(len(self.fake.calls("com.atproto.server.createSession")), 1)

    def test_validate_reports_a_missing_password_variable_at_its_line(self):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url("")) + POST)
        r = self.herald("validate")
        self.assertNotEqual(r.code, 0, repr(r))
        text = r.out + r.err
        self.assertRegex(text, r"herald\.yaml:6:\d+")  # the password_env line
        self.assertIn("BSKY_PASSWORD", text)
        self.assertIn("is not set", text)
        self.assertExit(self.herald("validate", env=ENV), 0)
        self.assertEqual(self.fake.requests, [])

    def test_validate_checks_the_handle_and_the_300_grapheme_limit(self):
        bad = ACCOUNTS.replace("handle: alice.test", "handle: '@alice.test'")
        self.write("herald.yaml", bad.format(url=self.fake.url(""))
                   + POST.replace("text: \"café", "text: \"" + "é" * 290 + " café"))
        r = self.herald("validate", env=ENV)
        self.assertEqual(r.code, 2, repr(r))
        text = r.out + r.err
        self.assertRegex(text, r"herald\.yaml:5:\d+.*'handle' is written without '@'")
        self.assertRegex(text, r"too long for account 'sky' \(bluesky\): text is 3\d\d characters")


    # --- what the server says (issue 19: items 1 and 4) --------------------------------------

    def test_a_pds_that_echoes_the_password_and_tokens_never_gets_them_printed_or_stored(self):
        self.calendar(POST + SECOND)
        # The login's body (with the password) comes back in the error text.
        self.fake.fail_path("com.atproto.server.createSession", 401, body=lambda request: {
            "error": "AuthenticationRequired",
            "message": f"refused {request.body.decode()} password {PASSWORD}"})
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertIn("HTTP 401: AuthenticationRequired: refused", line["error"])
        # The session's access token, echoed from the Authorization header.
        self.fake.fail_path("com.atproto.repo.createRecord", 400, count=2, body=lambda request: {
            "error": "InvalidRequest",
            "message": f"refused {request.headers.get('authorization')}"})
        r2 = self.run_at("2026-12-02T08:00:00Z", flags=["--json"])
        self.assertExit(r2, 1)
        errors = [l["error"] for l in r2.json_lines()]
        self.assertIn("permanent: bluesky: POST com.atproto.repo.createRecord: HTTP 400: "
                      "InvalidRequest: refused Bearer ***", errors)
        tokens = [t for t in self.fake.access] + [PASSWORD]
        status = self.herald("--json", "status", "--all", env=ENV)
        stored = [row[0] for row in self.state_rows("SELECT error FROM jobs")]
        for text in (r.out, r.err, r2.out, r2.err, status.out, *stored):
            for token in tokens:
                self.assertNotIn(token, text)

    def test_a_long_error_in_japanese_is_cut_between_characters(self):
        self.calendar()
        self.fake.fail_path("com.atproto.repo.createRecord", 400,
                            body={"error": "InvalidRequest", "message": "日本語" * 70})
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 1)
        [line] = r.json_lines()
        # "InvalidRequest: " is 16 bytes; then 94 whole characters fit in the 300.
        self.assertEqual(line["error"], "permanent: bluesky: POST com.atproto.repo.createRecord: "
                                        "HTTP 400: InvalidRequest: " + ("日本語" * 34)[:94] + "...")
        self.assertNotIn("\ufffd", self.job()["error"])


if __name__ == "__main__":
    main()
