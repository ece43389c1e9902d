"""herald status and history."""

from harness import STUB_ACCOUNTS, HeraldTest, main

CALENDAR = STUB_ACCOUNTS + """
defaults:
  to: [masto]
posts:
  - id: a
    at: 2026-12-01T08:00:00Z
    text: first
  - id: b
    at: 2026-12-02T08:00:00Z
    text: second
"""


class StatusTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)

    def test_no_state_yet(self):
        r = self.herald("status")
        self.assertExit(r, 0)
        self.assertIn("no state yet", r.out)
        self.assertFalse(self.state.exists())

    def test_status_and_history(self):
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        self.herald("run", "--now", "2026-12-01T08:00:05Z")
        status = self.herald("status")
        self.assertExit(status, 0)
        self.assertEqual(status.out, "pending    2026-12-02T08:00:00Z  b/masto\n")
        history = self.herald("history")
        self.assertRegex(history.out, r"^2026-12-01T08:00:05Z  a/masto  a~masto\.json  /.*/outbox/a~masto\.json\n$")
        [entry] = self.herald("--json", "history").json()
        self.assertEqual((entry["job"], entry["state"], entry["posted_at"]),
                         ("a/masto", "posted", "2026-12-01T08:00:05Z"))

    def test_other_calendars_only_with_all(self):
        self.write("other/herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-11-30T00:00:00Z", calendar="other/herald.yaml")
        r = self.herald("status")
        self.assertIn("has not been run with this state yet", r.out)
        r = self.herald("--json", "status", "--all")
        self.assertEqual(sorted(j["job"] for j in r.json()), ["a/masto", "b/masto"])

    def test_a_calendar_that_does_not_exist_is_named(self):
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        r = self.herald("status", calendar="nope.yaml")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: cannot read calendar nope.yaml: no such file (-c "
                                "names the calendar; --all lists every calendar in the state)\n")
        self.assertExit(self.herald("status", "--all", calendar="nope.yaml"), 0)


if __name__ == "__main__":
    main()
