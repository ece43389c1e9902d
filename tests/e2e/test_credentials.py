"""Credentials from a credentials file: NAME=value lines for the variables that accounts name,
refused when other users can read it; the environment wins; never echoed."""

import os

from platforms.mastodon.fake import FakeMastodon
from harness import HeraldTest, main

TOKEN = "s3cr3t-token"

CALENDAR = """
timezone: UTC
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [masto]
    text: hello from a credentials file
"""


class CredentialsFileTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.fake.stop)
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url))

    def credentials(self, text, mode=0o600, name="home/.config/herald/credentials"):
        path = self.write(name, text)
        os.chmod(path, mode)
        return path

    def test_the_default_file_supplies_a_missing_variable(self):
        self.credentials(f"# herald\nMASTODON_TOKEN={TOKEN}\n")
        self.assertExit(self.herald("validate"), 0)
        self.herald("run", "--now", "2026-11-30T00:00:00Z")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:05Z")
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines()[0]["status"], "posted")
        [post] = self.fake.status_posts()
        self.assertEqual(post["headers"]["authorization"], f"Bearer {TOKEN}")

    def test_xdg_config_home_and_the_option_and_its_variable_name_the_file(self):
        self.credentials(f"MASTODON_TOKEN={TOKEN}\n", name="cfg/herald/credentials")
        self.assertExit(self.herald("validate", env={"XDG_CONFIG_HOME": str(self.dir / "cfg")}), 0)
        other = self.credentials(f"MASTODON_TOKEN={TOKEN}\n", name="secrets.env")
        self.assertExit(self.herald("--credentials", str(other), "validate"), 0)
        self.assertExit(self.herald("validate", env={"HERALD_CREDENTIALS": str(other)}), 0)
        # Without any of them the variable is missing, and validate says so at its line.
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:6:16: error: account 'masto': environment variable "
                      "MASTODON_TOKEN (token_env) is not set", r.err)

    def test_a_file_others_can_read_is_refused_and_its_content_never_shown(self):
        path = self.credentials(f"MASTODON_TOKEN={TOKEN}\n", mode=0o644)
        for command in (["validate"], ["run", "--now", "2026-12-01T08:00:05Z"], ["accounts"],
                        ["post", "--to", "masto", "--text", "hi"]):
            r = self.herald(*command)
            self.assertExit(r, 2)
            self.assertEqual(
                r.err, f"herald: error: refusing credentials file {path}: its mode 0644 lets "
                       f"other users read or change it; run: chmod 600 {path}\n")
            self.assertNotIn(TOKEN, r.out + r.err)
        self.assertEqual(self.fake.status_posts(), [])
        # status and history do not need credentials, so a bad file does not stop them.
        self.assertExit(self.herald("status"), 0)

    def test_a_malformed_line_is_located_but_not_quoted(self):
        path = self.credentials(f"MASTODON_TOKEN={TOKEN}\n{TOKEN}\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err, f"herald: error: {path}:2: expected NAME=value\n")

    def test_a_value_that_is_not_utf8_is_located_but_not_quoted(self):
        path = self.credentials(b"# herald\nMASTODON_TOKEN=tok\xff3n\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err, f"herald: error: {path}:2: the value of MASTODON_TOKEN is not "
                                "valid UTF-8\n")

    def test_a_named_file_that_does_not_exist_is_an_error(self):
        r = self.herald("--credentials", "nowhere", "validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: cannot read credentials file nowhere: "
                                "No such file or directory\n")

    def test_the_environment_wins_and_accounts_names_the_source(self):
        self.credentials("MASTODON_TOKEN=wrong-token-from-file\n")
        r = self.herald("accounts")
        self.assertExit(r, 0)
        self.assertIn("MASTODON_TOKEN (credentials file)", r.out)
        self.assertNotIn("wrong-token-from-file", r.out + r.err)
        env = {"MASTODON_TOKEN": TOKEN}
        r = self.herald("--json", "accounts", env=env)
        self.assertEqual(r.json()[0]["credentials"], {"MASTODON_TOKEN": "environment"})
        r = self.herald("accounts", "check", env=env)
        self.assertExit(r, 0)
        [check] = self.fake.requests("GET", "/api/v1/accounts/verify_credentials")
        self.assertEqual(check["headers"]["authorization"], f"Bearer {TOKEN}")


if __name__ == "__main__":
    main()
