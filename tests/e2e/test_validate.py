"""herald validate: every problem at once, as file:line:col, exit 2; JSON; hostile YAML."""

import time

from harness import STUB_ACCOUNTS, HeraldTest, main

GOOD = """
timezone: Europe/Berlin
""" + STUB_ACCOUNTS + """
defaults:
  to: [masto]
posts:
  - id: launch
    at: 2026-12-01 09:00
    text: hello
"""

BAD = """
timezone: Europe/Berln
accounts:
  masto:
    platform: stub
    dir: outbox
  sky:
    platform: stub
    dir: outbox
    token: abc123-very-secret
defaults:
  to: [masto]
posts:
  - id: a
    at: 2026-03-29 02:30
    txt: hello
  - id: a
    cron: "61 10 * * MON"
    to: [mastodn]
    text: "   "
  - id: c
    at: 2026-12-01 09:00
    text: hi
    media:
      - file: missing.png
        alt: a picture that is not there
"""


class ValidateTest(HeraldTest):
    def test_valid_calendar(self):
        self.write("herald.yaml", GOOD)
        r = self.herald("validate")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "herald.yaml: OK (1 post, 2 accounts)\n")
        self.assertEqual(self.herald("-q", "validate").out, "")

    def test_messages_a_new_user_meets(self):
        self.write("herald.yaml", """
            accounts:
              masto:
                platfrom: stub
              out:
                platform: stub
                dir: [a, b]
              hook:
                platform: webhook
                url: https://discord.com/api/webhooks/123/abcdef
            posts: []
            """)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err,
                         "herald.yaml:3:5: error: account 'masto' has no 'platform:' ('platfrom', did "
                         "you mean 'platform'?)\n"
                         "herald.yaml:6:10: error: account 'out': 'dir' must be one directory (a "
                         "string), or \"-\" for standard output\n"
                         "herald.yaml:9:10: error: 'accounts.hook.url' holds a webhook URL with its "
                         "secret token; keep secrets in environment variables, not in the "
                         "calendar\n"
                         "herald.yaml: 3 errors\n")

    def test_a_title_no_account_publishes_is_a_warning(self):
        self.write("herald.yaml", """
            accounts:
              masto: {platform: stub, dir: outbox}
            posts:
              - id: notes
                at: 2030-12-01 09:00
                to: [masto]
                text: The notes
                tags: [release]
                title: herald 2.0
              - id: plain
                at: 2030-12-01 09:00
                to: [masto]
                text: hi
            """)
        r = self.herald("validate")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "herald.yaml:8:11: warning: post 'notes' has 'tags:', but none of "
                                "its accounts publishes it (only the platforms devto, lemmy and "
                                "exec read a post's title, link and tags)\n")

    def test_warnings_about_time(self):
        self.write("empty.yaml", "posts: []\n")
        r = self.herald("validate", calendar="empty.yaml")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "empty.yaml:1:1: warning: the calendar has no accounts: nothing can "
                                "be published (add 'accounts:')\n")
        self.write("herald.yaml", STUB_ACCOUNTS + """
defaults:
  to: [masto]
posts:
  - id: old
    at: 2026-12-01T09:00:00Z
    text: hi
  - id: never
    cron: "0 9 31 2 *"
    text: hi
  - id: ended
    cron: "0 9 * * MON"
    until: 2026-12-01T00:00:00Z
    text: hi
  - id: ending
    cron: "0 9 1 1 *"
    until: 2026-12-20T00:00:00Z
    text: hi
""")
        r = self.herald("validate", "--now", "2026-12-02T00:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.err,
                         "herald.yaml:13:9: warning: post 'old' is due at 2026-12-01T09:00:00Z, in "
                         "the past: herald run lists it as missed (herald post publishes a one-off "
                         "post now)\n"
                         "herald.yaml:16:11: warning: post 'never': its cron '0 9 31 2 *' never "
                         "fires\n"
                         "herald.yaml:23:11: warning: post 'ending': its cron '0 9 1 1 *' does not "
                         "fire again before its 'until:' 2026-12-20T00:00:00Z\n")
        self.assertEqual(self.herald("validate", "--now", "2026-11-30T00:00:00Z").err,
                         r.err.split("\n", 2)[1] + "\n" + r.err.split("\n", 2)[2])

    def test_text_that_is_not_utf8_is_refused_where_it_is(self):
        self.write("herald.yaml", GOOD.replace("text: hello", "text: caf\u00e9 ok").encode()
                   .replace(b"ok", b"\xff\xfe ok"))
        for args in (["validate"], ["plan"], ["--json", "plan"], ["run", "--dry-run"], ["run"]):
            r = self.herald(*args)
            self.assertExit(r, 2)
            self.assertEqual(r.err, "herald.yaml:17:16: error: invalid UTF-8 (byte 0xff): a "
                                    "calendar is UTF-8 text\n"
                                    + ("herald.yaml: 1 error\n" if args == ["validate"] else
                                       r.err.split("\n", 1)[1]))
        self.assertFalse(self.state.exists())

    def test_alt_text_campaign_and_included_files_are_checked_for_utf8_too(self):
        # Issue 19, item 1: every string value of a calendar, wherever it sits, is UTF-8 before
        # anything runs (the whole text of each file is checked before it is parsed).
        self.write("media/a.png", b"\x89PNG\r\n\x1a\n")
        cases = {
            "alt": b"    media:\n      - file: media/a.png\n        alt: caf\xc3 shot\n",
            "campaign": b"    campaign: la\xe9nch\n",
        }
        for name, extra in cases.items():
            with self.subTest(name):
                text = (b"accounts:\n  s:\n    platform: stub\n    dir: out\n"
                        b"posts:\n  - id: p\n    at: 2026-12-01T09:00:00Z\n    to: [s]\n"
                        b"    text: hello\n" + extra)
                self.write("herald.yaml", text)
                r = self.herald("validate")
                self.assertExit(r, 2)
                bad = extra.split(b"\n")[-2]
                column = len(bad[:bad.index(b"\xc3" if b"\xc3" in bad else b"\xe9")]) + 1
                self.assertRegex(r.err, rf"^herald.yaml:\d+:{column}: error: invalid UTF-8 "
                                        r"\(byte 0x(c3|e9)\): a calendar is UTF-8 text\n")
                self.assertExit(self.herald("run"), 2)
        # An included file is checked the same way.
        self.write("herald.yaml", "include: more.yaml\naccounts:\n  s:\n    platform: stub\n"
                                  "    dir: out\n")
        self.write("more.yaml", b"posts:\n  - id: p\n    at: 2026-12-01T09:00:00Z\n    to: [s]\n"
                                b"    text: hi\n    campaign: \xff\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("more.yaml:6:15: error: invalid UTF-8 (byte 0xff)", r.err)
        self.assertFalse(self.state.exists())

    def test_every_problem_at_once(self):
        self.write("herald.yaml", BAD)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.out, "")
        lines = r.err.splitlines()
        expected = [
            "herald.yaml:1:11: error: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?",
            "herald.yaml:9:5: error: account 'sky': 'token' holds a secret in the calendar;",
            "herald.yaml:13:5: error: post 'a' has no text: add 'text:' or 'thread:'",
            "herald.yaml:15:5: error: unknown key 'txt' in post 'a', did you mean 'text'?",
            "herald.yaml:16:9: error: duplicate post id 'a' (first defined at herald.yaml:13:9)",
            "herald.yaml:17:12: error: 'posts[1].cron': minute 61 is out of range (0-59)",
            "herald.yaml:18:10: error: unknown account 'mastodn' in post 'a', did you mean 'masto'?",
            "herald.yaml:19:11: error: post 'a' has empty text",
            "herald.yaml:24:15: error: media file 'missing.png' not found",
        ]
        for prefix in expected:
            self.assertTrue(any(line.startswith(prefix) for line in lines),
                            f"no line starts with {prefix!r}:\n{r.err}")
        self.assertEqual(len(lines), 10, r.err)
        self.assertNotIn("abc123-very-secret", r.err)
        self.assertTrue(lines[-1].startswith("herald.yaml: ") and lines[-1].endswith(" errors"), r.err)

    def test_dst_gap_and_overlap(self):
        self.write("herald.yaml", GOOD.replace("2026-12-01 09:00", "2026-03-29 02:30"))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:15:9: error: 'posts[0].at': 2026-03-29 02:30 does not exist in "
                      "Europe/Berlin (the clocks jump forward at 02:00, +01:00 -> +02:00)", r.err)
        self.write("herald.yaml", GOOD.replace("2026-12-01 09:00", "2026-10-25 02:30"))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:15:9: error: 'posts[0].at': 2026-10-25 02:30 happens twice in "
                      "Europe/Berlin", r.err)
        self.write("herald.yaml", GOOD.replace("2026-12-01 09:00", "2026-10-25 02:30+01:00"))
        self.assertExit(self.herald("validate"), 0)

    def test_json(self):
        self.write("herald.yaml", BAD)
        r = self.herald("--json", "validate")
        self.assertExit(r, 2)
        doc = r.json()
        self.assertFalse(doc["valid"])
        first = doc["diagnostics"][0]
        self.assertEqual((first["file"], first["line"], first["column"], first["severity"]),
                         ("herald.yaml", 1, 11, "error"))
        self.assertGreaterEqual(len(doc["diagnostics"]), 8)

    def test_hostile_yaml_is_refused_quickly(self):
        laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(ord("b"), ord("j")):
            prev = chr(i - 1)
            laughs.append(f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]")
        cases = {
            "alias": "a: &x [*x]\n",
            "laughs": "\n".join(laughs) + "\n",
            "comma": ",\n",
            "deep": "[" * 100000 + "]" * 100000 + "\n",
            "two-documents": "posts: []\n---\nposts: []\n",
            "binary": "posts: !!binary \"\\xff\\xfe\"\n",
        }
        for name, content in cases.items():
            with self.subTest(name):
                self.write(f"{name}.yaml", content)
                start = time.monotonic()
                r = self.herald("validate", calendar=f"{name}.yaml", timeout=20)
                self.assertLess(time.monotonic() - start, 10)
                self.assertExit(r, 2)
                self.assertRegex(r.err, rf"^{name}\.yaml:\d+:\d+: error: ")

    def test_size_cap_is_checked_before_parsing(self):
        self.write("herald.yaml", GOOD + "#" * 5000 + "\n")
        r = self.herald("--max-calendar-bytes", "1000", "validate")
        self.assertExit(r, 2)
        self.assertIn("larger than the limit of 1000", r.err)
        r = self.herald("validate", env={"HERALD_MAX_CALENDAR_BYTES": "1000"})
        self.assertExit(r, 2)

    def test_default_size_cap_is_16_mib(self):
        # A comment fills the file: only the cap can refuse it.
        self.write("herald.yaml", GOOD + "#" * (16 * 1024 * 1024) + "\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("larger than the limit of 16777216", r.err)
        self.assertIn("HERALD_MAX_CALENDAR_BYTES", r.err)
        r = self.herald("validate", env={"HERALD_MAX_CALENDAR_BYTES": str(17 * 1024 * 1024)})
        self.assertExit(r, 0)

    def test_duplicate_keys(self):
        self.write("herald.yaml", GOOD.replace("text: hello", "text: hello\n    text: again"))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:17:5: error: duplicate key 'text' (first at line 16)", r.err)

    def test_unknown_platform_and_setting(self):
        self.write("herald.yaml", GOOD.replace("platform: stub\n    dir: outbox\n  sky",
                                               "platform: stbu\n    dir: outbox\n  sky")
                   .replace("    dir: outbox\n\ndefaults", "    dri: outbox\n\ndefaults"))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("account 'masto': unknown platform 'stbu', did you mean 'stub'?", r.err)
        self.assertIn("unknown key 'dri' in account 'sky' (stub platform), did you mean 'dir'?", r.err)

    def test_too_long_for_an_account_names_the_account_count_and_limit(self):
        self.write("herald.yaml", f"""
            accounts:
              masto:
                platform: mastodon
                url: https://example.social
                token_env: MASTODON_TOKEN
              team:
                platform: discord
                webhook_env: HOOK
            posts:
              - id: fits
                at: 2026-12-01 09:00
                to: [masto]
                text: "{'x' * 470} https://example.org/{'a' * 100}"
              - id: long
                at: 2026-12-01 09:00
                to: [masto, team]
                text: "{'y' * 2100}"
                variants:
                  masto:
                    text: short enough for Mastodon
              - id: thread
                at: 2026-12-01 10:00
                to: [masto]
                thread:
                  - text: short
                  - text: "{'z' * 501}"
            """)
        r = self.herald("validate", env={"MASTODON_TOKEN": "t",
                                         "HOOK": "https://discord.com/api/webhooks/1/abc"})
        self.assertExit(r, 2)
        self.assertEqual(r.err.splitlines(), [
            "herald.yaml:17:11: error: post 'long' is too long for account 'team' (discord): "
            "text is 2100 Unicode code points, the limit is 2000",
            "herald.yaml:26:9: error: part 2 of post 'thread' is too long for account 'masto' "
            "(mastodon): text is 501 characters, the limit is 500",
            "herald.yaml: 2 errors",
        ])

    def test_includes(self):
        self.write("herald.yaml", GOOD + "include: [more/posts.yaml]\n")
        self.write("more/posts.yaml", """
            posts:
              - id: extra
                at: 2026-12-02 09:00
                txt: oops
            """)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("more/posts.yaml:4:5: error: unknown key 'txt' in post 'extra', did you mean 'text'?", r.err)


if __name__ == "__main__":
    main()
