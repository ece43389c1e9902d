"""Shared helpers for herald's end-to-end tests: run the real binary in a scratch directory."""

import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest
from pathlib import Path

HERALD = os.environ.get("HERALD_BIN", "")
SOURCE_DIR = Path(os.environ.get("HERALD_SOURCE_DIR", Path(__file__).resolve().parents[2]))


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


class HeraldTest(unittest.TestCase):
    """Each test gets a scratch directory (kept when the test fails) and its own state."""

    def setUp(self):
        if not HERALD or not os.access(HERALD, os.X_OK):
            self.skipTest("HERALD_BIN does not name the herald binary")
        self.dir = Path(tempfile.mkdtemp(prefix="herald-e2e-"))
        self.state = self.dir / "state" / "herald.db"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.dir / "home"),
            "HERALD_STATE": str(self.state),
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
        }

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
        return Result(completed)

    def spawn(self, *args, calendar="herald.yaml", env=None):
        """herald started in the background, for tests that kill it or run several at once."""
        full_env = dict(self.env)
        full_env.update(env or {})
        return subprocess.Popen([HERALD, "-c", str(calendar), *[str(a) for a in args]],
                                cwd=self.dir, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def assertStateIntact(self):
        """The state passes SQLite's integrity check and herald can read it."""
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
