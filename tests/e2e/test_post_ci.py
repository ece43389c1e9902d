"""herald post as a CI job uses it: an exit status that tells the truth on every re-run, only its
own post, and a calendar identity that does not depend on where the checkout sits."""

import json
import shutil

from platforms.webhook.fake import WebhookFake
from harness import STUB_ACCOUNTS, HeraldTest, main

NOW = "2026-12-01T12:00:00Z"
LATER = "2026-12-01T12:05:00Z"


class PostExitStatusTest(HeraldTest):
    """0 only when every account asked for holds the post as published; 1 otherwise, on the
    first run and on every re-run, in text and --json alike."""

    def calendar(self, masto_fail=None):
        fail = f"    fail: {masto_fail}\n" if masto_fail else ""
        self.write("herald.yaml", STUB_ACCOUNTS.replace("dir: outbox\n  sky",
                                                        f"dir: outbox\n{fail}  sky", 1)
                   + "posts: []\n")

    def post(self, *extra, now=NOW, json_output=False):
        args = (["--json"] if json_output else []) + ["post", "--to", "masto,sky", "--text",
                                                      "herald 2.2 is out", "--now", now, *extra]
        return self.herald(*args)

    def assertBothRuns(self, first_status, again_status, hint=""):
        """Runs the post, then re-runs it in text and in JSON, and checks masto's line each time."""
        first = self.post()
        self.assertExit(first, 1)
        self.assertRegex(first.out, rf"(?m)^{first_status} +post-[0-9a-f]{{12}}/masto  ")
        self.assertRegex(first.out, r"(?m)^posted +post-[0-9a-f]{12}/sky  ")
        again = self.post(now=LATER)
        self.assertExit(again, 1)
        self.assertRegex(again.out, rf"(?m)^{again_status} +post-[0-9a-f]{{12}}/masto  .*{hint}")
        self.assertRegex(again.out, r"(?m)^already-posted +post-[0-9a-f]{12}/sky  ")
        as_json = self.post(now=LATER, json_output=True)
        self.assertExit(as_json, 1)
        statuses = {line["account"]: line["status"] for line in as_json.json_lines()}
        self.assertEqual(statuses, {"masto": again_status, "sky": "already-posted"})
        self.assertEqual(len(self.outbox()), 1)

    def test_posted_exits_0_then_already_posted_exits_0(self):
        self.calendar()
        self.assertExit(self.post(), 0)
        again = self.post(now=LATER, json_output=True)
        self.assertExit(again, 0)
        self.assertEqual([line["status"] for line in again.json_lines()],
                         ["already-posted", "already-posted"])

    def test_failed_exits_1_on_every_rerun_and_says_how_to_retry(self):
        self.calendar(masto_fail="permanent")
        self.assertBothRuns("failed", "failed",
                            r"stub: refused \(fail: permanent\); herald retry "
                            r"post-[0-9a-f]{12}/masto publishes it again$")

    def test_retry_wait_exits_1_on_every_rerun(self):
        self.calendar(masto_fail="not-sent")
        # The re-run comes after the next attempt was due: it tries again, and still fails.
        self.assertBothRuns("retry-wait", "retry-wait",
                            r"could not connect \(fail: not-sent\) \(attempt 2 of 5; next at ")

    def test_missed_exits_1(self):
        self.calendar()
        queued = self.post("--at", "2026-12-01T13:00:00Z")
        self.assertExit(queued, 0)
        self.herald("run", "--now", "2026-12-01T15:00:00Z")  # two hours late: missed
        again = self.post(now="2026-12-01T15:00:00Z", json_output=True)
        self.assertExit(again, 1)
        self.assertEqual({line["account"]: line["status"] for line in again.json_lines()},
                         {"masto": "missed", "sky": "missed"})
        self.assertEqual(self.outbox(), {})

    def test_cancelled_exits_1(self):
        self.calendar()
        self.assertExit(self.post("--at", "2026-12-01T13:00:00Z"), 0)
        [masto] = [j for j in self.herald("--json", "status").json() if j["account"] == "masto"]
        self.assertExit(self.herald("cancel", masto["job"]), 0)
        again = self.post(now="2026-12-01T13:00:10Z")
        self.assertExit(again, 1)
        self.assertRegex(again.out, r"(?m)^cancelled +post-[0-9a-f]{12}/masto  cancelled by hand$")
        self.assertRegex(again.out, r"(?m)^posted +post-[0-9a-f]{12}/sky  ")

    def test_unknown_exits_1_and_is_never_resent(self):
        fake = WebhookFake()
        self.addCleanup(fake.stop)
        self.write("herald.yaml", f"""
            accounts:
              hook:
                platform: webhook
                url: {fake.url("/in")}
            posts: []
            """)
        fake.fail_next(1, 502)  # may have landed; a webhook does not deduplicate
        args = ["post", "--to", "hook", "--text", "release notes"]
        first = self.herald(*args, "--now", NOW)
        self.assertExit(first, 1)
        self.assertRegex(first.out, r"^unknown +post-[0-9a-f]{12}/hook  ")
        again = self.herald("--json", *args, "--now", LATER)
        self.assertExit(again, 1)
        [line] = again.json_lines()
        self.assertEqual(line["status"], "unknown")
        self.assertRegex(line["error"], r"; herald resolve post-[0-9a-f]{12}/hook settles it$")
        self.assertEqual(len(fake.requests), 1)


class PostOnlyItsOwnTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", STUB_ACCOUNTS + "posts: []\n")

    def test_post_fires_only_its_own_post_and_leaves_due_ones_to_run(self):
        for text in ("one", "two", "three"):
            r = self.herald("post", "--to", "masto", "--text", text, "--at",
                            "2026-12-01T12:00:00Z", "--now", "2026-12-01T11:00:00Z")
            self.assertExit(r, 0)
        r = self.herald("--json", "post", "--to", "masto", "--text", "asked for", "--now", LATER)
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [doc] = self.outbox().values()
        self.assertEqual(doc["parts"][0]["text"], "asked for")
        waiting = self.herald("--json", "status").json()
        self.assertEqual([j["state"] for j in waiting], ["pending"] * 3)
        r = self.herald("--json", "run", "--now", LATER)
        self.assertEqual([l["status"] for l in r.json_lines()], ["posted"] * 3)

    def test_at_in_the_past_is_a_usage_error_that_says_how_to_post_now(self):
        r = self.herald("post", "--to", "masto", "--text", "x", "--at", "2026-12-01T11:00:00Z",
                        "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("herald post: error: --at 2026-12-01T11:00:00Z is in the past (it is "
                      "2026-12-01T12:00:00Z now); to publish now, leave --at out\n", r.err)
        self.assertFalse(self.state.exists())


class PostTextIsUtf8Test(HeraldTest):
    def test_a_text_file_that_is_not_utf8_publishes_nothing(self):
        self.write("herald.yaml", STUB_ACCOUNTS + "posts: []\n")
        self.write("notes.txt", b"Release 2.0\ncaf\xc3 au lait\n")
        r = self.herald("--json", "post", "--to", "masto", "--text-file", "notes.txt", "--now", NOW)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald post: error: the text has invalid UTF-8 (byte 0xc3) at line "
                                "2, column 4; herald posts UTF-8 text\n"
                                "herald.yaml: 1 error; nothing was published\n")
        self.assertEqual(r.out, "")
        self.assertFalse(self.state.exists())


class OneOffJobsAreSeenTest(HeraldTest):
    """status, history, retry, cancel and resolve see what `herald post` made, before any run."""

    def setUp(self):
        super().setUp()
        self.write("herald.yaml", STUB_ACCOUNTS.replace("dir: outbox\n  sky",
                                                        "dir: outbox\n    fail: permanent\n  sky", 1)
                   + "posts: []\n")
        self.assertExit(self.herald("post", "--to", "masto,sky", "--text", "v1", "--now", NOW), 1)

    def test_status_history_and_retry_on_a_state_only_post_used(self):
        [failed] = self.herald("--json", "status").json()
        self.assertEqual((failed["account"], failed["state"]), ("masto", "failed"))
        r = self.herald("status")
        self.assertIn("1 job needs a person (1 failed)", r.out)
        [posted] = self.herald("--json", "history").json()
        self.assertEqual(posted["account"], "sky")
        self.assertExit(self.herald("retry", failed["job"]), 0)
        [job] = self.herald("--json", "status").json()
        self.assertEqual((job["state"], job["attempts"]), ("retry-wait", 0))
        self.assertExit(self.herald("cancel", failed["job"]), 0)
        [job] = self.herald("--json", "status").json()
        self.assertEqual(job["state"], "cancelled")

    def test_resolve_on_a_state_only_post_used(self):
        [failed] = self.herald("--json", "status").json()
        r = self.herald("resolve", failed["job"], "--posted", "https://example.social/@me/1")
        self.assertExit(r, 0)
        self.assertEqual(r.out, f"{failed['job']} recorded as posted: https://example.social/@me/1\n")
        self.assertEqual(len(self.herald("--json", "history").json()), 2)

    def test_status_filters_and_the_calendar_field(self):
        self.herald("post", "--to", "masto", "--text", "v2", "--at", "2026-12-02T09:00:00Z",
                    "--now", NOW)
        self.herald("post", "--to", "sky", "--text", "v3", "--at", "2026-12-03T09:00:00Z",
                    "--now", NOW)
        everything = self.herald("--json", "status").json()
        self.assertEqual([(j["account"], j["state"]) for j in everything],
                         [("masto", "failed"), ("masto", "pending"), ("sky", "pending")])
        by_account = self.herald("--json", "status", "--account", "masto").json()
        self.assertEqual([j["state"] for j in by_account], ["failed", "pending"])
        by_state = self.herald("--json", "status", "--state", "failed,unknown").json()
        self.assertEqual([j["account"] for j in by_state], ["masto"])
        limited = self.herald("--json", "status", "--limit", "1").json()
        self.assertEqual([j["state"] for j in limited], ["failed"])
        every = self.herald("--json", "status", "-a").json()
        self.assertEqual({j["calendar"] for j in every}, {f"post:{self.dir / 'herald.yaml'}"})
        r = self.herald("status", "--state", "gone")
        self.assertExit(r, 2)
        self.assertIn("--state: unknown job state 'gone' (job states: pending, claimed, sending, "
                      "posted, retry-wait, failed, unknown, missed, cancelled)", r.err)


GIT_CONFIG = """[core]
\trepositoryformatversion = 0
[remote "origin"]
\turl = https://ci-token:s3cret@git.example.org/acme/site.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
"""

CALENDAR = STUB_ACCOUNTS + """
defaults:
  to: [masto, sky]
posts:
  - id: launch
    at: 2026-12-01T12:00:00Z
    text: herald 3.0
"""


class CalendarIdentityTest(HeraldTest):
    """A calendar is the same calendar wherever its checkout sits."""

    def checkout(self, where):
        root = self.dir / where
        self.write(f"{where}/.git/config", GIT_CONFIG)
        self.write(f"{where}/social/herald.yaml", CALENDAR)
        return root / "social" / "herald.yaml"

    def test_two_checkouts_of_one_repository_are_one_calendar(self):
        first = self.checkout("runner-1/build/site")
        r = self.herald("--json", "run", "--now", "2026-12-01T11:00:00Z", calendar=first)
        self.assertExit(r, 0)
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:10Z", calendar=first)
        self.assertEqual([l["status"] for l in r.json_lines()], ["posted", "posted"])
        second = self.checkout("runner-2/work")
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:20Z", calendar=second)
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")  # the same jobs, already posted
        history = self.herald("--json", "history", calendar=second).json()
        self.assertEqual({j["calendar"] for j in history}, {"git:git.example.org/acme/site:social/herald.yaml"})
        self.assertNotIn("s3cret", json.dumps(self.herald("--json", "status", "-a").json()))

    def test_jobs_read_the_same_from_every_checkout_and_send_local_files(self):
        import sqlite3
        media_calendar = CALENDAR + "    media:\n      - file: shot.png\n        alt: The dashboard\n"
        checkouts = []
        for where in ("host-a/srv/site", "host-b/home/ci/work"):
            self.write(f"{where}/.git/config", GIT_CONFIG)
            self.write(f"{where}/social/herald.yaml", media_calendar)
            self.write(f"{where}/social/shot.png", b"\x89PNG\r\n\x1a\n")
            checkouts.append(self.dir / where / "social" / "herald.yaml")

        def jobs():
            with sqlite3.connect(self.state) as db:
                return db.execute("SELECT id, payload, revision FROM jobs ORDER BY id").fetchall()

        self.assertExit(self.herald("run", "--now", "2026-12-01T11:00:00Z", calendar=checkouts[0]), 0)
        synced_by_a = jobs()
        self.assertNotIn("host-a", json.dumps(synced_by_a))
        self.assertExit(self.herald("run", "--now", "2026-12-01T11:30:00Z",
                                    calendar=checkouts[1]), 0)
        self.assertEqual(jobs(), synced_by_a)  # B's sync finds nothing to change
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:10Z", calendar=checkouts[1])
        self.assertEqual([l["status"] for l in r.json_lines()], ["posted", "posted"])
        outbox = self.outbox("host-b/home/ci/work/social/outbox")
        self.assertEqual({m["file"] for doc in outbox.values() for m in doc["parts"][0]["media"]},
                         {str(checkouts[1].parent / "shot.png")})

    def test_a_state_keyed_by_path_moves_to_the_new_identity_with_its_jobs(self):
        calendar = self.dir / "site" / "social" / "herald.yaml"
        self.write("site/social/herald.yaml", CALENDAR)
        self.herald("run", "--now", "2026-12-01T11:00:00Z", calendar=calendar)
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:10Z", calendar=calendar)
        self.assertEqual([l["status"] for l in r.json_lines()], ["posted", "posted"])
        # The directory becomes a git checkout (or an older herald keyed it by its path).
        self.write("site/.git/config", GIT_CONFIG)
        r = self.herald("--json", "run", "--now", "2026-12-01T12:00:20Z", calendar=calendar)
        self.assertExit(r, 0)
        self.assertEqual(r.out, "")
        history = self.herald("--json", "history", calendar=calendar).json()
        self.assertEqual([j["calendar"] for j in history],
                         ["git:git.example.org/acme/site:social/herald.yaml"] * 2)
        self.assertEqual(len(self.outbox("site/social/outbox")), 2)

    def test_a_one_off_post_with_media_is_the_same_post_from_another_directory(self):
        for where in ("a", "b"):
            self.write(f"{where}/herald.yaml", STUB_ACCOUNTS.replace("dir: outbox", "dir: ../outbox")
                       + "name: site\nposts: []\n")
            self.write(f"{where}/shot.png", b"\x89PNG\r\n\x1a\n")
        ids = []
        for where in ("a", "b"):
            r = self.herald("--json", "post", "--to", "masto", "--text", "notes", "--media",
                            f"{where}/shot.png", "--alt", "The dashboard", "--now", NOW,
                            calendar=self.dir / where / "herald.yaml")
            self.assertExit(r, 0)
            [line] = r.json_lines()
            ids.append((line["job"], line["status"]))
        self.assertEqual(ids[0][0], ids[1][0])
        self.assertEqual([status for _, status in ids], ["posted", "already-posted"])
        self.assertEqual(len(self.outbox()), 1)


if __name__ == "__main__":
    main()
