"""herald post: one post from the command line, as a CI job announcing a release calls it."""

import subprocess

from harness import OnPostgresql, HERALD, STUB_ACCOUNTS, HeraldTest, main

CALENDAR = STUB_ACCOUNTS + "posts: []\n"
NOW = "2026-12-01T12:00:00Z"


class PostTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)

    def test_publishes_now_to_every_account_and_prints_each_url(self):
        r = self.herald("post", "--to", "masto,sky", "--text", "herald 2.1 is out", "--now", NOW)
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[0], r"^posted +post-[0-9a-f]{12}/masto  /.*/outbox/post-[0-9a-f]{12}~masto\.json$")
        self.assertRegex(lines[1], r"^posted +post-[0-9a-f]{12}/sky  ")
        texts = {doc["account"]: doc["parts"][0]["text"] for doc in self.outbox().values()}
        self.assertEqual(texts, {"masto": "herald 2.1 is out", "sky": "herald 2.1 is out"})

    def test_reads_only_the_accounts_and_defaults_of_the_calendar(self):
        # A post with an unknown key stops validate and run, not a one-off post: its YAML is
        # not even parsed (a calendar's posts are nearly all of a big file).
        self.write("herald.yaml", STUB_ACCOUNTS + "posts:\n- id: later\n  tooo: [masto]\n"
                   "  text: [unclosed\n")
        self.assertExit(self.herald("validate"), 2)
        r = self.herald("post", "--to", "masto", "--text", "herald 2.2 is out", "--now", NOW)
        self.assertExit(r, 0)
        self.assertEqual(len(self.outbox()), 1)
        # An error in the accounts still stops it, reported as validate reports it.
        self.write("herald.yaml", STUB_ACCOUNTS.replace("platform: stub", "plattform: stub", 1)
                   + "posts: []\n")
        r = self.herald("post", "--to", "masto", "--text", "herald 2.3 is out", "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("did you mean 'platform'", r.err)
        self.assertEqual(len(self.outbox()), 1)

    def test_history_and_status_show_one_off_posts_with_their_calendar(self):
        self.herald("post", "--to", "masto", "--text", "before any run", "--now", NOW)
        [job] = self.herald("--json", "history").json()
        self.assertEqual((job["account"], job["state"]), ("masto", "posted"))
        self.herald("run", "--now", NOW)
        self.herald("post", "--to", "sky", "--text", "queued", "--at", "2026-12-02T09:00:00Z",
                    "--now", NOW)
        self.assertEqual(len(self.herald("--json", "history").json()), 1)
        [queued] = self.herald("--json", "status").json()
        self.assertEqual((queued["account"], queued["state"]), ("sky", "pending"))

    def test_a_rerun_of_the_same_ci_job_publishes_nothing_twice(self):
        first = self.herald("--json", "post", "--to", "masto", "--text", "notes", "--now", NOW)
        again = self.herald("--json", "post", "--to", "masto", "--text", "notes",
                            "--now", "2026-12-01T12:05:00Z")
        self.assertExit(again, 0)
        [a] = first.json_lines()
        [b] = again.json_lines()
        self.assertEqual(a["status"], "posted")
        self.assertEqual(b["status"], "already-posted")
        self.assertEqual(a["url"], b["url"])
        self.assertEqual(len(self.outbox()), 1)

    def test_the_job_its_claim_and_its_intent_are_one_commit(self):
        # Dying before the one commit that precedes the send leaves no trace of the post; the
        # re-run publishes it once. After that commit, the job is `sending` under a lease.
        r = self.herald("post", "--to", "masto", "--text", "notes", "--now", NOW,
                        env={"HERALD_TEST_CRASH_AT": "before-intent-commit"})
        self.assertExit(r, 137)
        self.assertEqual(self.herald("--json", "status", "--all").json(), [])
        r = self.herald("post", "--to", "masto", "--text", "notes", "--now", NOW,
                        env={"HERALD_TEST_CRASH_AT": "after-intent"})
        self.assertExit(r, 137)
        [job] = self.herald("--json", "status", "--all").json()
        self.assertEqual((job["state"], job["attempts"]), ("sending", 1))
        self.assertEqual(self.outbox(), {})

    def test_text_from_standard_input_and_media_with_alt(self):
        self.write("shot.png", b"\x89PNG\r\n\x1a\n")
        r = subprocess.run([HERALD, "-c", "herald.yaml", "post", "--to", "masto", "--media",
                            "shot.png", "--alt", "The release dashboard", "--now", NOW],
                           cwd=self.dir, env=self.env, input="Release notes\nfrom stdin\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        [doc] = self.outbox().values()
        self.assertEqual(doc["parts"][0]["text"], "Release notes\nfrom stdin")
        self.assertEqual(doc["parts"][0]["media"],
                         [{"file": str(self.dir / "shot.png"), "alt": "The release dashboard"}])

    def test_at_queues_it_for_herald_run(self):
        r = self.herald("post", "--to", "masto", "--text", "later", "--at", "2026-12-02T09:00:00Z",
                        "--now", NOW)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^queued post-[0-9a-f]{12} for 2026-12-02T09:00:00Z")
        self.assertEqual(self.outbox(), {})
        self.assertEqual(self.herald("run", "--now", "2026-12-02T08:59:00Z").out, "")
        r = self.herald("run", "--now", "2026-12-02T09:00:30Z")
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^posted +post-[0-9a-f]{12}/masto")
        self.assertEqual(len(self.outbox()), 1)

    def test_bad_input_publishes_nothing(self):
        r = self.herald("post", "--to", "mastodn", "--text", "x", "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("unknown account 'mastodn' (the calendar has: masto, sky)", r.err)
        r = self.herald("post", "--to", "masto", "--text", "x", "--media", "nope.png", "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("every --media needs its --alt", r.err)
        r = self.herald("post", "--to", "masto", "--text", "x", "--media", "nope.png",
                        "--alt", "a", "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("media file 'nope.png' not found", r.err)
        r = self.herald("post", "--to", "masto", "--text", "   ", "--now", NOW)
        self.assertExit(r, 2)
        self.assertIn("the post has empty text", r.err)
        self.assertEqual(self.outbox(), {})

    def test_a_failing_account_exits_1_and_keeps_the_job(self):
        self.write("herald.yaml", CALENDAR.replace("dir: outbox\n  sky", "dir: outbox\n    fail: not-sent\n  sky"))
        r = self.herald("post", "--to", "masto,sky", "--text", "x", "--now", NOW)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +post-[0-9a-f]{12}/masto")
        self.assertRegex(r.out, r"posted +post-[0-9a-f]{12}/sky")


class PostTestPostgresql(OnPostgresql, PostTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
