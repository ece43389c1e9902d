"""The command line itself: usage errors, suggestions, version, colour."""

from harness import STUB_ACCOUNTS, HeraldTest, main


class CliTest(HeraldTest):
    def test_no_subcommand_is_a_usage_error(self):
        r = self.herald(calendar=None)
        self.assertExit(r, 2)
        self.assertIn("herald: error:", r.err)

    def test_misspelt_subcommand_gets_a_suggestion(self):
        r = self.herald("plna", calendar=None)
        self.assertExit(r, 2)
        self.assertIn("did you mean 'plan'?", r.err)

    def test_version_lists_platforms(self):
        r = self.herald("--version", calendar=None)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^herald \d+\.\d+\.\d+\n(.*\n)*platforms: .*\bstub\b")

    def test_bad_now(self):
        self.write("herald.yaml", "posts: []\n")
        r = self.herald("run", "--now", "2026-12-01 08:00")
        self.assertExit(r, 2)
        self.assertIn("--now", r.err)

    def test_bad_color_value(self):
        r = self.herald("--color", "sometimes", "validate", calendar=None)
        self.assertExit(r, 2)

    def test_colour_only_when_asked_or_on_a_terminal(self):
        self.write("herald.yaml", STUB_ACCOUNTS + "posts: []\n")
        plain = self.herald("validate")
        self.assertNotIn("\033[", plain.out)  # not a terminal
        coloured = self.herald("--color", "always", "validate")
        self.assertIn("\033[32mOK\033[0m", coloured.out)
        never = self.herald("--color", "never", "validate")
        self.assertNotIn("\033[", never.out)

    def test_global_options_may_follow_the_command(self):
        self.write("herald.yaml", STUB_ACCOUNTS + "posts: []\n")
        r = self.herald("validate", "--json")
        self.assertExit(r, 0)
        self.assertTrue(r.json()["valid"])

    def test_colour_on_a_terminal_unless_no_color(self):
        import os
        import pty
        import subprocess
        from harness import HERALD
        self.write("herald.yaml", STUB_ACCOUNTS + "posts: []\n")

        def on_terminal(extra_env):
            leader, follower = pty.openpty()
            env = dict(self.env, TERM="xterm", **extra_env)
            p = subprocess.run([HERALD, "validate"], cwd=self.dir, env=env, stdout=follower,
                               stderr=subprocess.PIPE, timeout=30)
            os.close(follower)
            out = os.read(leader, 4096).decode()
            os.close(leader)
            self.assertEqual(p.returncode, 0)
            return out

        self.assertIn("\033[32mOK\033[0m", on_terminal({}))
        self.assertNotIn("\033[", on_terminal({"NO_COLOR": "1"}))

    def test_help(self):
        r = self.herald("--help", calendar=None)
        self.assertExit(r, 0)
        for command in ("validate", "plan", "run", "status", "history"):
            self.assertIn(command, r.out)


if __name__ == "__main__":
    main()
