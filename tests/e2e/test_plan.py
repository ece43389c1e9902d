"""herald plan: the timeline in local time, grouped by day; JSON; no state needed."""

from harness import STUB_ACCOUNTS, HeraldTest, main

CALENDAR = """
timezone: Europe/Berlin
""" + STUB_ACCOUNTS + """
defaults:
  to: [masto, sky]
posts:
  - id: launch
    at: 2026-12-01 09:00
    text: the long announcement
    variants:
      sky:
        text: the short one
  - id: thread
    at: 2026-12-01 09:30
    to: [masto]
    thread:
      - text: one
      - text: two
  - id: tip
    cron: "0 10 * * MON"
    to: [masto]
    text: a tip
  - id: draft
    enabled: false
    at: 2026-12-01 12:00
    text: not yet
"""


class PlanTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)

    def test_grouped_by_local_day(self):
        r = self.herald("plan", "--from", "2026-11-30T00:00:00Z", "--days", "8")
        self.assertExit(r, 0)
        self.assertEqual(r.out, """\
Mon 2026-11-30 (Europe/Berlin)
  10:00  tip -> masto (stub), recurring
         a tip

Tue 2026-12-01 (Europe/Berlin)
  09:00  launch -> masto (stub)
         the long announcement
  09:00  launch -> sky (stub)
         the short one
  09:30  thread -> masto (stub), thread of 2
         [1/2]
         one
         [2/2]
         two

Mon 2026-12-07 (Europe/Berlin)
  10:00  tip -> masto (stub), recurring
         a tip
""")
        self.assertFalse(self.state.exists())

    def test_json(self):
        r = self.herald("--json", "plan", "--from", "2026-11-30T00:00:00Z", "--until", "2026-12-01T23:00:00Z")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["timezone"], "Europe/Berlin")
        self.assertEqual([(e["at"], e["job"]) for e in doc["entries"]], [
            ("2026-11-30T10:00:00+01:00", "tip@2026-11-30T10:00+01:00/masto"),
            ("2026-12-01T09:00:00+01:00", "launch/masto"),
            ("2026-12-01T09:00:00+01:00", "launch/sky"),
            ("2026-12-01T09:30:00+01:00", "thread/masto"),
        ])
        self.assertEqual(doc["entries"][2]["parts"], [{"text": "the short one", "media": []}])
        self.assertTrue(doc["entries"][3]["thread"])

    def test_default_window_starts_now(self):
        r = self.herald("plan", "--now", "2026-12-01T08:15:00Z")
        self.assertExit(r, 0)
        self.assertNotIn("launch", r.out)   # 09:00 Berlin = 08:00Z, before --now
        self.assertIn("09:30  thread", r.out)
        self.assertIn("Mon 2026-12-07", r.out)
        self.assertNotIn("Mon 2026-12-14", r.out)

    def test_a_plan_cut_at_the_cap_says_so(self):
        self.write("herald.yaml", STUB_ACCOUNTS + "defaults:\n  to: [masto]\nposts:\n"
                   "  - id: tick\n    cron: \"* * * * *\"\n    text: every minute\n")
        r = self.herald("--json", "plan", "--from", "2026-12-01T00:00:00Z", "--days", "20")
        self.assertExit(r, 0)
        plan = r.json()
        self.assertEqual(len(plan["entries"]), 20000)
        warning = ("herald.yaml:11:5: warning: post 'tick' has more than 20000 occurrences in this "
                   "plan's window; only the first 20000 are shown")
        self.assertEqual(plan["warnings"], [warning])
        self.assertEqual(r.err, warning + "\n")
        r = self.herald("plan", "--from", "2026-12-01T00:00:00Z", "--days", "20")
        self.assertIn(warning + "\n", r.err)

    def test_invalid_calendar(self):
        self.write("herald.yaml", CALENDAR.replace("text: a tip", "txt: a tip"))
        r = self.herald("plan", "--now", "2026-12-01T08:15:00Z")
        self.assertExit(r, 2)
        self.assertIn("unknown key 'txt'", r.err)
        self.assertEqual(r.out, "")

    def test_bad_time_option(self):
        r = self.herald("plan", "--from", "tomorrow")
        self.assertExit(r, 2)
        self.assertIn("--from", r.err)
        self.assertIn("RFC 3339", r.err)


if __name__ == "__main__":
    main()
