"""herald state migrate (SQLite -> PostgreSQL, verified) and herald state check."""

import os
import re
import sqlite3
import stat
import uuid
from urllib.parse import urlsplit

from harness import STUB_ACCOUNTS, HeraldTest, OnPostgresql, main, postgresql_server, psql

CALENDAR = STUB_ACCOUNTS + """
defaults:
  to: [masto]
posts:
""" + "".join(f"  - id: p{i}\n    at: 2026-12-01T08:00:00Z\n    text: post {i}\n" for i in range(9))

STATES = ["pending", "claimed", "sending", "posted", "retry-wait", "failed", "unknown", "missed",
          "cancelled"]


class StatePathTest(HeraldTest):
    def test_a_directory_is_refused_with_what_state_takes(self):
        self.write("herald.yaml", CALENDAR)
        r = self.herald("--state", self.dir, "status")
        self.assertExit(r, 3)
        self.assertEqual(r.err, f"herald: error: cannot open state {self.dir}: it names a "
                                f"directory; the state is a file (made when missing, e.g. "
                                f"{self.dir}/state.db) or a postgresql:// URL\n")

    def test_every_directory_made_for_the_default_state_is_owner_only(self):
        self.write("herald.yaml", CALENDAR)
        home = self.dir / "home"
        home.mkdir(mode=0o755)
        del self.env["HERALD_STATE"]
        self.assertExit(self.herald("run", "--now", "2026-11-30T00:00:00Z"), 0)
        self.assertTrue((home / ".local/state/herald/state.db").exists())
        self.assertEqual(stat.S_IMODE(home.stat().st_mode), 0o755)  # not made by herald
        for made in (".local", ".local/state", ".local/state/herald"):
            self.assertEqual(stat.S_IMODE((home / made).stat().st_mode), 0o700, made)


class StateSocketTest(HeraldTest):
    """A PostgreSQL on the same host is reached over its Unix socket (no TCP, no password: the
    local rule of pg_hba.conf), the fastest way there; libpq's URL takes the socket directory as
    a host parameter."""

    def test_a_state_url_with_a_socket_directory_works_end_to_end(self):
        port = urlsplit(postgresql_server()).port
        directory = os.environ.get("HERALD_TEST_PG_DIR", "")
        self.assertTrue(directory, "HERALD_TEST_PG_DIR (the socket's directory) is not set")
        database = f"herald_e2e_{uuid.uuid4().hex[:12]}"
        psql(f"CREATE DATABASE {database}")
        self.addCleanup(psql, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.env.pop("PGPASSWORD", None)
        self.env["HERALD_STATE"] = f"postgresql:///{database}?host={directory}&port={port}&user=herald"
        self.write("herald.yaml", CALENDAR)
        self.assertExit(self.herald("run", "--now", "2026-12-01T08:00:00Z"), 0)
        self.assertEqual(len(self.outbox()), 9)
        self.assertEqual(psql("SELECT count(*) FROM jobs WHERE state = 'posted'",
                              database=database).strip(), "9")
        r = self.herald("state", "check", calendar=None)
        self.assertExit(r, 0)
        self.assertIn("(PostgreSQL): schema 5\n", r.out)


class StateMigrateTest(HeraldTest):
    def sqlite_state_with_every_job_state(self):
        """A SQLite state whose nine jobs are in the nine states (set directly: a run would need
        nine kinds of failure to get there)."""
        self.write("herald.yaml", CALENDAR)
        self.assertExit(self.herald("run", "--now", "2026-11-30T00:00:00Z"), 0)
        with sqlite3.connect(self.state) as db:
            for i, state in enumerate(STATES):
                lease = (f"token{i}", 1900000000, "old-host:42") if state in ("claimed", "sending") \
                    else ("", None, "")
                db.execute("UPDATE jobs SET state = ?, lease_token = ?, lease_until = ?, "
                           "lease_holder = ?, posted_at = ?, next_attempt = ? WHERE id = ?",
                           (state, *lease, 1764576000 if state == "posted" else None,
                            1764576000 if state == "retry-wait" else None, f"p{i}/masto"))
        return {j["job"]: j for j in self.herald("--json", "status", "--all").json()}

    def test_every_table_is_copied_and_verified_and_leases_are_dropped(self):
        before = self.sqlite_state_with_every_job_state()
        target = self.new_postgresql_state()
        r = self.herald("state", "migrate", "--from", self.state, "--to", target, calendar=None)
        self.assertExit(r, 0)
        shown = target.split("?")[0] + "?password_env=HERALD_TEST_PG_PASSWORD"
        lines = r.out.splitlines()
        self.assertEqual(lines[0], f"copied {self.state} to {shown}")
        rows = {m[1]: int(m[2]) for m in (re.match(r"^  (\w+) +(\d+) rows  checksum [0-9a-f]{16}$", line)
                                          for line in lines[1:-1])}
        self.assertEqual(rows, {"meta": 0, "calendars": 1, "calendar_copies": 1, "jobs": 9,
                                "engage_cursors": 0,
                                "engage_conversations": 0, "post_metrics": 0, "account_metrics": 0})
        self.assertTrue(lines[-1].startswith("verified: every table has the same rows and checksum"))

        self.env["HERALD_STATE"] = target
        after = {j["job"]: j for j in self.herald("--json", "status", "--all").json()}
        self.assertEqual(sorted(after), sorted(before))
        for job, entry in after.items():
            self.assertEqual(entry["state"], before[job]["state"], job)
            self.assertNotIn("held_by", entry)
        self.assertEqual(psql("SELECT state, lease_token, lease_until FROM jobs WHERE lease_until "
                              "IS NOT NULL ORDER BY id", database=target.split("/")[-1].split("?")[0]),
                         "claimed|token1|0\nsending|token2|0\n")
        # The first run on the new state takes the claimed and sending jobs up again at once,
        # with the due pending and retry-wait ones.
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:30Z")
        self.assertExit(r, 0)
        self.assertEqual(sorted((j["job"], j["status"]) for j in r.json_lines()),
                         [("p0/masto", "posted"), ("p1/masto", "posted"), ("p2/masto", "posted"),
                          ("p4/masto", "posted")])

        # A second copy into the filled state is refused.
        r = self.herald("state", "migrate", "--from", self.state, "--to", target, calendar=None)
        self.assertExit(r, 3)
        self.assertEqual(r.err, f"herald: error: the state {shown} is not empty (calendars has 1 "
                                "rows): herald state migrate copies into an empty state only\n")

    def test_an_unreachable_database_is_exit_3_and_its_password_is_not_shown(self):
        r = self.herald("--state", "postgresql://herald:hunter2@127.0.0.1:1/herald", "status",
                        calendar=None)
        self.assertExit(r, 3)
        self.assertEqual(r.err, "herald: error: cannot connect to the state "
                                "postgresql://herald:***@127.0.0.1:1/herald: connection to server at "
                                "\"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server "
                                "running on that host and accepting TCP/IP connections?\n")
        self.assertEqual(r.out, "")

    def test_a_missing_source_is_refused(self):
        r = self.herald("state", "migrate", "--from", self.dir / "none.db", "--to",
                        self.dir / "to.db", calendar=None)
        self.assertExit(r, 3)
        self.assertEqual(r.err, f"herald: error: no state at {self.dir / 'none.db'}\n")


class StateCheckTest(HeraldTest):
    def test_a_sound_state_and_one_that_breaks_the_rules(self):
        self.write("herald.yaml", CALENDAR)
        self.assertExit(self.herald("run", "--now", "2026-11-30T00:00:00Z"), 0)
        r = self.herald("state", "check", calendar=None)
        self.assertExit(r, 0)
        backend = "SQLite" if self.backend == "sqlite" else "PostgreSQL"
        shown = str(self.state)
        integrity = "integrity: ok\n" if self.backend == "sqlite" else ""
        self.assertEqual(r.out, f"state {shown} ({backend}): schema 5\n{integrity}"
                                "jobs: 9 (9 pending)\nok\n")
        r = self.herald("--json", "state", "check", calendar=None)
        self.assertExit(r, 0)
        self.assertEqual(r.json(), {"state": shown, "backend": backend.lower(), "schema": 5,
                                    "integrity": ["ok"] if self.backend == "sqlite" else [],
                                    "jobs": {"pending": 9}, "problems": [], "ok": True})
        self.break_a_job()
        r = self.herald("state", "check", calendar=None)
        self.assertExit(r, 3)
        self.assertEqual(r.out, f"state {shown} ({backend}): schema 5\n{integrity}"
                                "jobs: 9 (8 pending, 1 sending)\n"
                                "problem: job p3/masto of calendar "
                                f"{self.calendar_key()} (sending): claimed without a lease\n"
                                "not ok\n")

    def calendar_key(self):
        return self.query("SELECT key FROM calendars")

    def query(self, sql):
        if self.backend == "sqlite":
            with sqlite3.connect(self.state) as db:
                return db.execute(sql).fetchone()[0]
        return psql(sql, database=str(self.state).split("/")[-1].split("?")[0]).strip()

    def break_a_job(self):
        sql = "UPDATE jobs SET state = 'sending' WHERE id = 'p3/masto'"
        if self.backend == "sqlite":
            with sqlite3.connect(self.state) as db:
                db.execute(sql)
        else:
            psql(sql, database=str(self.state).split("/")[-1].split("?")[0])


class StateCheckTestPostgresql(OnPostgresql, StateCheckTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
