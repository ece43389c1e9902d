"""The command line itself: usage errors, suggestions, version, colour."""

from harness import STUB_ACCOUNTS, HeraldTest, main


class CliTest(HeraldTest):
    def test_no_subcommand_prints_the_usage(self):
        r = self.herald(calendar=None)
        self.assertExit(r, 2)
        self.assertIn("Usage: herald [OPTIONS] SUBCOMMAND", r.out)
        r = self.herald("--json", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: A subcommand is required\n"
                                "Run 'herald --help' for usage.\n")

    def test_help_and_help_for_a_command(self):
        r = self.herald("help", calendar=None)
        self.assertExit(r, 0)
        self.assertIn("Usage: herald [OPTIONS] SUBCOMMAND", r.out)
        r = self.herald("help", "run", calendar=None)
        self.assertExit(r, 0)
        self.assertIn("--dry-run", r.out)
        r = self.herald("help", "rnu", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: unknown command 'rnu' (did you mean 'run'?)\n"
                                "Run 'herald --help' for the commands.\n")

    def test_unknown_commands_are_named_with_a_suggestion(self):
        r = self.herald("plna", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: unknown command 'plna' (did you mean 'plan'?)\n"
                                "Run 'herald --help' for the commands.\n")
        r = self.herald("--state", "x.db", "init", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: unknown command 'init'\n"
                                "Run 'herald --help' for the commands.\n")

    def test_an_unknown_option_points_at_the_command_and_its_help(self):
        r = self.herald("run", "--dryrun", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: run: The following argument was not expected: "
                                "--dryrun (did you mean '--dry-run'?)\n"
                                "Run 'herald run --help' for usage.\n")
        r = self.herald("run", "--bogus", calendar=None)
        self.assertNotIn("did you mean 'run'", r.err)

    def test_whole_number_options_say_what_is_wrong(self):
        r = self.herald("history", "--limit", "0", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: history: --limit: 0 is less than 1\n"
                                "Run 'herald history --help' for usage.\n")
        r = self.herald("validate", env={"HERALD_MAX_CALENDAR_BYTES": "abc"}, calendar=None)
        self.assertExit(r, 2)
        self.assertIn("--max-calendar-bytes: 'abc' is not a whole number\n", r.err)

    def test_version_lists_platforms(self):
        r = self.herald("--version", calendar=None)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^herald \d+\.\d+\.\d+\n(.*\n)*platforms: .*\bstub\b")

    def test_commands_on_a_sqlite_state_do_not_load_libpq_libcurl_or_icu(self):
        # All three are loaded with dlopen on first use; the dynamic loader says what it maps.
        # An ASCII post is measured without ICU; the second run is an unchanged tick; the
        # addresses of accounts, when plain, are checked without libcurl.
        self.write("herald.yaml", STUB_ACCOUNTS + "  social:\n    platform: mastodon\n"
                   "    url: https://mastodon.example:8443/\n    token_env: SOCIAL_TOKEN\n"
                   "  team:\n    platform: discord\n"
                   "    webhook_env: TEAM_HOOK\n"
                   "posts:\n  - id: later\n"
                   "    at: 2099-01-01T09:00:00Z\n    to: [masto, social, team]\n"
                   "    text: Plain ASCII, https://example.org\n")
        self.env["SOCIAL_TOKEN"] = "t0ken"
        self.env["TEAM_HOOK"] = "https://discord.com/api/webhooks/1/abc"

        for args in (["--version"], ["validate"], ["run"], ["run"], ["status"], ["history"]):
            r = self.herald(*args, env={"LD_DEBUG": "libs"})
            self.assertExit(r, 0)
            loaded = [line for line in r.err.splitlines() if "calling init:" in line]
            self.assertTrue(loaded, r.err[-500:])
            self.assertFalse([line for line in loaded
                              if any(lib in line for lib in ("libpq", "libcurl", "libicu"))],
                             args)

    def test_bad_now(self):
        self.write("herald.yaml", "posts: []\n")
        r = self.herald("run", "--now", "2026-12-01 08:00")
        self.assertExit(r, 2)
        self.assertIn("--now", r.err)
        self.assertEqual(r.err.count("RFC 3339"), 1, r.err)

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

    def test_diagnostics_are_coloured_when_asked(self):
        self.write("herald.yaml", STUB_ACCOUNTS + "posts:\n  - id: a\n    txt: hi\n")
        r = self.herald("--color", "always", "validate")
        self.assertIn("herald.yaml:10:5: \033[31merror:\033[0m unknown key 'txt'", r.err)
        self.assertNotIn("\033[", self.herald("validate").err)

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
