"""herald daemon: fires on time, picks up edits, survives an invalid edit, reloads on SIGHUP,
and stops cleanly on SIGTERM with a consistent state."""

import datetime
import signal
import subprocess
import time

from harness import OnPostgresql, HERALD, STUB_ACCOUNTS, HeraldTest, main


def at(seconds):
    """An RFC 3339 time `seconds` from now, on the real clock."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def calendar(*posts):
    text = "timezone: UTC\n" + STUB_ACCOUNTS + "defaults:\n  to: [masto]\nposts:\n"
    for post_id, when in posts:
        text += f"  - id: {post_id}\n    at: {when}\n    text: post {post_id}\n"
    return text


class DaemonTest(HeraldTest):
    def start(self, *args, max_sleep=1):
        self.out_path = self.dir / "daemon.out"
        self.err_path = self.dir / "daemon.err"
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([HERALD, "-c", "herald.yaml", "daemon", "--max-sleep",
                                          str(max_sleep), *args], cwd=self.dir, env=self.env, stdout=out,
                                         stderr=err)
        self.addCleanup(self.kill)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def err(self):
        return self.err_path.read_text()

    def wait_for(self, what, condition, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            self.assertIsNone(self.proc.poll(), f"daemon exited early:\n{self.err()}")
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what}\n--- stdout\n{self.out_path.read_text()}"
                  f"--- stderr\n{self.err()}")

    def wait_for_post(self, post_id, timeout=20):
        self.wait_for(f"{post_id} in the outbox",
                      lambda: f"{post_id}~masto.json" in self.outbox(), timeout)

    def stop(self, limit=5):
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=limit)
        self.assertEqual(code, 0, self.err())
        self.assertLess(time.monotonic() - started, limit)

    def assertStateIntact(self):
        if self.backend == "sqlite":
            self.assertEqual(self.state_rows("PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(self.state_rows("SELECT COUNT(*) FROM jobs WHERE state IN ('claimed', 'sending')"),
                         [(0,)])

    def test_fires_when_due_picks_up_an_edit_and_stops_cleanly(self):
        # Due a few seconds ahead: the first sync must see it before it comes due, even on a
        # loaded machine, or it would be missed as back catalogue.
        first = at(4)
        self.write("herald.yaml", calendar(("first", first)))
        self.start()
        self.wait_for_post("first")
        self.write("herald.yaml", calendar(("first", first), ("second", at(2))))
        self.wait_for_post("second")
        self.stop()
        out = self.out_path.read_text()
        self.assertRegex(out, r"posted +first/masto  /.*/outbox/first~masto\.json\n")
        self.assertRegex(out, r"posted +second/masto  ")
        self.assertIn("reloaded herald.yaml: 1 new", self.err())
        self.assertEqual(len(self.outbox()), 2)
        self.assertStateIntact()
        history = self.herald("--json", "history")
        self.assertExit(history, 0)
        self.assertEqual(sorted((j["job"], j["state"]) for j in history.json()),
                         [("first/masto", "posted"), ("second/masto", "posted")])
        self.assertExit(self.herald("status"), 0)

    def test_an_invalid_edit_keeps_the_last_good_calendar(self):
        known = at(6)
        self.write("herald.yaml", calendar(("known", known)))
        self.start("--json", "-v")
        # The first tick is over (the last good calendar is in the state) once it sleeps.
        self.wait_for("the first sync", lambda: "sleeping until" in self.err())
        self.write("herald.yaml", calendar(("known", known)) + "  - id: [broken\n")
        self.wait_for("the invalid calendar to be reported",
                      lambda: "keeping the last good calendar" in self.err())
        self.assertRegex(self.err(), r"herald\.yaml:\d+:\d+: error: ")
        self.wait_for_post("known")
        # Reported once, not on every wake.
        time.sleep(1.5)
        self.assertEqual(self.err().count("keeping the last good calendar"), 1, self.err())
        [line] = [l for l in self.out_path.read_text().splitlines() if l.strip()]
        self.assertIn('"status":"posted"', line.replace(" ", ""))
        # Fixed again: the daemon reads it and carries on.
        self.write("herald.yaml", calendar(("known", known), ("again", at(2))))
        self.wait_for_post("again")
        self.stop()
        self.assertStateIntact()

    def test_sighup_reloads_and_sigterm_stops_an_idle_daemon_promptly(self):
        self.write("herald.yaml", calendar(("later", at(3600))))
        self.start("-v", max_sleep=60)
        self.wait_for("the first sync", lambda: "sleeping until" in self.err())
        self.proc.send_signal(signal.SIGHUP)
        self.wait_for("the reload", lambda: "reloaded herald.yaml" in self.err())
        self.stop(limit=5)
        self.assertIn("stopped", self.err())
        self.assertStateIntact()
        status = self.herald("--json", "status")
        self.assertExit(status, 0)
        self.assertIn("later/masto", status.out)
        self.assertEqual(self.outbox(), {})


class DaemonTestPostgresql(OnPostgresql, DaemonTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
