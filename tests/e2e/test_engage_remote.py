"""herald engage against servers that send what they should not (issue 19, items 2, 9, 10): a
Link header to another origin, escape sequences in messages, addresses that are not web pages,
a thread answered with a list. Loopback fakes from fake_engage.py, each given the fault."""

import json

from platforms.mastodon.fake_engage import FakeMastodonEngage
from harness import HeraldTest, main

TOKEN = "s3cr3t-token"
OTHER_TOKEN = "other-s3cr3t"
ENV = {"MASTODON_TOKEN": TOKEN, "OTHER_TOKEN": OTHER_TOKEN}
NOW = "2026-12-03T12:00:00Z"

TWO_ACCOUNTS = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
  other:
    platform: mastodon
    url: {other_url}
    token_env: OTHER_TOKEN
"""

ESC = "\x1b"
CSI = "\u009b"


def seed(fake, texts, at="2026-12-03T10:00:00.000Z", **options):
    """Our post and, under it, a mention for each of `texts` (acct, text); their ids."""
    post = fake.status("herald", "herald 2.0 is out", "2026-12-01T09:00:00.000Z")
    ids = []
    for acct, text in texts:
        sid = fake.status(acct, text, at, reply_to=post, **options)
        fake.notify("mention", sid)
        ids.append(sid)
    for i, n in enumerate(fake.notifications):
        n["id"] = str(500 + i)
    return ids


class EngageRemoteTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeMastodonEngage(token=TOKEN, page_size=1)
        self.other = FakeMastodonEngage(token=OTHER_TOKEN, page_size=1)
        for fake in (self.fake, self.other):
            self.addCleanup(fake.stop)
        self.write("herald.yaml", TWO_ACCOUNTS.format(url=self.fake.url("").rstrip("/"),
                                                      other_url=self.other.url("").rstrip("/")))

    def engage(self, *args, json_output=False, env=None):
        flags = ["--json"] if json_output else []
        return self.herald(*flags, "engage", *args, "--now", NOW, env=dict(ENV, **(env or {})))

    def assertNoControls(self, text):
        for c in text:
            if c not in "\n\t":
                self.assertFalse(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f,
                                 f"control character {ord(c):#x} in {text!r}")

    # --- item 2: pagination stays on the instance's origin --------------------------------------

    def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(self):
        seed(self.fake, [("ada@example.social", "@herald first?"),
                         ("bob@example.social", "@herald second?")])
        seed(self.other, [("cy@example.social", "@herald on the other instance?")])
        # The instance names a next page on another origin: another port of the same host.
        trap = FakeMastodonEngage(token="never")
        self.addCleanup(trap.stop)
        self.fake.next_origin = trap.url("").rstrip("/")
        r = self.engage(json_output=True)
        self.assertExit(r, 1)
        self.assertEqual(trap.requests, [])  # not asked at all, so the token never went there
        link = f"{trap.url('').rstrip('/')}/api/v1/notifications?max_id=501&limit=1&types%5B%5D=***"
        self.assertEqual(r.err, f"herald: engage: account 'masto': mastodon: GET "
                                f"/api/v1/notifications: the next page's link {link} is not on "
                                f"{self.fake.url('').rstrip('/')}; not followed (the token goes "
                                f"to the instance only)\n")
        self.assertNotIn(TOKEN, r.err + r.out)
        # The other account was fetched all the same.
        self.assertEqual([row["author"] for row in r.json()], ["cy@example.social"])

    def test_a_next_link_on_the_same_origin_is_followed(self):
        seed(self.fake, [("ada@example.social", "@herald first?"),
                         ("bob@example.social", "@herald second?")])
        r = self.engage(json_output=True)
        self.assertExit(r, 0)
        self.assertEqual(sorted(row["author"] for row in r.json()),
                         ["ada@example.social", "bob@example.social"])
        self.assertGreater(len(self.fake.calls("/api/v1/notifications")), 1)

    # --- item 9: terminal output and the browser ------------------------------------------------

    def test_escape_sequences_in_a_message_never_reach_the_terminal(self):
        evil = f"@herald hi{ESC}]0;owned{chr(7)}{ESC}[2J{CSI}31m there\r{ESC}[1A"
        seed(self.fake, [(f"ada{ESC}[31m@example.social", evil)])
        r = self.engage()
        self.assertExit(r, 0)
        self.assertNoControls(r.out + r.err)
        self.assertIn("@herald hi]0;owned[2J31m there [1A", r.out)  # \r is white space there
        # JSON keeps the text as the platform sent it, escaped by the encoder.
        [row] = json.loads(self.engage("--no-fetch", json_output=True).out)
        self.assertEqual(row["text"], evil)
        # The editor's file for a reply shows the thread the same way.
        script = self.write("editor.sh", f"#!/bin/sh\ncp \"$1\" {self.dir}/seen\n")
        script.chmod(0o755)
        r = self.engage("reply", row["id"], "--editor", env={"EDITOR": str(script)})
        self.assertNoControls((self.dir / "seen").read_text())

    def opener(self):
        bin_dir = self.dir / "bin"
        bin_dir.mkdir(exist_ok=True)
        script = self.write("bin/xdg-open", f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> {self.dir}/opened\n")
        script.chmod(0o755)
        return {"PATH": f"{bin_dir}:{self.env['PATH']}"}

    def test_open_in_the_browser_takes_only_http_addresses(self):
        [sid] = seed(self.fake, [("ada@example.social", "@herald look")])
        [row] = self.engage(json_output=True).json()
        env = self.opener()
        for url in ("file:///etc/passwd", "--help", "javascript:alert(1)", "ssh://host/x",
                    f"https://example.org/{ESC}[2J"):
            self.fake.statuses[sid]["url"] = url
            self.assertExit(self.engage(json_output=True), 0)  # the conversation now has that address
            r = self.engage("open", row["id"], "--browser", env=env)
            self.assertExit(r, 1)
            self.assertRegex(r.err, r"^herald: error: not opening '.*': ")
            self.assertNoControls(r.err)
            self.assertFalse((self.dir / "opened").exists(), url)
        self.fake.statuses[sid]["url"] = "https://social.example/@ada/1"
        self.engage(json_output=True)
        r = self.engage("open", row["id"], "--browser", env=env)
        self.assertExit(r, 0)
        self.assertEqual((self.dir / "opened").read_text(), "https://social.example/@ada/1\n")

    # --- item 10: a malformed thread is one account's problem -----------------------------------

    def test_a_thread_answered_with_a_list_fails_that_account_only(self):
        [sid] = seed(self.fake, [("ada@example.social", "@herald broken thread?")])
        seed(self.other, [("cy@example.social", "@herald fine here?")])
        self.fake.context_as_list.add(sid)
        r = self.engage(json_output=True)
        self.assertExit(r, 1)
        self.assertEqual(r.err, f"herald: engage: account 'masto': mastodon: GET "
                                f"/api/v1/statuses/{sid}/context: the answer is not a thread "
                                f"context\n")
        self.assertEqual([row["author"] for row in r.json()], ["cy@example.social"])
        # Once the server answers properly, the conversation is fetched (the cursor stayed).
        self.fake.context_as_list.clear()
        r = self.engage(json_output=True)
        self.assertExit(r, 0)
        self.assertEqual(sorted(row["author"] for row in r.json()),
                         ["ada@example.social", "cy@example.social"])


if __name__ == "__main__":
    main()
