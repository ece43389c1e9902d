"""The slack platform against a loopback fake of Slack's webhooks and Web API (fake_slack.py)."""

import datetime
import json

from platforms.slack.fake import SlackFake
from harness import main
from platform_suite import PlatformTest

TOKEN = "xoxb-1-fake-s3cret"
HOOK_SECRET = "hOoKfAkEs3cr3t"
CHANNEL = "C0HERALD"

API_ACCOUNT = """
  team:
    platform: slack
    token_env: SLACK_TOKEN
    channel: {channel}
    url: {url}
"""

HOOK_ACCOUNT = """
  team:
    platform: slack
    webhook_env: SLACK_WEBHOOK_URL
"""

CALENDAR = """
timezone: UTC
accounts:{account}
defaults:
  to: [team]
posts:
  - id: launch
    at: {at}
{body}
"""

TEXT = '    text: "herald 2.0 is out <!channel> & friends"\n'
THREAD = """    thread:
      - text: one
      - text: two
      - text: three
"""

BEFORE = "2026-11-30T12:00:00Z"
DUE = "2026-12-01T09:00:10Z"


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class SlackTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(SlackFake(token=TOKEN, hook_secret=HOOK_SECRET, channels=[CHANNEL]))
        self.secrets = {"SLACK_TOKEN": TOKEN, "SLACK_WEBHOOK_URL": self.fake.webhook_url()}

    def calendar(self, body=TEXT, webhook=False, channel=CHANNEL, at="2026-12-01 09:00",
                 url=None):
        account = HOOK_ACCOUNT if webhook else API_ACCOUNT.format(
            channel=channel, url=url or self.fake.api_url())
        self.write_calendar(CALENDAR, account=account, at=at, body=body)

    def job(self, name="launch/team"):
        return super().job(name)

    def api_posts(self):
        return [r for r in self.fake.requests if r.path == "/api/chat.postMessage"]

    # --- chat.postMessage -----------------------------------------------------------------

    def test_post_with_a_bot_token_reads_back_the_permalink(self):
        self.calendar()
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.api_posts()
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.headers["authorization"], f"Bearer {TOKEN}")
        self.assertTrue(request.headers["content-type"].startswith("application/json"))
        # The text is literal: Slack's markup characters are escaped, so no @channel ping.
        # The metadata is the marker a re-run on a fresh state looks for (conversations.history).
        self.assertEqual(request.json, {
            "channel": CHANNEL, "text": "herald 2.0 is out &lt;!channel&gt; &amp; friends",
            "metadata": {"event_type": "herald_post",
                         "event_payload": {"job": "launch/team",
                                           "key": self.idempotency_key("launch/team")}}})
        [message] = self.fake.messages
        permalink = (f"https://herald-test.slack.com/archives/{CHANNEL}/"
                     f"p{message['ts'].replace('.', '')}")
        self.assertRegex(r.out, r"^posted +launch/team  " + permalink.replace(".", r"\.") + "\n$")
        job = self.job()
        self.assertEqual((job["state"], job["id"], job["url"]),
                         ("posted", f"{CHANNEL}/{message['ts']}", permalink))
        [permalink_call] = [q for q in self.fake.requests if q.path == "/api/chat.getPermalink"]
        self.assertEqual(permalink_call.query, {"channel": [CHANNEL],
                                                "message_ts": [message["ts"]]})
        # Later ticks publish nothing more.
        self.assertEqual(self.run_at("2026-12-01T09:05:00Z").out, "")
        self.assertEqual(len(self.api_posts()), 1)

    def test_thread_replies_go_under_the_first_part(self):
        self.calendar(THREAD)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        self.assertEqual([m["text"] for m in self.fake.messages], ["one", "two", "three"])
        first = self.fake.messages[0]["ts"]
        self.assertEqual([q.json.get("thread_ts") for q in self.api_posts()],
                         [None, first, first])
        self.assertEqual(self.job()["id"], f"{CHANNEL}/{first}")

    def test_ok_false_in_a_200_fails_the_job_with_slacks_error(self):
        self.calendar(channel="C0NOWHERE")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/team  permanent: slack: chat\.postMessage: "
                                r"channel_not_found")
        job = self.job()
        self.assertEqual(job["state"], "failed")
        self.assertEqual(job["error"], "permanent: slack: chat.postMessage: channel_not_found")
        status = self.herald("status", "--all")
        self.assertIn("channel_not_found", status.out)
        self.assertEqual(self.fake.messages, [])
        # A refusal is final: later runs send nothing.
        self.run_at("2026-12-01T10:00:00Z")
        self.assertEqual(len(self.api_posts()), 1)

    def test_msg_too_long_from_slack_is_a_permanent_failure(self):
        self.fake.max_len = 20
        self.calendar('    text: "' + "x" * 30 + '"\n')
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertEqual(self.job()["error"], "permanent: slack: chat.postMessage: msg_too_long")

    def test_wrong_token_fails_as_auth_without_showing_it(self):
        self.calendar()
        self.run_at(BEFORE)
        self.secrets["SLACK_TOKEN"] = "xoxb-wr0ng-t0ken"
        r = self.run_at(DUE, verbose=True)
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual((job["state"], job["error"]),
                         ("failed", "auth: slack: chat.postMessage: invalid_auth"))
        self.assertNotIn("xoxb-wr0ng-t0ken", r.out + r.err)

    def test_internal_error_is_unknown_never_resent(self):
        self.calendar()
        self.run_at(BEFORE)
        self.fake.fail_next(1, 200, body={"ok": False, "error": "internal_error"})
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/team  maybe-sent: slack: chat\.postMessage: "
                                r"internal_error")
        self.run_at("2026-12-01T09:30:00Z")
        self.assertEqual(len(self.api_posts()), 1)

    def test_server_error_and_dropped_connection_are_unknown(self):
        for fault in ("500", "drop"):
            with self.subTest(fault=fault):
                self.fake.requests.clear()
                self.state.unlink(missing_ok=True)
                self.calendar()
                self.run_at(BEFORE)
                if fault == "500":
                    self.fake.fail_next(1, 500, body=b"")
                else:
                    self.fake.drop_next(1)
                r = self.run_at(DUE)
                self.assertExit(r, 1)
                self.assertEqual(self.job()["state"], "unknown")
                self.run_at("2026-12-01T09:30:00Z")
                self.assertEqual(len(self.api_posts()), 1)

    def test_429_reschedules_at_retry_after(self):
        # herald clamps a server's wait against the wall clock, so this test runs at real time.
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        due = now.replace(second=0)
        self.calendar(at=due.strftime("%Y-%m-%d %H:%M"))
        self.run_at((due - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.fake.fail_next(1, 429, headers={"Retry-After": "42"},
                            body={"ok": False, "error": "ratelimited"})
        r = self.run_at(now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual(job["state"], "retry-wait")
        self.assertEqual(job["error"], "rate-limited: slack: chat.postMessage: HTTP 429: "
                                       "ratelimited")
        self.assertEqual(utc(job["next_attempt"]) - now, datetime.timedelta(seconds=42))
        self.assertEqual(self.fake.messages, [])
        r = self.run_at(job["next_attempt"])
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.messages), 1)

    def test_unreachable_api_is_retried_then_fails(self):
        # Nothing listens there: nothing was sent, so herald retries until its attempts run out.
        self.fake.stop()
        self.calendar()
        self.run_at(BEFORE)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/team  not-sent: .*attempt 1 of 5")
        for attempt in range(2, 6):
            job = self.job()
            self.assertEqual(job["state"], "retry-wait")
            r = self.run_at(job["next_attempt"])
            self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/team  not-sent: ")
        self.assertEqual(self.job()["state"], "failed")

    def test_permalink_failure_still_counts_as_posted(self):
        self.calendar()
        self.run_at(BEFORE)
        original = self.fake.handle

        def no_permalink(request):
            if request.path == "/api/chat.getPermalink":
                return 200, {"Content-Type": "application/json"}, b'{"ok":false,"error":"x"}'
            return original(request)

        self.fake.handle = no_permalink
        r = self.run_at(DUE)
        self.assertExit(r, 0)
        job = self.job()
        self.assertEqual(job["state"], "posted")
        self.assertEqual(job["url"], f"https://slack.com/app_redirect?channel={CHANNEL}")

    def test_verbose_run_never_shows_the_token(self):
        self.calendar(THREAD)
        r = self.run_at(BEFORE, DUE, verbose=True)
        self.assertExit(r, 0)
        self.assertIn("chat.postMessage", r.err)  # the -v log is there...
        self.assertNotIn(TOKEN, r.out + r.err)  # ...without the token
        self.assertNotIn(TOKEN, self.herald("--json", "history").out)

    # --- incoming webhook -----------------------------------------------------------------

    def test_webhook_posts_json_text_and_takes_plain_ok(self):
        self.calendar(webhook=True)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual((request.method, request.path),
                         ("POST", f"/services/T0HERALD/B0HOOK/{HOOK_SECRET}"))
        self.assertEqual(request.json, {"text": "herald 2.0 is out &lt;!channel&gt; &amp; friends"})
        self.assertRegex(r.out, r"^posted +launch/team *\n$")
        job = self.job()
        self.assertEqual(job["state"], "posted")
        self.assertNotIn("id", job)  # a webhook answers "ok" and nothing else

    def test_webhook_thread_is_consecutive_messages(self):
        self.calendar(THREAD, webhook=True)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        self.assertEqual([q.json for q in self.fake.requests],
                         [{"text": "one"}, {"text": "two"}, {"text": "three"}])

    def test_webhook_plain_text_error_fails_the_job(self):
        self.calendar(webhook=True)
        self.run_at(BEFORE)
        self.fake.fail_next(1, 404, headers={"Content-Type": "text/html"}, body="channel_not_found")
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertEqual(self.job()["error"],
                         "permanent: slack: POST webhook: HTTP 404: channel_not_found")

    def test_webhook_error_text_that_is_not_utf8_reaches_json_as_replacement_characters(self):
        self.calendar(webhook=True)
        self.run_at(BEFORE)
        self.fake.fail_next(1, 404, headers={"Content-Type": "text/plain"},
                            body=b"channel_\xffnot_found")
        r = self.herald("--json", "run", "--now", DUE, env=self.secrets)
        self.assertExit(r, 1)
        error = "permanent: slack: POST webhook: HTTP 404: channel_\ufffdnot_found"
        [line] = r.json_lines()
        self.assertEqual(line["error"], error)
        self.assertEqual(self.job()["error"], error)

    def test_webhook_with_a_wrong_secret_is_auth_and_never_shown(self):
        self.secrets["SLACK_WEBHOOK_URL"] = self.fake.webhook_url(secret="wr0ngs3cret")
        self.calendar(webhook=True)
        r = self.run_at(BEFORE, DUE, verbose=True)
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual(job["error"], "auth: slack: POST webhook: HTTP 403: invalid_token")
        self.assertIn("> POST *** HTTP/1.1", r.err)  # the -v log is there, path masked...
        self.assertNotIn("wr0ngs3cret", r.out + r.err)  # ...without the secret
        self.assertNotIn(HOOK_SECRET, r.out + r.err)

    # --- accounts check and validate ------------------------------------------------------

    def test_accounts_check(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^ok +team +slack +@herald in 'Herald Test', channel C0HERALD\n$")
        self.calendar(webhook=True)
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)  # not a failure: an incoming webhook can never be checked
        self.assertRegex(r.out, r"^not checked +team +slack +an incoming webhook cannot be "
                                r"checked without posting to it\n$")
        r = self.herald("--json", "accounts", "check", env=self.secrets)
        [check] = r.json_lines()
        self.assertEqual((check["ok"], check["status"]), (True, "not checked"))
        self.assertEqual(self.fake.messages, [])
        self.calendar()
        r = self.herald("--json", "accounts", "check", env=dict(self.secrets, SLACK_TOKEN="bad"))
        self.assertExit(r, 1)
        [check] = r.json_lines()
        self.assertFalse(check["ok"])
        self.assertEqual(check["detail"], "auth: slack: auth.test: invalid_auth")

    def test_validate_reports_a_missing_variable_at_its_line(self):
        self.calendar()
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:16: error: account 'team': environment variable "
                      "SLACK_TOKEN (token_env) is not set", r.err)
        self.calendar(webhook=True)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:18: error: account 'team': environment variable "
                      "SLACK_WEBHOOK_URL (webhook_env) is not set", r.err)
        self.assertExit(self.herald("validate", env=self.secrets), 0)

    def test_validate_wants_exactly_one_mode(self):
        self.write("herald.yaml", CALENDAR.format(account="""
  team:
    platform: slack
    webhook_env: SLACK_WEBHOOK_URL
    token_env: SLACK_TOKEN
    channel: C0HERALD""", at="2026-12-01 09:00", body=TEXT.rstrip("\n")))
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:6:16: error: account 'team': the slack platform needs exactly "
                      "one of 'webhook_env:' (an incoming webhook) or 'token_env:'", r.err)

    def test_validate_too_long_text_names_account_count_and_limit(self):
        self.calendar('    text: "' + "x" * 40001 + '"\n')
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("post 'launch' is too long for account 'team' (slack): text is 40001 "
                      "Unicode code points, the limit is 40000", r.err)

    def test_validate_refuses_media_for_slack(self):
        self.write("pic.png", b"\x89PNG\r\n\x1a\nfake")
        self.calendar("""    text: with a picture
    media:
      - file: pic.png
        alt: a picture
""")
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:15:9: error: post 'launch' cannot go to account 'team' (slack): herald cannot post "
                      "media to Slack", r.err)
        # Nothing is queued or sent either.
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 2)
        self.assertEqual(self.fake.requests, [])


    def test_an_api_that_echoes_the_token_never_gets_it_printed_or_stored(self):
        # Issue 19, item 4: an error answer that quotes the Authorization header back.
        self.calendar()
        self.run_at(BEFORE)
        self.fake.echo_next(5, 400, lambda request: {
            "ok": False, "error": f"invalid_auth {request.headers.get('authorization')} {TOKEN}"})
        r = self.herald("--json", "run", "--now", DUE, env=self.secrets)
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertIn("HTTP 400: invalid_auth Bearer *** ***", line["error"])
        stored = [row[0] for row in self.state_rows("SELECT error FROM jobs")]
        for text in (r.out, r.err, json.dumps(self.job()), *stored):
            self.assertNotIn(TOKEN, text)


if __name__ == "__main__":
    main()
