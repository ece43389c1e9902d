"""herald resolve, retry and cancel: a person settles what herald cannot."""

from platforms.webhook.fake import WebhookFake
from harness import OnPostgresql, HERALD, HeraldTest, main

CALENDAR = """
timezone: UTC
accounts:
  hook:
    platform: webhook
    url: {url}
defaults:
  to: [hook]
posts:
  - id: launch
    at: 2026-12-01T09:00:00Z
    text: {text}
  - id: later
    at: 2026-12-02T09:00:00Z
    text: the day after
"""

BEFORE = "2026-11-30T12:00:00Z"
DUE = "2026-12-01T09:00:10Z"


class ResolveTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = WebhookFake()
        self.addCleanup(self.fake.stop)
        self.calendar()
        self.herald("run", "--now", BEFORE)

    def calendar(self, text="herald 2.0 is out"):
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url("/in"), text=text))

    def state_of(self, job):
        jobs = {j["job"]: j for j in self.herald("--json", "status").json()}
        jobs.update({j["job"]: j for j in self.herald("--json", "history").json()})
        return jobs[job]

    def make_unknown(self):
        self.fake.fail_next(1, 502)  # may have landed; the webhook does not deduplicate
        self.assertExit(self.herald("run", "--now", DUE), 1)
        self.assertEqual(self.state_of("launch/hook")["state"], "unknown")

    def test_unknown_resolved_as_not_posted_goes_out_at_the_next_run(self):
        self.make_unknown()
        r = self.herald("resolve", "launch/hook", "--not-posted")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "launch/hook will be published at the next run\n")
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:00Z")  # past its grace
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines()[0]["status"], "posted")
        self.assertEqual(len(self.fake.requests), 2)

    def test_text_that_is_not_utf8_is_stored_as_replacement_characters(self):
        # Issue 19, item 1: what reaches the state is UTF-8, whoever wrote it ("\udcff" is the
        # byte 0xff on the command line).
        self.make_unknown()
        r = self.herald("resolve", "launch/hook", "--posted", "https://example.social/1\udcff",
                        "--id", "id-\udcc3")
        self.assertExit(r, 0)
        [(url, remote_id)] = self.state_rows(
            "SELECT url, remote_id FROM jobs WHERE id = 'launch/hook'")
        self.assertEqual((url, remote_id), ("https://example.social/1\ufffd", "id-\ufffd"))
        job = self.state_of("launch/hook")
        self.assertEqual((job["url"], job["id"]), ("https://example.social/1\ufffd", "id-\ufffd"))

    def test_unknown_resolved_as_posted_is_recorded_and_never_sent(self):
        self.make_unknown()
        r = self.herald("--json", "resolve", "launch/hook", "--posted", "https://example.social/1",
                        "--id", "1")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["url"], line["id"]),
                         ("posted", "https://example.social/1", "1"))
        self.assertEqual(self.herald("run", "--now", "2026-12-01T09:05:00Z").out, "")
        self.assertEqual(len(self.fake.requests), 1)
        self.assertEqual(self.state_of("launch/hook")["url"], "https://example.social/1")

    def test_retry_gives_a_failed_job_fresh_attempts(self):
        self.fake.fail_next(1, 400, body={"error": "bad request"})
        self.assertExit(self.herald("run", "--now", DUE), 1)
        self.assertEqual(self.state_of("launch/hook")["state"], "failed")
        self.assertExit(self.herald("retry", "launch/hook"), 0)
        job = self.state_of("launch/hook")
        self.assertEqual((job["state"], job["attempts"]), ("retry-wait", 0))
        r = self.herald("--json", "run", "--now", "2026-12-01T09:01:00Z")
        self.assertEqual(r.json_lines()[0]["status"], "posted")

    def test_retry_publishes_a_missed_job_anyway(self):
        r = self.herald("run", "--now", "2026-12-01T12:00:00Z")  # 3 h late: past its grace
        self.assertIn("(herald retry launch/hook publishes it anyway, herald run --catch-up "
                      "2026-12-01T09:00:00Z all missed since)", r.out)
        self.assertEqual(self.state_of("launch/hook")["state"], "missed")
        self.assertExit(self.herald("retry", "launch/hook"), 0)
        r = self.herald("--json", "run", "--now", "2026-12-01T12:01:00Z")
        self.assertEqual([(l["job"], l["status"]) for l in r.json_lines()],
                         [("launch/hook", "posted")])

    def test_cancel_holds_even_when_the_post_is_edited(self):
        r = self.herald("cancel", "later/hook")
        self.assertExit(r, 0)
        self.calendar(text="edited, so the calendar is read again")
        r = self.herald("--json", "run", "--now", "2026-12-02T09:00:10Z")
        self.assertEqual([l["job"] for l in r.json_lines()], ["launch/hook"])  # launch: missed
        self.assertEqual(self.state_of("later/hook")["state"], "cancelled")
        self.assertEqual(self.fake.requests, [])

    def test_retry_revives_a_cancelled_job_when_told_so(self):
        self.assertExit(self.herald("cancel", "later/hook"), 0)
        r = self.herald("retry", "later/hook")  # no terminal to ask on
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: job later/hook was cancelled by hand; herald retry --yes "
                                "later/hook publishes it after all\n")
        self.assertEqual(self.state_of("later/hook")["state"], "cancelled")
        r = self.herald("retry", "--yes", "later/hook")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "later/hook will be published at the next run\n")
        r = self.herald("--json", "run", "--now", "2026-12-02T09:00:10Z")
        self.assertIn(("later/hook", "posted"), [(l["job"], l["status"]) for l in r.json_lines()])
        self.assertEqual(len(self.fake.requests), 1)

    def test_retry_asks_on_a_terminal_before_reviving(self):
        import os
        import pty
        self.assertExit(self.herald("cancel", "later/hook"), 0)
        for answer, state in ((b"n\n", "cancelled"), (b"y\n", "retry-wait")):
            pid, fd = pty.fork()
            if pid == 0:
                os.chdir(self.dir)
                os.execve(HERALD, [HERALD, "-c", "herald.yaml", "retry", "later/hook"],
                          dict(self.env))
            output = b""
            while b"[y/N]" not in output:
                output += os.read(fd, 1024)
            os.write(fd, answer)
            try:
                while True:
                    chunk = os.read(fd, 1024)
                    if not chunk:
                        break
                    output += chunk
            except OSError:
                pass
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0, output)
            self.assertIn(b"later/hook was cancelled by hand. Publish it after all? [y/N]", output)
            self.assertEqual(self.state_of("later/hook")["state"], state)

    def test_strict_keeps_failing_until_a_person_settles_the_job(self):
        self.make_unknown()
        r = self.herald("status")
        self.assertIn("1 job needs a person (1 unknown): herald resolve, retry or cancel settles "
                      "each\n", r.out)
        # A later run publishes nothing new and is fine, unless --strict.
        self.assertExit(self.herald("run", "--now", "2026-12-01T09:02:00Z"), 0)
        r = self.herald("-q", "run", "--strict", "--now", "2026-12-01T09:03:00Z")
        self.assertExit(r, 1)
        self.assertEqual(r.err, "herald: 1 job needs a person: launch/hook (unknown); see herald "
                                "status\n")
        self.herald("resolve", "launch/hook", "--posted", "https://example.social/1")
        self.assertExit(self.herald("run", "--strict", "--now", "2026-12-01T09:04:00Z"), 0)
        self.assertNotIn("needs a person", self.herald("status").out)

    def test_strict_ignores_what_came_due_before_the_state_existed(self):
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url("/in"), text="x").replace(
            "2026-12-01T09:00:00Z", "2026-11-01T09:00:00Z"))
        r = self.herald("--state", str(self.dir / "fresh.db"), "run", "--strict",
                        "--now", "2026-11-30T12:00:00Z")
        self.assertExit(r, 0)
        self.assertIn("missed", r.out)

    def test_wrong_state_and_unknown_id_are_clear_errors(self):
        r = self.herald("resolve", "launch/hook", "--not-posted")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: job launch/hook is pending; resolve --not-posted "
                                "applies only to unknown jobs\n")
        r = self.herald("retry", "lanch/hook")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: no job 'lanch/hook' in this state, did you mean "
                                "'launch/hook'?\n")
        r = self.herald("resolve", "launch/hook")
        self.assertExit(r, 2)
        self.assertIn("resolve needs --posted URL or --not-posted", r.err)


class ResolveTestPostgresql(OnPostgresql, ResolveTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
