"""Several hosts on one PostgreSQL state: each host is a working directory of its own (its own
copy of the calendar, its own HOME) sharing only HERALD_STATE, as two servers would."""

import datetime
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from platforms.bluesky.fake import FakeBluesky
from platforms.mastodon.fake import FakeMastodon
from platforms.discord.fake import DiscordFake
from harness import HERALD, SOURCE_DIR, HeraldTest, OnPostgresql, Result, main

TOKEN = "s3cr3t-token"
PASSWORD = "app-pass-s3cr3t"
BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
AFTER_LEASE = "2026-12-01T08:10:00Z"
ACCOUNTS = ("one", "two", "three", "four")


def wait_for(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class HostsTest(OnPostgresql, HeraldTest):
    def host(self, name, calendar):
        """A host's directory with its copy of the calendar, and its environment."""
        home = self.dir / name
        (home / "home").mkdir(parents=True, exist_ok=True)
        self.write_copy((home, None), calendar)
        env = dict(self.env, HOME=str(home / "home"), HERALD_HOST=name)
        return home, env

    @staticmethod
    def write_copy(host, calendar):
        """Writes a host's copy of the calendar, an hour old (a file written within the second
        is read again on every tick)."""
        path = host[0] / "herald.yaml"
        path.write_text(calendar)
        an_hour_ago = time.time() - 3600
        os.utime(path, (an_hour_ago, an_hour_ago))

    def run_on(self, host, *args, timeout=120):
        home, env = host
        done = subprocess.run([HERALD, "-c", "herald.yaml", *args], cwd=home, env=env,
                              capture_output=True, text=True, timeout=timeout)
        return Result(done)

    def spawn_on(self, host, *args, **kwargs):
        home, env = host
        return subprocess.Popen([HERALD, "-c", "herald.yaml", *args], cwd=home, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)

    def mastodon_calendar(self, posts, accounts=ACCOUNTS):
        self.fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.fake.stop)
        self.env["MASTODON_TOKEN"] = TOKEN
        text = "name: shared\naccounts:\n"
        for name in accounts:
            text += (f"  {name}:\n    platform: mastodon\n    url: {self.fake.url}\n"
                     "    token_env: MASTODON_TOKEN\n")
        return text + f"defaults:\n  to: [{', '.join(accounts)}]\nposts:\n" + posts

    def test_eight_runners_on_two_hosts_deliver_400_jobs_exactly_once(self):
        posts = "".join(f"  - id: p{i}\n    at: {DUE}\n    text: post number {i}\n" for i in range(100))
        calendar = self.mastodon_calendar(posts)
        a, b = self.host("host-a", calendar), self.host("host-b", calendar)
        self.assertExit(self.run_on(a, "run", "--now", BEFORE), 0)
        procs = [self.spawn_on(host, "--json", "run", "--now", "2026-12-01T08:00:10Z")
                 for _ in range(4) for host in (a, b)]
        posted = []
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            self.assertEqual((proc.returncode, err), (0, ""))
            posted += [line for line in out.splitlines() if '"status":"posted"' in line]
        self.assertEqual(len(posted), 400)
        self.assertEqual(len(set(posted)), 400)
        self.assertEqual(len(self.fake.statuses), 400)
        self.assertEqual(len(self.fake.status_posts()), 400)  # not even a resend
        self.assertEqual(sorted(self.fake.sources.values()),
                         sorted([f"post number {i}" for i in range(100)] * 4))
        r = self.run_on(b, "--json", "status", "--all")
        self.assertEqual(r.json(), [])

    def test_each_host_reads_its_own_copy_only_when_it_changes_and_the_last_edit_wins(self):
        calendar = self.mastodon_calendar(f"  - id: first\n    at: {DUE}\n    text: first post\n",
                                          accounts=("masto",))
        a, b = self.host("host-a", calendar), self.host("host-b", calendar)

        def tick(host, now=BEFORE):
            r = self.run_on(host, "-v", "run", "--now", now)
            self.assertExit(r, 0)
            return r.err

        self.assertIn("calendar read", tick(a))
        self.assertIn("calendar read", tick(b))  # its first read on that host
        # The copies sit at other paths, with other inodes and times: each host's fingerprint
        # is its own, so neither host reads (and syncs) the calendar again on every tick.
        for _ in range(2):
            for host in (a, b):
                self.assertIn("calendar unchanged (not read)", tick(host))

        # An edit on B is synced by B; A, whose copy did not change, does not sync its older
        # copy back over it, and fires what B's copy added.
        self.write_copy(b, calendar + f"  - id: second\n    at: {DUE}\n    text: second post\n")
        self.assertIn("1 new", tick(b))
        self.assertIn("calendar unchanged here (not read; another host synced another copy",
                      tick(a))
        r = self.run_on(a, "--json", "run", "--now", DUE)
        self.assertExit(r, 0)
        self.assertEqual(sorted(self.fake.sources.values()), ["first post", "second post"])

        # B synced on 11-30, expanding recurring posts 35 days ahead (to 01-04). A leaves the
        # refresh to B while B may still make it; a day before the horizon runs out, A syncs
        # its own copy rather than let it run out.
        self.assertIn("calendar unchanged here", tick(a, "2027-01-02T00:00:00Z"))
        self.assertIn("calendar read", tick(a, "2027-01-03T12:00:00Z"))
        self.assertIn("calendar unchanged (not read)", tick(a, "2027-01-03T12:01:00Z"))

    def kill_on_a_then_recover_on_b(self, calendar, in_flight):
        """Host A dies (SIGKILL) while the platform has its request; host B's run at DUE finds
        the job under A's lease, and its run after the lease takes it up."""
        a, b = self.host("host-a", calendar), self.host("host-b", calendar)
        self.assertExit(self.run_on(a, "run", "--now", BEFORE), 0)
        proc = self.spawn_on(a, "run", "--now", DUE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(in_flight, "the request to reach the platform")
        proc.kill()
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -9)
        [job] = self.run_on(b, "--json", "status").json()
        self.assertEqual(job["state"], "sending")
        self.assertRegex(job["held_by"], r"^.+:\d+$")
        r = self.run_on(b, "run", "--now", "2026-12-01T08:05:00Z")
        self.assertEqual((r.code, r.out), (0, ""))  # A's lease still holds
        return self.run_on(b, "--json", "run", "--now", AFTER_LEASE)

    def test_kill_9_on_one_host_mid_publish_mastodon_is_recovered_once_by_the_other(self):
        calendar = self.mastodon_calendar(f"  - id: launch\n    at: {DUE}\n    text: hello\n",
                                          accounts=("masto",))
        self.fake.status_delay = 2.0
        r = self.kill_on_a_then_recover_on_b(calendar, lambda: self.fake.in_flight > 0)
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [status] = self.fake.statuses.values()
        self.assertEqual((line["status"], line["id"]), ("posted", status["id"]))
        keys = [p["headers"]["idempotency-key"] for p in self.fake.status_posts()]
        self.assertEqual((len(keys), len(set(keys))), (2, 1))  # the resend, deduplicated

    def test_kill_9_on_one_host_mid_publish_bluesky_is_recovered_once_by_the_other(self):
        fake = FakeBluesky(password=PASSWORD)
        self.addCleanup(fake.stop)
        self.env["BSKY_PASSWORD"] = PASSWORD
        calendar = ("name: shared\naccounts:\n  sky:\n    platform: bluesky\n"
                    f"    url: {fake.url('')}\n    handle: alice.test\n"
                    "    password_env: BSKY_PASSWORD\ndefaults:\n  to: [sky]\n"
                    f"posts:\n  - id: launch\n    at: {DUE}\n    text: hello\n")
        fake.create_delay = 2.0
        r = self.kill_on_a_then_recover_on_b(
            calendar, lambda: len(fake.calls("com.atproto.repo.createRecord")) > 0)
        self.assertExit(r, 0)
        [line] = r.json_lines()
        wait_for(lambda: len(fake.posts()) == 1, "the first record")
        [record] = fake.posts()
        self.assertEqual((line["status"], line["id"]), ("posted", record["uri"]))
        # Each host keeps its own Bluesky session, beside its own HOME, not in the database.
        for host in ("host-a", "host-b"):
            self.assertTrue(list((self.dir / host / "home" / ".local" / "state" / "herald").iterdir()),
                            host)

    def test_kill_9_on_one_host_mid_publish_discord_is_unknown_not_resent(self):
        fake = DiscordFake(token="tok3n-s3cret")
        self.addCleanup(fake.stop)
        self.env["DISCORD_WEBHOOK_URL"] = fake.webhook_url()
        calendar = ("name: shared\naccounts:\n  disco:\n    platform: discord\n"
                    "    webhook_env: DISCORD_WEBHOOK_URL\ndefaults:\n  to: [disco]\n"
                    f"posts:\n  - id: launch\n    at: {DUE}\n    text: hello\n")
        fake.delay_next(1, 2.0)
        r = self.kill_on_a_then_recover_on_b(calendar, lambda: len(fake.requests) > 0)
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "unknown")
        wait_for(lambda: len(fake.messages) == 1, "the message")
        self.assertEqual(len(fake.requests), 1)


def real_time(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class RestartTest(HeraldTest):
    """The database restarted under a running daemon: a server of its own, so that the restart
    does not disturb the tests running beside it."""

    backend = "postgresql"

    def setUp(self):
        super().setUp()
        self.cluster = Path(tempfile.mkdtemp(prefix="herald-pg-"))
        script = SOURCE_DIR / "scripts" / "pg-test-server.sh"
        started = subprocess.run([script, "start", self.cluster], capture_output=True, text=True,
                                 timeout=120)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.addCleanup(subprocess.run, [script, "stop", self.cluster], timeout=120)
        self.restart_command = [script, "restart", self.cluster]
        server = dict(re.findall(r"^export (\w+)='([^']*)'$", started.stdout, re.M))
        self.state = server["HERALD_TEST_PG"] + "?password_env=HERALD_TEST_PG_PASSWORD"
        self.env["HERALD_STATE"] = self.state
        self.env["HERALD_TEST_PG_PASSWORD"] = server["HERALD_TEST_PG_PASSWORD"]

    def new_state(self, name):
        return "set in setUp"

    def test_the_daemon_reconnects_and_loses_nothing(self):
        posts = [("before", real_time(3)), ("after1", real_time(9)), ("after2", real_time(11))]
        text = "timezone: UTC\naccounts:\n  masto:\n    platform: stub\n    dir: outbox\n" \
               "defaults:\n  to: [masto]\nposts:\n"
        for post_id, when in posts:
            text += f"  - id: {post_id}\n    at: {when}\n    text: post {post_id}\n"
        self.write("herald.yaml", text)
        with open(self.dir / "daemon.err", "w") as err:
            proc = subprocess.Popen([HERALD, "-c", "herald.yaml", "daemon", "--max-sleep", "1"],
                                    cwd=self.dir, env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=err)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: "before~masto.json" in self.outbox(), "the first post", timeout=30)
        restarted = subprocess.run(self.restart_command, capture_output=True, text=True, timeout=120)
        self.assertEqual(restarted.returncode, 0, restarted.stderr)
        wait_for(lambda: len(self.outbox()) == 3, "the posts due after the restart", timeout=40)
        self.assertIsNone(proc.poll(), (self.dir / "daemon.err").read_text())
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=30), 0)
        self.assertEqual(sorted(self.outbox()), ["after1~masto.json", "after2~masto.json",
                                                 "before~masto.json"])
        history = self.herald("--json", "history").json()
        self.assertEqual(sorted((j["job"], j["state"], j["attempts"]) for j in history),
                         [("after1/masto", "posted", 1), ("after2/masto", "posted", 1),
                          ("before/masto", "posted", 1)])


if __name__ == "__main__":
    main()
