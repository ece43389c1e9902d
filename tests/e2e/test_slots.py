"""Posting slots: `queue: true` posts take the next free slot, and keep it."""

from harness import STUB_ACCOUNTS, HeraldTest, main

# Monday 2026-11-30 in Europe/Berlin (UTC+1).
CALENDAR = "timezone: Europe/Berlin\n" + STUB_ACCOUNTS + """
defaults:
  to: [masto]
slots:
  - days: [mon, wed, fri]
    times: ["09:30", "16:00"]
posts:
{posts}
"""


def queued(*ids):
    return "".join(f"  - id: {i}\n    queue: true\n    text: post {i}\n" for i in ids)


class SlotsTest(HeraldTest):
    def plan(self, now="2026-11-30T09:00:00Z"):
        r = self.herald("--json", "plan", "--now", now, "--days", "14")
        self.assertExit(r, 0)
        return {e["job"]: (e["utc"], e["new_slot"]) for e in r.json()["entries"] if e["queued"]}

    def test_plan_shows_the_slot_each_queued_post_gets(self):
        self.write("herald.yaml", CALENDAR.format(posts=queued("a", "b", "c")))
        self.assertEqual(self.plan(), {
            "a/masto": ("2026-11-30T15:00:00Z", True),   # Mon 16:00
            "b/masto": ("2026-12-02T08:30:00Z", True),   # Wed 09:30
            "c/masto": ("2026-12-02T15:00:00Z", True),   # Wed 16:00
        })
        r = self.herald("plan", "--now", "2026-11-30T09:00:00Z")
        self.assertIn("16:00  a -> masto (stub), next free slot", r.out)
        self.assertFalse(self.state.exists(), "plan must not create the state")

    def test_slots_are_kept_when_posts_are_added_and_fire_at_their_slot(self):
        self.write("herald.yaml", CALENDAR.format(posts=queued("a", "b")))
        self.assertExit(self.herald("run", "--now", "2026-11-30T09:00:00Z"), 0)
        self.assertEqual(self.plan(), {
            "a/masto": ("2026-11-30T15:00:00Z", False),
            "b/masto": ("2026-12-02T08:30:00Z", False),
        })
        # A new post at the top of the queue takes the next free slot; the others stay.
        self.write("herald.yaml", CALENDAR.format(posts=queued("new", "a", "b")))
        self.assertExit(self.herald("run", "--now", "2026-11-30T10:00:00Z"), 0)
        self.assertEqual(self.plan("2026-11-30T10:00:00Z"), {
            "new/masto": ("2026-12-02T15:00:00Z", False),
            "a/masto": ("2026-11-30T15:00:00Z", False),
            "b/masto": ("2026-12-02T08:30:00Z", False),
        })
        self.assertEqual(self.herald("run", "--now", "2026-11-30T14:59:00Z").out, "")
        r = self.herald("--json", "run", "--now", "2026-11-30T15:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual([(j["job"], j["status"]) for j in r.json_lines()], [("a/masto", "posted")])
        self.assertEqual(list(self.outbox()), ["a~masto.json"])
        # Once posted, a slot stays in the past even when the queue is edited again.
        self.write("herald.yaml", CALENDAR.format(posts=queued("b", "a", "new", "last")))
        self.assertExit(self.herald("run", "--now", "2026-11-30T16:00:00Z"), 0)
        history = {j["job"]: j for j in self.herald("--json", "status").json()}
        history.update({j["job"]: j for j in self.herald("--json", "history").json()})
        self.assertEqual(history["a/masto"]["state"], "posted")
        self.assertEqual(history["last/masto"]["due"], "2026-12-04T08:30:00Z")

    def test_a_copy_of_the_calendar_elsewhere_plans_the_slots_the_state_gave(self):
        # Hosts sharing a state each have their copy at a path of their own.
        calendar = "name: shared\n" + CALENDAR.format(posts=queued("a", "b"))
        self.write("herald.yaml", calendar)
        self.assertExit(self.herald("run", "--now", "2026-11-30T09:00:00Z"), 0)
        self.write("elsewhere/herald.yaml", calendar.replace(queued("a", "b"), queued("b", "a")))
        r = self.herald("--json", "plan", "--now", "2026-11-30T09:00:00Z", "--days", "14",
                        calendar="elsewhere/herald.yaml")
        self.assertExit(r, 0)
        self.assertEqual({e["job"]: (e["utc"], e["new_slot"]) for e in r.json()["entries"]}, {
            "a/masto": ("2026-11-30T15:00:00Z", False),
            "b/masto": ("2026-12-02T08:30:00Z", False),
        })

    def test_a_queued_post_without_slots_is_an_error_at_its_line(self):
        self.write("herald.yaml", "timezone: UTC\n" + STUB_ACCOUNTS +
                   "slots:\n  - times: [\"09:00\"]\n    to: [masto]\n"
                   "posts:\n  - id: a\n    to: [sky]\n    queue: true\n    text: hi\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:16:12: error: post 'a' is queued, but account 'sky' has no "
                      "posting slots", r.err)


if __name__ == "__main__":
    main()
