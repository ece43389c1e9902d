"""Shared helpers for herald's end-to-end tests: run the real binary in a scratch directory."""

import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest
import uuid
from pathlib import Path

HERALD = os.environ.get("HERALD_BIN", "")
# A herald built with a sanitizer (scripts/sanitize.sh): its memory use is the sanitizer's.
SANITIZED = os.environ.get("HERALD_SANITIZED", "0") == "1"
SOURCE_DIR = Path(os.environ.get("HERALD_SOURCE_DIR", Path(__file__).resolve().parents[2]))
# How the sanitizers' reports begin (a herald built with HERALD_ENABLE_ASAN and friends).
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ",
                     "WARNING: ThreadSanitizer")


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json_lines(self):
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}"


def postgresql_server():
    """The URL of the PostgreSQL test server (scripts/pg-test-server.sh), or an AssertionError
    that says how to start it: the PostgreSQL tests fail rather than skip without it."""
    url = os.environ.get("HERALD_TEST_PG", "")
    if not url:
        raise AssertionError("HERALD_TEST_PG is not set: the PostgreSQL tests need a server. Run "
                             "them through scripts/test.sh, or start a throwaway one with "
                             "`scripts/pg-test-server.sh run ctest --test-dir build`")
    return url


def psql(sql, database=None):
    """Runs administrative SQL on the test server (psql, with PGPASSWORD from the script)."""
    url = postgresql_server()
    if database:
        url = url.split("?")[0].rsplit("/", 1)[0] + "/" + database
    done = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"psql {sql!r}: {done.stderr}")
    return done.stdout


class HeraldTest(unittest.TestCase):
    """Each test gets a scratch directory (kept when the test fails) and its own state: a SQLite
    file, or with the PostgreSQL mixin below a database of its own on the test server."""

    backend = "sqlite"

    def setUp(self):
        if not HERALD or not os.access(HERALD, os.X_OK):
            self.skipTest("HERALD_BIN does not name the herald binary")
        self.dir = Path(tempfile.mkdtemp(prefix="herald-e2e-"))
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.dir / "home"),
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
        }
        self.state = self.new_state("state")
        self.env["HERALD_STATE"] = str(self.state)

    def new_state(self, name):
        """A fresh state: the file `name`/herald.db, or a new database on the PostgreSQL server
        reached with the password from the variable that `password_env` names."""
        if self.backend == "sqlite":
            return self.dir / name / "herald.db"
        return self.new_postgresql_state()

    def new_postgresql_state(self):
        server = postgresql_server()
        database = f"herald_e2e_{uuid.uuid4().hex[:12]}"
        psql(f"CREATE DATABASE {database}")
        self.addCleanup(psql, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.env["HERALD_TEST_PG_PASSWORD"] = os.environ.get("HERALD_TEST_PG_PASSWORD", "")
        base = server.split("?")[0].rsplit("/", 1)[0]
        return f"{base}/{database}?password_env=HERALD_TEST_PG_PASSWORD"

    def tearDown(self):
        if not hasattr(self, "dir"):
            return
        if self._failed():
            print(f"\nkept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _failed(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.failures + result.errors)

    def write(self, name, content):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"))
        return path

    def herald(self, *args, calendar="herald.yaml", env=None, timeout=60):
        command = [HERALD]
        if calendar is not None:
            command += ["-c", str(calendar)]
        command += [str(a) for a in args]
        full_env = dict(self.env)
        if env:
            full_env.update(env)
        completed = subprocess.run(command, cwd=self.dir, env=full_env, capture_output=True,
                                   text=True, timeout=timeout)
        # A sanitizer's report fails the test even where herald was expected to fail.
        if any(report in completed.stderr for report in SANITIZER_REPORTS):
            raise AssertionError(f"a sanitizer reported a bug in {command}:\n{completed.stderr}")
        return Result(completed)

    def spawn(self, *args, calendar="herald.yaml", env=None):
        """herald started in the background, for tests that kill it or run several at once."""
        full_env = dict(self.env)
        full_env.update(env or {})
        return subprocess.Popen([HERALD, "-c", str(calendar), *[str(a) for a in args]],
                                cwd=self.dir, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def state_rows(self, sql):
        """The rows of a query on the state, on either backend ([] before there is a state);
        numbers come back as ints."""
        if self.backend == "sqlite":
            import sqlite3
            if not Path(self.state).exists():
                return []
            with sqlite3.connect(self.state) as db:
                return db.execute(sql).fetchall()
        database = str(self.state).split("?")[0].rsplit("/", 1)[1]
        rows = []
        for line in psql(sql, database=database).splitlines():
            rows.append(tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("|")))
        return rows

    def assertStateIntact(self):
        """The state passes SQLite's integrity check and herald can read it."""
        if self.backend == "sqlite":
            import sqlite3
            with sqlite3.connect(self.state) as db:
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        r = self.herald("--json", "status", "--all")
        self.assertIn(r.code, (0, 1), repr(r))
        return r.json()

    def idempotency_key(self, job_id, state=None):
        """The idempotency key the state recorded for a job (with its intent)."""
        import sqlite3
        with sqlite3.connect(state or self.state) as db:
            [(key,)] = db.execute("SELECT idempotency_key FROM jobs WHERE id = ?",
                                  (job_id,)).fetchall()
        return key

    def outbox(self, sub="outbox"):
        """The stub outbox as {file name: parsed JSON}."""
        folder = self.dir / sub
        if not folder.exists():
            return {}
        return {p.name: json.loads(p.read_text()) for p in sorted(folder.iterdir())
                if p.suffix == ".json"}

    def assertExit(self, result, code):
        self.assertEqual(result.code, code, repr(result))


class OnPostgresql:
    """Mixin: the same tests on a PostgreSQL state (class XPostgresql(OnPostgresql, X))."""

    backend = "postgresql"


STUB_ACCOUNTS = """
accounts:
  masto:
    platform: stub
    dir: outbox
  sky:
    platform: stub
    dir: outbox
"""


def main():
    unittest.main(verbosity=2)
