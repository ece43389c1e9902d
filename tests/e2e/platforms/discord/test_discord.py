"""The discord platform against a loopback fake of Discord's Execute Webhook endpoint."""

import datetime
import json

from platforms.discord.fake import DiscordFake
from harness import main
from platform_suite import PlatformTest

TOKEN = "tok3n-s3cret"

CALENDAR = """
timezone: UTC
accounts:
  disco:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
    username: herald bot
defaults:
  to: [disco]
posts:
  - id: launch
    at: {at}
{body}
"""

TEXT = """    text: "herald 2.0 is out, \\"quoted\\" & caf\\u00e9 @everyone"
"""


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class DiscordTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(DiscordFake(token=TOKEN))
        self.secrets = {"DISCORD_WEBHOOK_URL": self.fake.webhook_url()}

    def calendar(self, body=TEXT, at="2026-12-01 09:00"):
        self.write_calendar(CALENDAR, at=at, body=body)

    def job(self, name="launch/disco"):
        return super().job(name)

    def test_post_fires_once_with_wait_and_the_right_json(self):
        self.calendar()
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.path, "/api/webhooks/123/" + TOKEN)
        self.assertEqual(request.query, {"wait": ["true"]})
        self.assertEqual(request.json, {
            "content": 'herald 2.0 is out, "quoted" & caf\u00e9 @everyone',
            "username": "herald bot",
            "allowed_mentions": {"parse": []},
        })
        message = self.fake.messages[0]
        url = f"https://discord.com/channels/@me/{self.fake.channel_id}/{message['id']}"
        self.assertRegex(r.out, r"^posted +launch/disco  " + url + "\n$")
        job = self.job()
        self.assertEqual((job["state"], job["id"], job["url"]), ("posted", message["id"], url))
        # Later ticks publish nothing more.
        self.assertEqual(self.run_at("2026-12-01T09:05:00Z").out, "")
        self.assertEqual(len(self.fake.requests), 1)

    def test_wait_is_added_to_an_existing_query_and_guild_urls(self):
        self.fake.guild_id = "777"
        self.secrets["DISCORD_WEBHOOK_URL"] = self.fake.webhook_url() + "?thread_id=42"
        self.calendar()
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.query, {"thread_id": ["42"], "wait": ["true"]})
        self.assertIn("https://discord.com/channels/777/555000111/", r.out)

    def test_media_upload_carries_alt_text_as_attachment_description(self):
        self.write("pic.png", b"\x89PNG\r\n\x1a\nfake-image")
        self.write("two.jpg", b"\xff\xd8\xffjpeg")
        self.calendar("""    text: with pictures
    media:
      - file: pic.png
        alt: "a \\"red\\" kite"
      - file: two.jpg
        alt: second
""")
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.query, {"wait": ["true"]})
        self.assertTrue(request.headers["content-type"].startswith("multipart/form-data"))
        names = [p["name"] for p in request.parts]
        self.assertEqual(names, ["payload_json", "files[0]", "files[1]"])
        payload = json.loads(request.part("payload_json")["data"])
        self.assertEqual(payload["content"], "with pictures")
        self.assertEqual(payload["attachments"], [
            {"id": 0, "description": 'a "red" kite', "filename": "pic.png"},
            {"id": 1, "description": "second", "filename": "two.jpg"},
        ])
        self.assertEqual(request.part("files[0]")["data"], b"\x89PNG\r\n\x1a\nfake-image")
        self.assertEqual(request.part("files[0]")["filename"], "pic.png")
        self.assertEqual(request.part("files[1]")["data"], b"\xff\xd8\xffjpeg")
        self.assertEqual([a["description"] for a in self.fake.messages[0]["attachments"]],
                         ['a "red" kite', "second"])

    def test_thread_posts_parts_in_order(self):
        self.calendar("""    thread:
      - text: one
      - text: two
      - text: three
""")
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertExit(r, 0)
        self.assertEqual([q.json["content"] for q in self.fake.requests], ["one", "two", "three"])
        self.assertTrue(all(q.query == {"wait": ["true"]} for q in self.fake.requests))
        first = self.fake.messages[0]["id"]
        self.assertEqual(self.job()["id"], first)

    def test_thread_cut_short_is_unknown_not_resent(self):
        self.calendar("""    thread:
      - text: one
      - text: two
""")
        self.run_at("2026-11-30T12:00:00Z")
        # The first part gets through; the second hits a server error.
        original = self.fake.handle
        calls = []

        def second_fails(request):
            calls.append(request)
            if len(calls) == 2:
                return 500, {"Content-Type": "application/json"}, b'{"message": "oops"}'
            return original(request)

        self.fake.handle = second_fails
        r = self.run_at("2026-12-01T09:00:10Z")
        self.assertExit(r, 1)
        self.assertIn("unknown", r.out)
        job = self.job()
        self.assertEqual(job["state"], "unknown")
        self.assertIn("part 2 of 2", job["error"])
        self.assertEqual(len(self.fake.requests), 2)
        self.run_at("2026-12-01T09:10:00Z")
        self.assertEqual(len(self.fake.requests), 2)

    def test_429_with_retry_after_in_the_body_reschedules(self):
        # The adapter measures retry_after from the real clock, so this test runs at real time.
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        due = now.replace(second=0)
        self.calendar(at=due.strftime("%Y-%m-%d %H:%M"))
        self.run_at((due - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.fake.fail_next(1, 429, headers={"X-RateLimit-Scope": "user"},
                            body={"message": "You are being rate limited.", "retry_after": 2.5,
                                  "global": False})
        r = self.run_at(now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertIn("retry-wait", r.out)
        job = self.job()
        self.assertEqual(job["state"], "retry-wait")
        self.assertIn("rate-limited", job["error"])
        wait = (utc(job["next_attempt"]) - now).total_seconds()
        self.assertGreaterEqual(wait, 3)  # 2.5 s rounded up, never early
        self.assertLessEqual(wait, 10)
        self.assertEqual(self.fake.messages, [])
        r = self.run_at(job["next_attempt"])
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        self.assertEqual(len(self.fake.messages), 1)

    def test_server_error_is_unknown_never_resent(self):
        self.calendar()
        self.run_at("2026-11-30T12:00:00Z")
        self.fake.fail_next(1, 500, body={"message": "500: Internal Server Error", "code": 0})
        r = self.run_at("2026-12-01T09:00:10Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/disco")
        self.assertEqual(self.job()["state"], "unknown")
        self.run_at("2026-12-01T09:30:00Z")
        self.assertEqual(len(self.fake.requests), 1)

    def test_dropped_connection_is_unknown(self):
        self.calendar()
        self.run_at("2026-11-30T12:00:00Z")
        self.fake.drop_next(1)
        r = self.run_at("2026-12-01T09:00:10Z")
        self.assertExit(r, 1)
        self.assertEqual(self.job()["state"], "unknown")

    def test_wrong_token_fails_as_auth(self):
        self.secrets["DISCORD_WEBHOOK_URL"] = self.fake.webhook_url(token="wr0ng-t0ken")
        self.calendar()
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/disco")
        job = self.job()
        self.assertEqual(job["state"], "failed")
        self.assertTrue(job["error"].startswith("auth: "), job["error"])
        self.assertIn("Invalid Webhook Token", job["error"])
        self.assertNotIn("wr0ng-t0ken", r.out + r.err + job["error"])

    def test_2xx_without_an_id_is_not_posted(self):
        self.calendar()
        self.run_at("2026-11-30T12:00:00Z")
        self.fake.fail_next(1, 200, body={})
        r = self.run_at("2026-12-01T09:00:10Z")
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual(job["state"], "unknown")
        self.assertIn("2xx without a message id", job["error"])

    def test_too_long_is_refused_before_sending(self):
        self.calendar('    text: "' + "x" * 2001 + '"\n')
        r = self.run_at("2026-11-30T12:00:00Z", "2026-12-01T09:00:10Z")
        self.assertNotEqual(r.code, 0, repr(r))
        self.assertEqual(self.fake.requests, [])

    def test_validate_reports_a_missing_variable_at_webhook_env(self):
        self.calendar()
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:18: error: account 'disco': environment variable "
                      "DISCORD_WEBHOOK_URL (webhook_env) is not set", r.err)
        self.assertExit(self.herald("validate", env=self.secrets), 0)

    def test_validate_rejects_a_url_that_is_not_a_webhook(self):
        self.calendar()
        r = self.herald("validate", env={"DISCORD_WEBHOOK_URL": "http://example.org/x/tok3n-s3cret"})
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:18:", r.err)
        self.assertNotIn(TOKEN, r.out + r.err)
        r = self.herald("validate", env={
            "DISCORD_WEBHOOK_URL": f"http://127.0.0.1:{self.fake.port}/api/hooks/1/tok3n-s3cret"})
        self.assertExit(r, 2)
        self.assertIn("not a Discord webhook URL", r.err)
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_verbose_run_never_shows_the_token(self):
        self.calendar()
        self.run_at("2026-11-30T12:00:00Z")
        self.fake.fail_next(1, 401, body={"message": "Invalid Webhook Token", "code": 50027})
        r = self.run_at("2026-12-01T09:00:10Z", verbose=True)
        self.assertIn("127.0.0.1", r.err)  # the -v log is there...
        self.assertNotIn(TOKEN, r.out + r.err)  # ...without the token
        self.assertNotIn(TOKEN, self.herald("--json", "status", "--all").out)


    def test_a_server_that_echoes_the_webhook_never_gets_its_token_printed_or_stored(self):
        # Issue 19, item 4: an error answer that quotes the webhook URL back.
        self.calendar()
        self.run_at("2026-11-30T12:00:00Z")
        self.fake.echo_next(3, 404, lambda request: {
            "message": f"Unknown Webhook {request.target} token {TOKEN}", "code": 10015})
        r = self.herald("--json", "run", "--now", "2026-12-01T09:00:10Z", env=self.secrets)
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertIn("HTTP 404: Unknown Webhook /api/webhooks/123/***", line["error"])
        stored = [row[0] for row in self.state_rows("SELECT error FROM jobs")]
        for text in (r.out, r.err, json.dumps(self.job()), *stored):
            self.assertNotIn(TOKEN, text)


if __name__ == "__main__":
    main()
