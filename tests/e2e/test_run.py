"""herald run: sync, fire due jobs through the stub platform, exit codes, edit rules."""

import json
import os
import sqlite3
import subprocess
import time

from harness import HERALD, STUB_ACCOUNTS, HeraldTest, main

CALENDAR = """
timezone: Europe/Berlin
""" + STUB_ACCOUNTS + """
defaults:
  to: [masto]
posts:
  - id: launch
    at: 2026-12-01 09:00
    text: herald 2.0 is out
  - id: later
    at: 2026-12-02 09:00
    text: the day after
"""


class RunTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)

    def test_nothing_due_is_quiet_and_exits_0(self):
        r = self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")
        self.assertEqual(self.outbox(), {})

    def test_due_job_fires_once_into_the_stub_outbox(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:30Z")  # 09:00:30 in Berlin
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^posted +launch/masto  /.*/outbox/launch~masto\.json\n$")
        box = self.outbox()
        self.assertEqual(list(box), ["launch~masto.json"])
        self.assertEqual(box["launch~masto.json"]["parts"], [{"text": "herald 2.0 is out", "media": []}])
        self.assertEqual(box["launch~masto.json"]["job"], "launch/masto")
        self.assertTrue(box["launch~masto.json"]["idempotency_key"].startswith("herald-"))
        # A second tick, and an overlapping one at the same instant, publish nothing more.
        again = self.herald("run", "--now", "2026-12-01T08:01:00Z")
        self.assertExit(again, 0)
        self.assertEqual(again.out, "")
        self.assertEqual(len(self.outbox()), 1)

    def test_stub_to_standard_output(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", 'dir: "-"\n  sky'))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("-q", "run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        doc = json.loads(r.out)
        self.assertEqual((doc["job"], doc["parts"][0]["text"]), ("launch/masto", "herald 2.0 is out"))
        self.assertEqual(self.outbox(), {})
        self.assertEqual(r.out.count("\n"), 1)

    def test_stub_to_a_full_standard_output_fails_the_job(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", 'dir: "-"\n  sky'))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        with open("/dev/full", "w") as full:
            done = subprocess.run([HERALD, "-c", "herald.yaml", "-q", "run", "--now",
                                   "2026-12-01T08:00:00Z"], cwd=self.dir, env=self.env,
                                  stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        # The job's outcome line went to the same full standard output: the state tells.
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertEqual(self.state_rows("SELECT state, error FROM jobs WHERE id = 'launch/masto'"),
                         [("failed", "permanent: stub: cannot write to standard output: "
                                     "No space left on device")])

    def test_stub_to_standard_output_with_json_is_json_lines(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", 'dir: "-"\n  sky'))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        post, outcome = r.json_lines()
        self.assertEqual((post["job"], post["parts"][0]["text"]),
                         ("launch/masto", "herald 2.0 is out"))
        self.assertEqual((outcome["job"], outcome["status"]), ("launch/masto", "posted"))

    def test_json_lines(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["job"], "launch/masto")
        self.assertEqual(line["post"], "launch")
        self.assertEqual(line["account"], "masto")
        self.assertEqual(line["status"], "posted")
        self.assertEqual(line["due"], "2026-12-01T08:00:00Z")
        self.assertTrue(line["url"].endswith("/outbox/launch~masto.json"))

    def test_editing_after_it_fired_never_posts_again(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.write("herald.yaml", CALENDAR.replace("herald 2.0 is out", "herald 2.0 is OUT (edited)")
                   .replace("at: 2026-12-01 09:00", "at: 2026-12-01 10:00"))
        r = self.herald("run", "--now", "2026-12-01T09:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")
        self.assertEqual(self.outbox()["launch~masto.json"]["parts"][0]["text"], "herald 2.0 is out")

    def test_editing_before_it_fires_updates_the_job(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.write("herald.yaml", CALENDAR.replace("herald 2.0 is out", "herald 2.0 is out, edited")
                   .replace("at: 2026-12-01 09:00", "at: 2026-12-01 11:00"))
        self.assertEqual(self.herald("run", "--now", "2026-12-01T08:00:00Z").out, "")
        r = self.herald("run", "--now", "2026-12-01T10:00:00Z")
        self.assertExit(r, 0)
        self.assertIn("launch/masto", r.out)
        self.assertEqual(self.outbox()["launch~masto.json"]["parts"][0]["text"], "herald 2.0 is out, edited")

    def test_deleting_a_post_cancels_its_job(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.write("herald.yaml", CALENDAR.split("  - id: later")[0])
        self.herald("run", "--now", "2026-11-30T12:05:00Z")
        status = self.herald("--json", "status")
        states = {j["job"]: (j["state"], j.get("error", "")) for j in status.json()}
        self.assertEqual(states["later/masto"],
                         ("cancelled", "removed: the post is no longer in the calendar"))
        self.herald("run", "--now", "2026-12-02T08:00:00Z")
        self.assertNotIn("later~masto.json", self.outbox())

    def test_late_within_grace_fires_beyond_grace_is_missed_and_exits_1(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        # Host off until 50 min after launch: still inside the default grace of 1h.
        r = self.herald("run", "--now", "2026-12-01T08:50:00Z")
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        # Host off until 2 h after the second post: missed, reported, exit 1.
        r = self.herald("run", "--now", "2026-12-02T10:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"missed +later/masto  came due at 2026-12-02T08:00:00Z, 2h ago, "
                                r"longer than its grace of 1h \(herald retry later/masto publishes it "
                                r"anyway, herald run --catch-up 2026-12-02T08:00:00Z all missed "
                                r"since\)")
        self.assertNotIn("later~masto.json", self.outbox())
        status = self.herald("status")
        self.assertRegex(status.out, r"missed +2026-12-02T08:00:00Z  later/masto")

    def test_configurable_grace(self):
        self.write("herald.yaml", CALENDAR.replace("defaults:\n", "defaults:\n  grace: 3h\n"))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T10:30:00Z")  # 2.5 h late
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)

    def test_a_new_state_never_publishes_the_back_catalogue(self):
        # The first run happens after both posts came due: nothing is published.
        r = self.herald("run", "--now", "2026-12-03T12:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(self.outbox(), {})
        self.assertIn("before herald first saw this calendar", r.out)
        self.assertEqual(r.out.count("missed"), 2)

    def test_invalid_calendar_fires_nothing_and_changes_no_state(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        before = self.state.read_bytes()
        self.write("herald.yaml", CALENDAR.replace("text: the day after", "txt: the day after"))
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 2)
        self.assertIn("unknown key 'txt'", r.err)
        self.assertIn("nothing was published and the state is unchanged", r.err)
        self.assertEqual(self.outbox(), {})
        with sqlite3.connect(self.state) as db:
            states = dict(db.execute("SELECT id, state FROM jobs"))
        self.assertEqual(states, {"launch/masto": "pending", "later/masto": "pending"})
        del before

    def test_invalid_calendar_on_a_fresh_machine_creates_no_state(self):
        self.write("herald.yaml", CALENDAR.replace("text: the day after", "txt: the day after"))
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 2)
        self.assertFalse(self.state.exists())

    def test_dry_run_publishes_nothing_and_creates_no_state(self):
        r = self.herald("run", "--dry-run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        self.assertFalse(self.state.exists())
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("--json", "run", "-n", "--now", "2026-12-01T08:00:00Z")
        self.assertEqual([(l["job"], l["status"]) for l in r.json_lines()], [("launch/masto", "due")])
        self.assertEqual(self.outbox(), {})
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.assertIn("posted", r.out)

    def test_failing_platform_exits_1_and_keeps_the_job(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", "dir: outbox\n    fail: not-sent\n  sky"))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/masto  not-sent: stub: could not connect \(fail: not-sent\) "
                                r"\(attempt 1 of 5; next at 2026-12-01T08:01:\d\dZ\)")
        status = self.herald("--json", "status").json()
        self.assertEqual([(j["job"], j["state"], j["attempts"]) for j in status if j["job"] == "launch/masto"],
                         [("launch/masto", "retry-wait", 1)])
        # The platform comes back: the job is published on a later tick.
        self.write("herald.yaml", CALENDAR)
        r = self.herald("run", "--now", "2026-12-01T08:05:00Z")
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)

    def test_max_attempts_sets_how_long_a_failing_job_is_retried(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", "dir: outbox\n    fail: not-sent\n  sky"))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("run", "--max-attempts", "2", "--now", "2026-12-01T08:00:00Z")
        self.assertRegex(r.out, r"retry-wait +launch/masto  .*\(attempt 1 of 2; next at ")
        r = self.herald("run", "--max-attempts", "2", "--now", "2026-12-01T08:05:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/masto  not-sent: stub: could not connect")
        [job] = [j for j in self.herald("--json", "status").json() if j["job"] == "launch/masto"]
        self.assertEqual((job["state"], job["attempts"]), ("failed", 2))

    def test_permanent_failure(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", "dir: outbox\n    fail: permanent\n  sky"))
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/masto  permanent: stub: refused")

    def test_quiet_prints_only_what_needs_attention(self):
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("-q", "run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")
        self.assertEqual(r.err, "")
        self.assertEqual(len(self.outbox()), 1)

    def test_two_calendars_share_one_state_without_colliding(self):
        self.write("other/herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.herald("run", "--now", "2026-11-30T12:00:00Z", calendar="other/herald.yaml")
        a = self.herald("run", "--now", "2026-12-01T08:00:00Z")
        b = self.herald("run", "--now", "2026-12-01T08:00:00Z", calendar="other/herald.yaml")
        self.assertIn("posted", a.out)
        self.assertIn("posted", b.out)
        self.assertEqual(len(self.outbox()), 1)
        self.assertEqual(len(self.outbox("other/outbox")), 1)
        with sqlite3.connect(self.state) as db:
            self.assertEqual(db.execute("SELECT COUNT(DISTINCT calendar) FROM jobs").fetchone()[0], 2)

    def age(self, seconds=10):
        """Dates the calendar back, as a file edited a while ago would be."""
        then = time.time() - seconds
        os.utime(self.dir / "herald.yaml", (then, then))

    def test_unchanged_calendar_is_not_reread(self):
        self.age()
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("-v", "run", "--now", "2026-11-30T12:01:00Z")
        self.assertIn("calendar unchanged (not read)", r.err)
        self.age(5)  # touched, not edited
        r = self.herald("-v", "run", "--now", "2026-11-30T12:02:00Z")
        self.assertIn("calendar unchanged (not read)", r.err)
        self.write("herald.yaml", CALENDAR + "  - id: new\n    at: 2026-12-03 09:00\n    text: new post\n")
        self.age()
        r = self.herald("-v", "run", "--now", "2026-11-30T12:03:00Z")
        self.assertIn("calendar read", r.err)
        self.assertIn("1 new", r.err)

    def test_an_edit_made_while_a_tick_reads_is_not_lost(self):
        # Written just now: the tick cannot tell whether it read the final bytes, so it keeps
        # no fingerprint and the next tick reads the calendar again.
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        r = self.herald("-v", "run", "--now", "2026-11-30T12:01:00Z")
        self.assertIn("calendar read", r.err)

    def test_state_location_from_flag_and_environment(self):
        env_state = self.dir / "env-state.db"
        r = self.herald("run", "--now", "2026-11-30T12:00:00Z", env={"HERALD_STATE": str(env_state)})
        self.assertExit(r, 0)
        self.assertTrue(env_state.exists())
        flag_state = self.dir / "flag-state.db"
        self.herald("--state", str(flag_state), "run", "--now", "2026-11-30T12:00:00Z")
        self.assertTrue(flag_state.exists())
        # Neither: the XDG state directory.
        env = {"HERALD_STATE": "", "XDG_STATE_HOME": str(self.dir / "xdg")}
        del self.env["HERALD_STATE"]
        self.herald("run", "--now", "2026-11-30T12:00:00Z", env={"XDG_STATE_HOME": env["XDG_STATE_HOME"]})
        self.assertTrue((self.dir / "xdg" / "herald" / "state.db").exists())
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.assertTrue((self.dir / "home" / ".local" / "state" / "herald" / "state.db").exists())

    def test_calendar_from_environment(self):
        r = self.herald("run", "--now", "2026-11-30T12:00:00Z", calendar=None,
                        env={"HERALD_CALENDAR": str(self.dir / "herald.yaml")})
        self.assertExit(r, 0)
        self.assertTrue(self.state.exists())

    def test_missing_calendar(self):
        r = self.herald("run", calendar="nope.yaml")
        self.assertExit(r, 2)
        self.assertIn("nope.yaml", r.err)


if __name__ == "__main__":
    main()
