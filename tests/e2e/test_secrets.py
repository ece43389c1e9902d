"""Secrets are needed only where they are used: with five accounts and the secrets of two, a CI
job can still post to those two, run the queue, plan, list and check accounts and collect
metrics; only the accounts a command touches need their variables, and validate still names
every unset one (or only those of --accounts)."""

import datetime
import shutil
import signal
import subprocess
import time

from platforms.mastodon.fake_metrics import MetricsMastodon
from harness import HERALD, SOURCE_DIR, HeraldTest, main

TOKEN = "m-s3cr3t-token"

# masto has its token; quiet (no posts), team and plug do not; outbox needs none.
CALENDAR = """
timezone: UTC
accounts:
  masto:
    platform: mastodon
    url: {masto}
    token_env: MASTODON_TOKEN
  quiet:
    platform: mastodon
    url: {masto}
    token_env: QUIET_TOKEN
  team:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
  plug:
    platform: exec
    command: [./append.sh, plug.txt]
    env: [PLUGIN_TOKEN]
  outbox:
    platform: stub
    dir: outbox
posts:
  - id: launch
    at: {launch}
    to: [masto, team, plug, outbox]
    text: herald 2.1 is out
"""

LAUNCH = "2026-12-01T08:00:00Z"
BEFORE = "2026-11-30T00:00:00Z"
QUIET = ("herald.yaml:10:16: error: account 'quiet': environment variable QUIET_TOKEN "
         "(token_env) is not set\n")
TEAM = ("herald.yaml:13:18: error: account 'team': environment variable DISCORD_WEBHOOK_URL "
        "(webhook_env) is not set\n")
PLUG = ("herald.yaml:17:10: error: account 'plug': environment variable PLUGIN_TOKEN (env) is "
        "not set\n")


class SecretsTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.masto = MetricsMastodon(token=TOKEN).start()
        self.addCleanup(self.masto.stop)
        shutil.copy(SOURCE_DIR / "examples" / "plugins" / "append.sh", self.dir / "append.sh")
        self.calendar(LAUNCH)
        self.env = dict(self.env, MASTODON_TOKEN=TOKEN)

    def calendar(self, launch):
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url, launch=launch))

    def assertNoSecretNamed(self, result, *variables):
        for variable in variables:
            self.assertNotIn(variable, result.out + result.err)

    def test_validate_reports_every_unset_variable_and_accounts_narrows_it(self):
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err, QUIET + TEAM + PLUG + "herald.yaml: 3 errors\n")
        r = self.herald("--json", "validate")
        self.assertExit(r, 2)
        self.assertEqual([(d["line"], d["column"], d["message"]) for d in r.json()["diagnostics"]],
                         [(10, 16, QUIET.split(" error: ")[1].strip()),
                          (13, 18, TEAM.split(" error: ")[1].strip()),
                          (17, 10, PLUG.split(" error: ")[1].strip())])

        r = self.herald("validate", "--accounts", "masto,outbox", "--now", BEFORE)
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        self.assertEqual(r.out, "herald.yaml: OK (1 post, 5 accounts)\n")
        r = self.herald("validate", "--accounts", "masto,team")
        self.assertExit(r, 2)
        self.assertEqual(r.err, TEAM + "herald.yaml: 1 error\n")
        r = self.herald("validate", "--accounts", "masto,tema")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "error: --accounts: unknown account 'tema' (the calendar has: "
                                "masto, outbox, plug, quiet, team)\nherald.yaml: 1 error\n")

    def test_validate_accounts_still_checks_everything_else(self):
        self.write("herald.yaml", (self.dir / "herald.yaml").read_text()
                   .replace("    dir: outbox\n", "    dir: outbox\n    colour: blue\n"))
        r = self.herald("validate", "--accounts", "masto")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald.yaml:21:13: error: unknown key 'colour' in account "
                                "'outbox' (stub platform)\nherald.yaml: 1 error\n")

    def test_post_needs_only_the_secrets_of_its_accounts(self):
        r = self.herald("post", "--to", "masto,outbox", "--text", "release notes",
                        "--now", "2026-12-01T12:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        self.assertNoSecretNamed(r, "QUIET_TOKEN", "DISCORD_WEBHOOK_URL", "PLUGIN_TOKEN")
        self.assertRegex(r.out, r"^posted +post-[0-9a-f]{12}/masto  https://fake\.example/@herald/\d+\n"
                                r"posted +post-[0-9a-f]{12}/outbox  /.*\n$")
        self.assertEqual([p["json"]["status"] for p in self.masto.status_posts()], ["release notes"])

    def test_post_to_an_account_without_its_secret_changes_nothing(self):
        r = self.herald("post", "--to", "masto,team", "--text", "release notes",
                        "--now", "2026-12-01T12:00:00Z")
        self.assertExit(r, 2)
        self.assertEqual(r.err, TEAM + "herald.yaml: 1 error; nothing was published\n")
        self.assertEqual(r.out, "")
        self.assertEqual(self.masto.status_posts(), [])
        self.assertFalse(self.state.exists())

    def test_run_fails_the_jobs_without_secrets_and_publishes_the_others(self):
        r = self.herald("run", "--now", BEFORE)
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        r = self.herald("run", "--now", "2026-12-01T08:00:05Z")
        self.assertExit(r, 1)
        self.assertNoSecretNamed(r, "QUIET_TOKEN")
        lines = sorted(r.out.splitlines())
        self.assertEqual(len(lines), 4, r.out)
        self.assertRegex(lines[0], r"^failed +launch/plug  auth: account 'plug': environment "
                                   r"variable PLUGIN_TOKEN \(env\) is not set$")
        self.assertRegex(lines[1], r"^failed +launch/team  permanent: account 'team': environment "
                                   r"variable DISCORD_WEBHOOK_URL \(webhook_env\) is not set$")
        self.assertRegex(lines[2], r"^posted +launch/masto  https://fake\.example/@herald/\d+$")
        self.assertRegex(lines[3], r"^posted +launch/outbox  /.*/outbox/launch~outbox\.json$")
        self.assertEqual(len(self.masto.status_posts()), 1)
        self.assertFalse((self.dir / "plug.txt").exists())

        # Failed for good, not retried on the next ticks, and never `unknown`.
        for now in ("2026-12-01T08:10:00Z", "2026-12-01T12:00:00Z"):
            r = self.herald("run", "--now", now)
            self.assertExit(r, 0)
            self.assertEqual((r.out, r.err), ("", ""))
        states = {j["account"]: (j["state"], j["error"])
                  for j in self.herald("--json", "status", "--all").json()}
        self.assertEqual(states["team"], ("failed", "permanent: account 'team': environment "
                                          "variable DISCORD_WEBHOOK_URL (webhook_env) is not set"))
        self.assertEqual(states["plug"], ("failed", "auth: account 'plug': environment variable "
                                          "PLUGIN_TOKEN (env) is not set"))

    def test_run_with_nothing_due_on_unset_accounts_is_silent(self):
        self.write("herald.yaml", (self.dir / "herald.yaml").read_text()
                   .replace("to: [masto, team, plug, outbox]", "to: [masto, outbox]"))
        self.assertExit(self.herald("-q", "run", "--now", BEFORE), 0)
        r = self.herald("-q", "run", "--now", "2026-12-01T08:00:05Z")
        self.assertExit(r, 0)
        self.assertEqual((r.out, r.err), ("", ""))
        self.assertEqual(len(self.masto.status_posts()), 1)

    def test_plan_needs_no_secret(self):
        r = self.herald("plan", "--now", BEFORE)
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        self.assertIn("08:00  launch -> team (discord)", r.out)
        r = self.herald("plan", "--now", BEFORE, env={"MASTODON_TOKEN": ""})
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")

    def test_accounts_lists_an_unset_variable_as_not_set(self):
        r = self.herald("accounts")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        lines = {line.split()[0]: line for line in r.out.splitlines()}
        self.assertTrue(lines["masto"].endswith("  MASTODON_TOKEN (environment)"), lines)
        self.assertTrue(lines["quiet"].endswith("  QUIET_TOKEN (not set)"), lines)
        self.assertTrue(lines["team"].endswith("  DISCORD_WEBHOOK_URL (not set)"), lines)
        self.assertTrue(lines["plug"].endswith("  PLUGIN_TOKEN (not set)"), lines)
        r = self.herald("--json", "accounts")
        self.assertExit(r, 0)
        credentials = {a["account"]: a["credentials"] for a in r.json()}
        self.assertEqual(credentials, {"masto": {"MASTODON_TOKEN": "environment"},
                                       "quiet": {"QUIET_TOKEN": "not set"},
                                       "team": {"DISCORD_WEBHOOK_URL": "not set"},
                                       "plug": {"PLUGIN_TOKEN": "not set"},
                                       "outbox": {}})
        self.assertNotIn(TOKEN, r.out)

    def test_accounts_check_fails_only_the_accounts_without_secrets(self):
        r = self.herald("accounts", "check")
        self.assertExit(r, 1)
        self.assertEqual(r.err, "")
        self.assertNotIn(TOKEN, r.out)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), 5, r.out)
        self.assertRegex(lines[0], r"^ok +masto +mastodon +@herald ")
        self.assertRegex(lines[1], r"^ok +outbox +stub +writes to /.*/outbox$")
        self.assertEqual(lines[2], "failed      plug             exec       not checked: "
                                   "environment variable PLUGIN_TOKEN (env) is not set")
        self.assertEqual(lines[3], "failed      quiet            mastodon   not checked: "
                                   "environment variable QUIET_TOKEN (token_env) is not set")
        self.assertEqual(lines[4], "failed      team             discord    not checked: "
                                   "environment variable DISCORD_WEBHOOK_URL (webhook_env) is not "
                                   "set")
        # The check asked only masto's instance, and the plugin was never started.
        self.assertEqual(self.masto.status_posts(), [])
        r = self.herald("--json", "accounts", "check")
        self.assertExit(r, 1)
        team = [c for c in r.json_lines() if c["account"] == "team"][0]
        self.assertEqual(team, {"account": "team", "platform": "discord", "ok": False,
                                "status": "failed", "detail": "not checked: environment variable DISCORD_WEBHOOK_URL "
                                          "(webhook_env) is not set"})

    def test_report_and_collect_fail_only_the_account_without_its_secret(self):
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        self.assertExit(self.herald("run", "--now", "2026-12-01T08:00:05Z"), 1)
        self.masto.followers = 40
        r = self.herald("report", "collect", "--now", "2026-12-01T12:00:00Z")
        self.assertExit(r, 1)
        self.assertEqual(r.err, "herald: error: account 'plug' (exec): account 'plug': "
                                "environment variable PLUGIN_TOKEN (env) is not set\n"
                                "herald: error: account 'quiet' (mastodon): account 'quiet': "
                                "environment variable QUIET_TOKEN (token_env) is not set\n")
        r = self.herald("--json", "report", "collect", "--now", "2026-12-01T13:00:00Z")
        self.assertExit(r, 1)
        by_name = {a["account"]: a for a in r.json()["accounts"]}
        self.assertEqual(by_name["masto"], {"account": "masto", "platform": "mastodon",
                                            "status": "counted", "posts": 1, "counted": 1,
                                            "followers": 40})
        self.assertEqual((by_name["quiet"]["status"], by_name["quiet"]["error"]),
                         ("failed", "account 'quiet': environment variable QUIET_TOKEN "
                                    "(token_env) is not set"))
        self.assertEqual(by_name["team"]["status"], "skipped")  # Discord has no metrics
        r = self.herald("report", "--now", "2026-12-02T00:00:00Z", "--since", "7d")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        self.assertIn("masto", r.out)
        # The display reads the state only: not even masto's token is needed.
        r = self.herald("report", "--now", "2026-12-02T00:00:00Z", env={"MASTODON_TOKEN": ""})
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")

    def test_daemon_fails_the_job_without_its_secret_and_publishes_the_others(self):
        soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)
        self.calendar(soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
        out_path, err_path = self.dir / "daemon.out", self.dir / "daemon.err"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen([HERALD, "-c", "herald.yaml", "daemon", "--max-sleep", "1"],
                                    cwd=self.dir, env=self.env, stdout=out, stderr=err)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        deadline = time.monotonic() + 30
        while out_path.read_text().count("\n") < 4 and time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), err_path.read_text())
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0, err_path.read_text())
        lines = sorted(out_path.read_text().splitlines())
        self.assertEqual(len(lines), 4, out_path.read_text() + err_path.read_text())
        self.assertRegex(lines[0], r"^failed +launch/plug  auth: account 'plug': environment "
                                   r"variable PLUGIN_TOKEN \(env\) is not set$")
        self.assertRegex(lines[1], r"^failed +launch/team  permanent: account 'team': environment "
                                   r"variable DISCORD_WEBHOOK_URL \(webhook_env\) is not set$")
        self.assertRegex(lines[2], r"^posted +launch/masto  ")
        self.assertRegex(lines[3], r"^posted +launch/outbox  ")
        # Nothing about the accounts the daemon did not need (quiet has nothing due).
        self.assertNotIn("QUIET_TOKEN", err_path.read_text())
        self.assertNotIn("error", err_path.read_text())


if __name__ == "__main__":
    main()
