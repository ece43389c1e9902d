"""A runner killed at any point of a publish never loses the job and never posts it twice."""

import re
import socket

from harness import OnPostgresql, STUB_ACCOUNTS, HeraldTest, main

CALENDAR = STUB_ACCOUNTS + """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [masto]
    text: hello
"""


class CrashTest(HeraldTest):
    def crash_then_recover(self, point):
        self.write("herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z", env={"HERALD_TEST_CRASH_AT": point})
        self.assertExit(r, 137)
        # The dead runner's lease (10 min) still protects the job from a second runner.
        r = self.herald("run", "--now", "2026-12-01T08:05:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")
        # Once it expires the job is taken up again and published exactly once.
        r = self.herald("--json", "run", "--now", "2026-12-01T08:10:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["job"], line["status"]), ("launch/masto", "posted"))
        self.assertEqual(list(self.outbox()), ["launch~masto.json"])
        self.assertEqual(self.herald("run", "--now", "2026-12-01T08:20:00Z").out, "")
        return self.herald("--json", "history").json()

    def test_status_says_which_host_holds_a_claim(self):
        self.write("herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z", env={"HERALD_TEST_CRASH_AT": "after-intent"})
        self.assertExit(r, 137)
        host = socket.gethostname()
        r = self.herald("status")
        self.assertRegex(r.out, rf"^sending    2026-12-01T08:00:00Z  launch/masto  held by {re.escape(host)}:\d+ "
                                r"until 2026-12-01T08:10:00Z\n$")
        [job] = self.herald("--json", "status").json()
        self.assertRegex(job["held_by"], rf"^{re.escape(host)}:\d+$")

    def test_killed_before_the_claim_and_intent_commit(self):
        # The claim and the intent commit together: dying before that leaves the job as it
        # was (nothing was sent, no lease to wait for), and the next run publishes it once.
        self.write("herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z",
                        env={"HERALD_TEST_CRASH_AT": "before-intent-commit"})
        self.assertExit(r, 137)
        [job] = self.herald("--json", "status").json()
        self.assertEqual((job["state"], job["attempts"]), ("pending", 0))
        self.assertEqual(list(self.outbox()), [])
        r = self.herald("--json", "run", "--now", "2026-12-01T08:01:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["job"], line["status"]), ("launch/masto", "posted"))
        self.assertEqual(list(self.outbox()), ["launch~masto.json"])
        [job] = self.herald("--json", "history").json()
        self.assertEqual(job["attempts"], 1)

    def test_killed_after_recording_the_intent(self):
        # The stub deduplicates on the idempotency key, so the resend is safe.
        [job] = self.crash_then_recover("after-intent")
        self.assertEqual(job["attempts"], 2)

    def test_killed_after_the_post_went_out(self):
        [job] = self.crash_then_recover("after-send")
        self.assertEqual(job["attempts"], 2)
        self.assertEqual(job["id"], "launch~masto.json")


class CrashTestPostgresql(OnPostgresql, CrashTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
