"""split: a text too long for an account becomes a thread there, cut where the account's rules
allow (issue 15), in validate, plan, run and herald post, against the Mastodon fake."""

import re

from platforms.mastodon.fake import FakeMastodon, mastodon_length
from harness import HeraldTest, main

TOKEN = "s3cr3t-token"
ENV = {"MASTODON_TOKEN": TOKEN}

ACCOUNTS = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
"""

# About 1,300 characters in three paragraphs, with a long URL that counts 23 on Mastodon.
PARAGRAPHS = [
    " ".join(f"Sentence {i} of the first paragraph about the release." for i in range(8)),
    "The notes are at https://example.org/releases/2.0/" + "notes-" * 20 + "end and say more. "
    + " ".join(f"Sentence {i} of the second paragraph." for i in range(8)),
    " ".join(f"Sentence {i} of the third paragraph, with thanks to @alice." for i in range(5)),
]
LONG = "\n\n".join(PARAGRAPHS)


def block(text, indent="      "):
    return "|\n" + "\n".join(indent + line if line else "" for line in text.split("\n")) + "\n"


def posts(split=None, defaults=None):
    out = ""
    if defaults:
        out += f"defaults:\n  split: {defaults}\n"
    out += "posts:\n  - id: notes\n    at: 2026-12-01T08:00:00Z\n    to: [masto]\n"
    if split:
        out += f"    split: {split}\n"
    return out + "    text: " + block(LONG)


class SplitTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.fake.stop)
        self.env.update(ENV)

    def calendar(self, text):
        self.write("herald.yaml", ACCOUNTS.format(url=self.fake.url) + text)

    def test_without_split_a_long_text_is_refused(self):
        self.calendar(posts())
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("post 'notes' is too long for account 'masto' (mastodon)", r.err)

    def test_split_thread_is_a_numbered_thread_cut_at_paragraphs(self):
        self.calendar(posts(split='{numbering: "{i}/{n}"}'))
        self.assertExit(self.herald("validate"), 0)
        r = self.herald("--json", "plan", "--now", "2026-11-30T00:00:00Z")
        self.assertExit(r, 0)
        [entry] = r.json()["entries"]
        texts = [part["text"] for part in entry["parts"]]
        self.assertEqual(len(texts), 3)
        self.assertEqual(texts, [f"{p} {i + 1}/3" for i, p in enumerate(PARAGRAPHS)])

        self.assertExit(self.herald("run", "--now", "2026-11-30T00:00:00Z"), 0)
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        sent = self.fake.status_posts()
        self.assertEqual([p["json"]["status"] for p in sent], texts)
        ids = list(self.fake.statuses)
        self.assertEqual([p["json"].get("in_reply_to_id") for p in sent], [None, ids[0], ids[1]])
        for text in texts:
            self.assertLessEqual(mastodon_length(text), 500)

    def test_defaults_turn_it_on_and_a_post_turns_it_off(self):
        self.calendar(posts(defaults="thread"))
        r = self.herald("--json", "plan", "--now", "2026-11-30T00:00:00Z")
        [entry] = r.json()["entries"]
        self.assertEqual([part["text"] for part in entry["parts"]], PARAGRAPHS)
        self.calendar(posts(defaults="thread", split="false"))
        self.assertExit(self.herald("validate"), 2)

    def test_a_bad_split_value_says_where_and_what(self):
        self.calendar(posts(split="yes"))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald\.yaml:\d+:\d+: error: 'posts\[0\]\.split' must be "
                                r"thread, false, or a map with 'numbering:'")
        self.calendar(posts(split='{numbering: "part"}'))
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("'posts[0].split.numbering' must hold {i}", r.err)

    def test_herald_post_split_publishes_a_thread(self):
        self.calendar("posts: []\n")
        r = self.herald("--json", "post", "--to", "masto", "--split", "--numbering", "({i}/{n})",
                        "--text", LONG, "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        sent = [p["json"]["status"] for p in self.fake.status_posts()]
        self.assertEqual(sent, [f"{p} ({i + 1}/3)" for i, p in enumerate(PARAGRAPHS)])
        # A re-run on a fresh state (another CI runner) finds the thread by its first part.
        self.env["HERALD_STATE"] = str(self.new_state("fresh"))
        r = self.herald("--json", "post", "--to", "masto", "--split", "--numbering", "({i}/{n})",
                        "--text", LONG, "--now", "2026-12-01T09:00:00Z")
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("already-posted", list(self.fake.statuses)[0]))
        self.assertEqual(len(self.fake.status_posts()), 3)
        # Without --split the same text is refused before anything is sent.
        r = self.herald("post", "--to", "masto", "--text", LONG + " again",
                        "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 2)
        self.assertRegex(r.err, re.escape("is too long for account 'masto' (mastodon)"))
        self.assertEqual(len(self.fake.status_posts()), 3)

    def test_post_dry_run_shows_each_account_and_sends_nothing(self):
        self.calendar("posts: []\n")
        del self.env["MASTODON_TOKEN"]  # a pull request's preview has no secrets
        r = self.herald("post", "--dry-run", "--to", "masto", "--split", "--numbering", "{i}/{n}",
                        "--text", LONG, "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(r.out.splitlines()[0], "masto (mastodon): thread of 3")
        self.assertRegex(r.out, r"\n  \[1/3\] \d+ of 500 characters\n    Sentence 0 of the first")
        r = self.herald("--json", "post", "--dry-run", "--to", "masto", "--split",
                        "--text", LONG, "--now", "2026-12-01T08:00:00Z")
        self.assertExit(r, 0)
        [preview] = r.json_lines()
        self.assertEqual((preview["account"], preview["platform"], preview["status"]),
                         ("masto", "mastodon", "dry-run"))
        self.assertEqual([p["text"] for p in preview["parts"]], PARAGRAPHS)
        for part in preview["parts"]:
            [length] = part["length"]
            self.assertEqual((length["rule"], length["unit"], length["limit"]),
                             ("mastodon", "graphemes", 500))
            self.assertEqual(length["count"], mastodon_length(part["text"]))
        # Nothing was sent and the state was not even made.
        self.assertEqual(self.fake.requests(), [])
        self.assertFalse(self.state.exists())


if __name__ == "__main__":
    main()
