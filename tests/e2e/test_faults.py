"""The fault matrix of issue 5: overlapping runs, kill -9 in flight, rate limits, server errors,
and a state that survives a crash at any point."""

import time
from datetime import datetime, timedelta, timezone

from platforms.bluesky.fake import FakeBluesky
from platforms.mastodon.fake import FakeMastodon
from platforms.discord.fake import DiscordFake
from platforms.matrix.fake import MatrixFake
from platforms.threads.fake import ThreadsFake
from platforms.x.fake import XFake
from harness import OnPostgresql, STUB_ACCOUNTS, HeraldTest, main

TOKEN = "s3cr3t-token"
PASSWORD = "app-pass-s3cr3t"
DISCORD_TOKEN = "tok3n-s3cret"
BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    text: hello from herald
"""


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_for(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class FaultTest(HeraldTest):
    def mastodon(self, accounts=("masto",), retry=""):
        self.fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.fake.stop)
        self.env["MASTODON_TOKEN"] = TOKEN
        text = "accounts:\n"
        for name in accounts:
            text += (f"  {name}:\n    platform: mastodon\n    url: {self.fake.url}\n"
                     f"    token_env: MASTODON_TOKEN\n{retry}")
        return text + f"defaults:\n  to: [{', '.join(accounts)}]\n"

    def kill_while_publishing(self, in_flight):
        """Starts a run at DUE, kills it with SIGKILL once the platform has the request."""
        proc = self.spawn("run", "--now", DUE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(in_flight, "the request to reach the platform")
        proc.kill()
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -9)
        [job] = [j for j in self.assertStateIntact() if j["job"].startswith("launch/")]
        self.assertEqual(job["state"], "sending")

    def test_eight_runs_at_once_deliver_200_jobs_exactly_once(self):
        posts = "".join(f"  - id: p{i}\n    at: {DUE}\n    text: post number {i}\n" for i in range(100))
        self.write("herald.yaml", self.mastodon(("one", "two")) + "posts:\n" + posts)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        procs = [self.spawn("--json", "run", "--now", "2026-12-01T08:00:10Z") for _ in range(8)]
        posted = []
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            # SQLite's busy waits never surface: every run succeeds without a word on stderr.
            self.assertEqual((proc.returncode, err), (0, ""))
            posted += [line for line in out.splitlines() if '"status":"posted"' in line]
        self.assertEqual(len(posted), 200)
        self.assertEqual(len(self.fake.statuses), 200)
        self.assertEqual(len(self.fake.status_posts()), 200)  # no job was even resent
        self.assertEqual(sorted(self.fake.sources.values()),
                         sorted([f"post number {i}" for i in range(100)] * 2))
        self.assertStateIntact()

    def test_kill_9_in_flight_then_rerun_mastodon_posts_once(self):
        self.write("herald.yaml", self.mastodon() + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        self.fake.status_delay = 2.0
        self.kill_while_publishing(lambda: self.fake.in_flight > 0)
        wait_for(lambda: len(self.fake.statuses) == 1, "the fake to finish the status")
        self.fake.status_delay = 0
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [status] = self.fake.statuses.values()
        self.assertEqual((line["status"], line["id"]), ("posted", status["id"]))
        posts = self.fake.status_posts()
        self.assertEqual(len(posts), 2)  # the resend, answered with the first status
        self.assertEqual(posts[0]["headers"]["idempotency-key"],
                         posts[1]["headers"]["idempotency-key"])

    def test_kill_9_in_flight_then_rerun_bluesky_posts_once(self):
        fake = FakeBluesky(password=PASSWORD)
        self.addCleanup(fake.stop)
        self.write("herald.yaml", "accounts:\n  sky:\n    platform: bluesky\n"
                   f"    url: {fake.url('')}\n    handle: alice.test\n"
                   "    password_env: BSKY_PASSWORD\ndefaults:\n  to: [sky]\n" + POST)
        self.env["BSKY_PASSWORD"] = PASSWORD
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        fake.create_delay = 2.0
        self.kill_while_publishing(lambda: len(fake.calls("com.atproto.repo.createRecord")) > 0)
        wait_for(lambda: len(fake.posts()) == 1, "the fake to store the record")
        fake.create_delay = 0
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [record] = fake.posts()
        self.assertEqual((line["status"], line["id"]), ("posted", record["uri"]))
        self.assertEqual(len(fake.posts()), 1)

    def test_kill_9_in_flight_then_rerun_x_is_found_on_the_timeline_not_resent(self):
        # X has no idempotency key: the rerun finds the post among the account's own.
        fake = XFake(consumer_key="ck", consumer_secret="cs-s3cret", access_token="1001-at",
                     access_token_secret="ats-s3cret")
        self.addCleanup(fake.stop)
        self.env.update({"X_CK": "ck", "X_CS": "cs-s3cret", "X_AT": "1001-at",
                         "X_ATS": "ats-s3cret"})
        self.write("herald.yaml", "accounts:\n  x:\n    platform: x\n"
                   f"    url: {fake.url('')}\n    consumer_key_env: X_CK\n"
                   "    consumer_secret_env: X_CS\n    access_token_env: X_AT\n"
                   "    access_token_secret_env: X_ATS\ndefaults:\n  to: [x]\n" + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        fake.delay_next(1, 0)  # GET /2/users/me
        fake.delay_next(1, 2.0)  # POST /2/tweets
        self.kill_while_publishing(lambda: len(fake.calls("POST", "/2/tweets")) > 0)
        wait_for(lambda: len(fake.tweets) == 1, "the fake to store the post")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [tweet] = fake.tweets
        self.assertEqual((line["status"], line["id"]), ("posted", tweet["id"]))
        self.assertEqual(len(fake.calls("POST", "/2/tweets")), 1)

    def test_kill_9_in_flight_then_rerun_matrix_is_one_event_by_its_transaction_id(self):
        # The resend carries the same txnId, and the homeserver answers with the event it has.
        fake = MatrixFake(token="mx-t0ken", room_id="!launch:example.org")
        self.addCleanup(fake.stop)
        self.env["MATRIX_TOKEN"] = "mx-t0ken"
        self.write("herald.yaml", "accounts:\n  mx:\n    platform: matrix\n"
                   f"    url: {fake.url('')}\n    token_env: MATRIX_TOKEN\n"
                   "    room: \"!launch:example.org\"\ndefaults:\n  to: [mx]\n" + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        fake.delay_next(1, 2.0)  # the send
        self.kill_while_publishing(lambda: len(fake.calls("PUT", "/_matrix/client/v3/rooms/")) > 0)
        wait_for(lambda: len(fake.events(sender=fake.user_id)) == 1, "the fake to store the event")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [event] = fake.events(sender=fake.user_id)
        self.assertEqual((line["status"], line["id"]), ("posted", event["event_id"]))
        self.assertEqual((len(fake.calls("PUT", "/_matrix/client/v3/rooms/")), fake.dedupes),
                         (2, 1))

    def test_kill_9_in_flight_then_rerun_threads_is_found_among_its_posts_not_resent(self):
        fake = ThreadsFake(token="th-t0ken")
        self.addCleanup(fake.stop)
        self.env["THREADS_TOKEN"] = "th-t0ken"
        self.write("herald.yaml", "accounts:\n  th:\n    platform: threads\n"
                   f"    url: {fake.url('').rstrip('/')}\n    token_env: THREADS_TOKEN\n"
                   "defaults:\n  to: [th]\n" + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        # The token's renewal, the quota and the container go at once; the publish hangs.
        fake.delay_next(3, 0)
        fake.delay_next(1, 2.0)
        self.kill_while_publishing(lambda: len(fake.calls("POST", "/v1.0/me/threads_publish")) > 0)
        wait_for(lambda: len(fake.posts) == 1, "the fake to publish the post")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [post] = fake.posts
        self.assertEqual((line["status"], line["id"]), ("posted", post["id"]))
        self.assertEqual(len(fake.calls("POST", "/v1.0/me/threads_publish")), 1)

    def test_kill_9_in_flight_then_rerun_discord_is_unknown_not_resent(self):
        fake = DiscordFake(token=DISCORD_TOKEN)
        self.addCleanup(fake.stop)
        self.env["DISCORD_WEBHOOK_URL"] = fake.webhook_url()
        self.write("herald.yaml", "accounts:\n  disco:\n    platform: discord\n"
                   "    webhook_env: DISCORD_WEBHOOK_URL\ndefaults:\n  to: [disco]\n" + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        fake.delay_next(1, 2.0)
        self.kill_while_publishing(lambda: len(fake.requests) > 0)
        wait_for(lambda: len(fake.messages) == 1, "the fake to post the message")
        r = self.herald("run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/disco  a run died while publishing it; it may or "
                                r"may not have been posted")
        self.assertEqual(len(fake.messages), 1)
        self.assertEqual(len(fake.requests), 1)
        r = self.herald("status")
        self.assertIn("1 job needs a person", r.out)

    def test_429_with_retry_after_is_delivered_after_the_wait_not_before(self):
        # herald clamps a platform's wait against the wall clock, so this runs at the real time.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.write("herald.yaml", self.mastodon() + POST.replace(DUE, iso(now - timedelta(minutes=1))))
        self.assertExit(self.herald("run", "--now", iso(now - timedelta(hours=1))), 0)
        self.fake.fail("/api/v1/statuses", status=429, headers={"Retry-After": "300"},
                       body={"error": "Too many requests"})
        r = self.herald("run", "--now", iso(now))
        self.assertExit(r, 1)
        self.assertIn(f"next at {iso(now + timedelta(seconds=300))}", r.out)
        self.assertEqual(self.herald("run", "--now", iso(now + timedelta(seconds=299))).out, "")
        self.assertEqual(self.fake.statuses, {})
        r = self.herald("run", "--now", iso(now + timedelta(seconds=300)))
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.statuses), 1)

    def test_five_500s_then_success_is_delivered_once_on_the_accounts_retry_policy(self):
        retry = "    retry: {attempts: 6, backoff: 1m, max_backoff: 10m, jitter: 0%}\n"
        self.write("herald.yaml", self.mastodon(retry=retry) + POST)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        self.fake.fail("/api/v1/statuses", count=5, status=500)
        due = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
        # Waits of 1, 2, 4, 8 and then 10 (the cap) minutes; nothing is sent before each.
        for minutes in (0, 1, 3, 7, 15):
            r = self.herald("run", "--now", iso(due + timedelta(minutes=minutes)))
            self.assertExit(r, 1)
            self.assertIn("retry-wait", r.out)
        self.assertEqual(self.herald("run", "--now", iso(due + timedelta(minutes=24))).out, "")
        r = self.herald("--json", "run", "--now", iso(due + timedelta(minutes=25)))
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines()[0]["status"], "posted")
        self.assertEqual(len(self.fake.statuses), 1)
        posts = self.fake.status_posts()
        self.assertEqual(len(posts), 6)
        self.assertEqual(len({p["headers"]["idempotency-key"] for p in posts}), 1)

    def test_the_state_survives_a_crash_at_every_point(self):
        for point in ("before-intent-commit", "after-intent", "after-send"):
            with self.subTest(point=point):
                self.state = self.new_state(point)
                self.env["HERALD_STATE"] = str(self.state)
                self.write("herald.yaml", STUB_ACCOUNTS + POST.replace("text:", "to: [masto]\n    text:"))
                self.assertExit(self.herald("run", "--now", BEFORE), 0)
                r = self.herald("run", "--now", DUE, env={"HERALD_TEST_CRASH_AT": point})
                self.assertExit(r, 137)
                [job] = self.assertStateIntact()
                self.assertEqual(job["state"],
                                 "pending" if point == "before-intent-commit" else "sending")
                self.assertExit(self.herald("run", "--now", "2026-12-01T08:10:00Z"), 0)
                [job] = self.herald("--json", "history").json()
                self.assertEqual(job["state"], "posted")


class FaultTestPostgresql(OnPostgresql, FaultTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
