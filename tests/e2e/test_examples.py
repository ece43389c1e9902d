"""Every calendar in examples/ validates, plans, and fires through the stub platform."""

import shutil

from harness import SOURCE_DIR, HeraldTest, main


class ExamplesTest(HeraldTest):
    def setUp(self):
        super().setUp()
        shutil.copy(SOURCE_DIR / "examples" / "herald.yaml", self.dir / "herald.yaml")
        shutil.copytree(SOURCE_DIR / "examples" / "media", self.dir / "media")

    def test_validates(self):
        r = self.herald("validate", "--now", "2026-11-30T00:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "herald.yaml: OK (8 posts, 3 accounts)\n")
        self.assertEqual(r.err, "")

    def test_plans_the_launch_week(self):
        r = self.herald("--json", "plan", "--from", "2026-11-30T00:00:00Z", "--days", "7",
                        "--now", "2026-11-30T00:00:00Z")
        self.assertExit(r, 0)
        jobs = [e["job"] for e in r.json()["entries"]]
        self.assertIn("v2-launch/team", jobs)
        self.assertIn("v2-thread/masto", jobs)
        self.assertIn("weekly-tip@2026-11-30T10:00+01:00/masto", jobs)
        self.assertNotIn("roadmap-draft/masto", jobs)
        # The queued post takes the first slot after now (--now), on each of its accounts.
        queued = [(e["job"], e["at"]) for e in r.json()["entries"] if e["queued"]]
        self.assertEqual(queued, [("evergreen-docs/masto", "2026-12-01T12:00:00+01:00"),
                                  ("evergreen-docs/sky", "2026-12-01T12:00:00+01:00")])
        thread = next(e for e in r.json()["entries"] if e["job"] == "v2-thread/masto")
        self.assertEqual(len(thread["parts"]), 3)
        self.assertEqual(thread["parts"][1]["media"][0]["alt"],
                         "A diagram of the job states from pending through sending to posted")

    def test_fires_launch_day(self):
        self.herald("run", "--now", "2026-11-30T08:00:00Z")
        # Nothing ran the evening before: the teaser is reported missed, the launch goes out.
        r = self.herald("run", "--now", "2026-12-01T08:00:30Z")
        self.assertExit(r, 1)
        self.assertEqual(r.out.count("posted"), 3)
        self.assertIn("missed     teaser/masto  came due at 2026-11-30T16:00:00Z", r.out)
        sky = self.outbox("outbox/bluesky")["v2-launch~sky.json"]
        self.assertTrue(sky["parts"][0]["text"].startswith("herald 2.0 is out - your social calendar"))
        self.assertEqual(sky["parts"][0]["media"][0]["file"], str(self.dir / "media" / "dashboard.png"))

    def test_the_readme_accounts_validate(self):
        # The README's account examples are what users copy: they must stay valid.
        readme = (SOURCE_DIR / "README.md").read_text()
        block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
        names = [line.split(":")[0].strip() for line in block.splitlines()
                 if line.startswith("  ") and not line.startswith("    ")]
        self.write("readme.yaml", "timezone: UTC\n" + block + "posts:\n  - id: hello\n"
                   "    at: 2026-12-01T10:00:00Z\n    to: [" + ", ".join(names) + "]\n"
                   "    text: hello\n")
        env = {name: "x" for name in ("MASTODON_TOKEN", "BLUESKY_APP_PASSWORD", "SLACK_BOT_TOKEN",
                                      "TELEGRAM_BOT_TOKEN")}
        env.update(DISCORD_WEBHOOK_URL="https://discord.com/api/webhooks/1/x",
                   HOOK_URL="https://example.org/hook")
        r = self.herald("validate", calendar="readme.yaml", env=env)
        self.assertExit(r, 0)
        self.assertEqual(r.out, f"readme.yaml: OK (1 post, {len(names)} accounts)\n")
        self.assertEqual(len(names), 7)


if __name__ == "__main__":
    main()
