"""Overlapping cron ticks on one state never publish a job twice."""

import subprocess

from harness import OnPostgresql, HERALD, STUB_ACCOUNTS, HeraldTest, main
from platforms.x.fake import XFake

X_ACCOUNT = """
accounts:
  x:
    platform: x
    url: {url}
    token_env: X_TOKEN
defaults:
  to: [x]
"""


class ConcurrencyTest(HeraldTest):
    def test_eight_runs_at_once_publish_each_job_once(self):
        posts = "".join(f"  - id: p{i}\n    at: 2026-12-01T08:00:00Z\n    text: post {i}\n" for i in range(40))
        self.write("herald.yaml", STUB_ACCOUNTS + "defaults:\n  to: [masto, sky]\nposts:\n" + posts)
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        env = dict(self.env)
        procs = [subprocess.Popen([HERALD, "-c", "herald.yaml", "--json", "run", "--now", "2026-12-01T08:00:10Z"],
                                  cwd=self.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]
        posted = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
            posted += [line for line in out.splitlines() if '"status":"posted"' in line]
        self.assertEqual(len(posted), 80)
        self.assertEqual(len(set(posted)), 80)
        self.assertEqual(len(self.outbox()), 80)

    def test_eight_runs_at_once_publish_each_x_post_once(self):
        # A platform without idempotency keys: only the state's claims keep a post single.
        fake = XFake(bearer="x-t0ken")
        self.addCleanup(fake.stop)
        self.env["X_TOKEN"] = "x-t0ken"
        posts = "".join(f"  - id: p{i}\n    at: 2026-12-01T08:00:00Z\n    text: post {i}\n"
                        for i in range(40))
        self.write("herald.yaml", X_ACCOUNT.format(url=fake.url("")) + "posts:\n" + posts)
        self.assertExit(self.herald("run", "--now", "2026-11-30T00:00:00Z"), 0)
        procs = [self.spawn("--json", "run", "--now", "2026-12-01T08:00:10Z") for _ in range(8)]
        posted = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
            posted += [line for line in out.splitlines() if '"status":"posted"' in line]
        self.assertEqual(len(posted), 40)
        self.assertEqual(len(fake.calls("POST", "/2/tweets")), 40)
        self.assertEqual(sorted(t["text"] for t in fake.tweets),
                         sorted(f"post {i}" for i in range(40)))


class ConcurrencyTestPostgresql(OnPostgresql, ConcurrencyTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
