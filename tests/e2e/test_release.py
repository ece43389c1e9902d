"""herald post --release-notes / --release-event: the announcement made from the changelog or
the GitHub release, short on a microblog, whole on a chat platform (issue 15)."""

import json

from platforms.mastodon.fake import FakeMastodon
from harness import HeraldTest, main

TOKEN = "s3cr3t-token"

CALENDAR = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
  chat:
    platform: stub
    dir: outbox
posts: []
"""

CHANGELOG = """# Changelog

All notable changes to this project are documented here.

## [Unreleased]

## [1.4.0] - 2026-12-01

Threads split themselves, and **release notes** become posts.

### Added

- `split: thread` cuts a long post into a thread ([#42](https://github.com/h/h/pull/42)).
- Dry runs of `herald post`:
  - per account, with the counts

### Fixed

- A crash on a read-only state directory.

## [1.3.2] - 2026-11-02

- Small fixes.

[1.4.0]: https://github.com/h/h/releases/tag/v1.4.0
"""

SHORT = ("Version 1.4.0 is out\n\nThreads split themselves, and release notes become posts.\n\n"
         "https://github.com/h/h/releases/tag/v1.4.0")
LONG = ("Version 1.4.0 is out\n\nThreads split themselves, and release notes become posts.\n\n"
        "Added:\n"
        "\u2022 split: thread cuts a long post into a thread (#42 (https://github.com/h/h/pull/42)).\n"
        "\u2022 Dry runs of herald post:\n"
        "  \u2022 per account, with the counts\n\n"
        "Fixed:\n"
        "\u2022 A crash on a read-only state directory.\n\n"
        "https://github.com/h/h/releases/tag/v1.4.0")


class ReleaseTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.fake.stop)
        self.env["MASTODON_TOKEN"] = TOKEN
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url))
        self.write("CHANGELOG.md", CHANGELOG)

    def post(self, *args):
        return self.herald("--json", "post", "--to", "masto,chat", *args,
                           "--now", "2026-12-01T12:00:00Z")

    def test_the_changelog_section_becomes_a_short_and_a_long_announcement(self):
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "v1.4.0")
        self.assertExit(r, 0)
        self.assertEqual([line["status"] for line in r.json_lines()], ["posted", "posted"])
        [status] = self.fake.status_posts()
        self.assertEqual(status["json"]["status"], SHORT)
        [doc] = self.outbox().values()
        self.assertEqual(doc["parts"][0]["text"], LONG)
        for text in (SHORT, LONG):
            self.assertNotRegex(text, r"\*\*|`|\]\(|^#|^- ")
        # A re-run of the CI job publishes nothing twice.
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "1.4.0")
        self.assertExit(r, 0)
        self.assertEqual([line["status"] for line in r.json_lines()],
                         ["already-posted", "already-posted"])
        self.assertEqual(len(self.fake.status_posts()), 1)

    def test_a_missing_version_names_the_versions_and_sends_nothing(self):
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "1.5.0")
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: CHANGELOG.md: the changelog has no section for "
                                "version 1.5.0 (it has: Unreleased, 1.4.0, 1.3.2)\n")
        r = self.post("--release-notes", "CHANGELOG.md")
        self.assertExit(r, 2)
        self.assertIn("--release-notes needs --version", r.err)
        self.assertEqual(self.fake.requests(), [])
        self.assertEqual(self.outbox(), {})

    def test_a_github_release_event(self):
        self.write("event.json", json.dumps({"action": "published", "release": {
            "tag_name": "v2.0.0", "name": "herald 2.0",
            "body": "## What's Changed\r\n* Faster ticks by @alice in https://github.com/h/h/pull/7",
            "html_url": "https://github.com/h/h/releases/tag/v2.0.0"}}))
        r = self.post("--release-event", "event.json", "--dry-run")
        self.assertExit(r, 0)
        masto, chat = r.json_lines()
        self.assertEqual(masto["parts"][0]["text"],
                         "herald 2.0 is out\n\n\u2022 Faster ticks by @alice in "
                         "https://github.com/h/h/pull/7\n\nhttps://github.com/h/h/releases/tag/v2.0.0")
        self.assertEqual(chat["parts"][0]["text"],
                         "herald 2.0 is out\n\nWhat's Changed:\n\u2022 Faster ticks by @alice in "
                         "https://github.com/h/h/pull/7\n\nhttps://github.com/h/h/releases/tag/v2.0.0")
        self.assertEqual(self.fake.requests(), [])

    def test_release_templates_per_account_and_skipped_patch_releases(self):
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url).replace("posts: []", """
release:
  text: |
    {name} is out: {summary}

    {url}
  variants:
    chat:
      text: |
        New in {version}:
        {added}

        Fixed:
        {fixed}

        {security}
  skip: [patch, prerelease]
posts: []
"""))
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "1.4.0")
        self.assertExit(r, 0)
        [status] = self.fake.status_posts()
        self.assertEqual(status["json"]["status"],
                         "Version 1.4.0 is out: Threads split themselves, and release notes become "
                         "posts.\n\nhttps://github.com/h/h/releases/tag/v1.4.0")
        [doc] = self.outbox().values()
        self.assertEqual(doc["parts"][0]["text"],
                         "New in 1.4.0:\n\u2022 split: thread cuts a long post into a thread (#42 "
                         "(https://github.com/h/h/pull/42)).\n\u2022 Dry runs of herald post:\n\n"
                         "Fixed:\n\u2022 A crash on a read-only state directory.")

        # A patch release is not announced, and that is no failure for the CI job.
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "1.3.2")
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines(), [{"version": "1.3.2", "status": "skipped", "skip": "patch"}])
        r = self.herald("post", "--to", "masto", "--release-notes", "CHANGELOG.md", "--version",
                        "1.3.2", "--now", "2026-12-01T12:00:00Z")
        self.assertEqual((r.code, r.out),
                         (0, "release 1.3.2 not announced: the calendar's release: skip: has patch\n"))
        self.assertEqual(len(self.fake.status_posts()), 1)
        self.assertEqual(len(self.outbox()), 1)

    def test_a_release_template_with_an_unknown_field_is_an_error_at_its_place(self):
        self.write("herald.yaml", CALENDAR.format(url=self.fake.url).replace("posts: []", """
release:
  text: "{name} is out: {sumary}"
  variants:
    nobody:
      text: "{url}"
  skip: major
posts: []
"""))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:11:9: error: 'release.text' has an unknown field '{sumary}' "
                      "(known: {version}, {name}, {date}, {url}, {summary},", r.err)
        self.assertIn("herald.yaml:13:5: error: unknown account 'nobody' in release.variants", r.err)
        self.assertIn("herald.yaml:15:9: error: 'release.skip' takes 'patch' (1.4.1) and "
                      "'prerelease' (1.5.0-rc.1), not 'major'", r.err)
        r = self.post("--release-notes", "CHANGELOG.md", "--version", "1.4.0")
        self.assertExit(r, 2)
        self.assertEqual(self.fake.requests(), [])


if __name__ == "__main__":
    main()
