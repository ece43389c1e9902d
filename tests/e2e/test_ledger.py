"""Safe re-runs on a fresh state: a CI runner starts with an empty state, so a re-run of
`herald post` (same text: the same post id and job ids) asks the platform before it publishes,
and posts again only where the platform cannot be asked, saying so."""

import shutil

from platforms.bluesky.fake import FakeBluesky
from platforms.mastodon.fake import FakeMastodon
from platforms.discord.fake import DiscordFake
from platforms.slack.fake import SlackFake
from harness import SOURCE_DIR, HeraldTest, main

NOW = "2026-12-01T12:00:00Z"
TEXT = "herald 2.1 is out"


class LedgerTest(HeraldTest):
    """Each `post` call gets a state of its own, as a fresh CI runner does."""

    def post(self, to, now, state, *extra, env=None, text=TEXT):
        return self.herald("--json", "post", "--to", to, "--text", text, "--now", now, *extra,
                           env=dict(env or {}, HERALD_STATE=str(self.dir / state / "herald.db")))

    def one_line(self, result):
        [line] = result.json_lines()
        return line


class MastodonLedgerTest(LedgerTest):
    ENV = {"MASTODON_TOKEN": "s3cr3t-token"}

    def setUp(self):
        super().setUp()
        self.fake = FakeMastodon(token="s3cr3t-token").start()
        self.addCleanup(self.fake.stop)
        self.fake.created_at = lambda: "2026-12-01T12:00:01.000Z"
        self.write("herald.yaml", f"""
            accounts:
              masto:
                platform: mastodon
                url: {self.fake.url}
                token_env: MASTODON_TOKEN
            posts: []
            """)

    def test_a_rerun_after_the_key_window_finds_the_first_status(self):
        first = self.post("masto", NOW, "run1", env=self.ENV)
        self.assertExit(first, 0)
        [status] = self.fake.statuses.values()
        self.fake.add_status("something else", "2026-12-01T13:00:00.000Z")
        self.fake.forget_keys()  # two hours later Mastodon no longer knows the key
        again = self.post("masto", "2026-12-01T14:00:00Z", "run2", env=self.ENV)
        self.assertExit(again, 0)
        line = self.one_line(again)
        self.assertEqual((line["status"], line["id"], line["url"], line["ledger"]),
                         ("already-posted", status["id"], status["url"], "recent statuses"))
        self.assertEqual(len(self.fake.status_posts()), 1)
        self.assertEqual(again.err, "")
        # The state of the re-run holds it as posted, with the first run's status.
        [job] = self.herald("--json", "history", env={
            "HERALD_STATE": str(self.dir / "run2" / "herald.db")}).json()
        self.assertEqual((job["state"], job["id"]), ("posted", status["id"]))
        # Text output: already-posted and the URL.
        text = self.herald("post", "--to", "masto", "--text", TEXT, "--now", "2026-12-01T15:00:00Z",
                           env=dict(self.ENV, HERALD_STATE=str(self.dir / "run3" / "herald.db")))
        self.assertExit(text, 0)
        self.assertRegex(text.out, r"^already-posted +post-[0-9a-f]{12}/masto  "
                                   + status["url"].replace(".", r"\.") + "\n$")

    def test_beyond_the_look_back_of_a_week_it_posts_again(self):
        self.assertExit(self.post("masto", NOW, "run1", env=self.ENV), 0)
        self.fake.forget_keys()
        again = self.post("masto", "2026-12-08T12:00:02Z", "run2", env=self.ENV)
        self.assertExit(again, 0)
        self.assertEqual(self.one_line(again)["status"], "posted")
        self.assertEqual(len(self.fake.status_posts()), 2)

    def test_a_look_up_that_fails_publishes_nothing_and_the_retry_asks_again(self):
        self.fake.fail("/api/v1/accounts/1/statuses", status=503,
                       body=b'{"error":"Service Unavailable"}')
        r = self.post("masto", NOW, "run1", "--id", "notes", env=self.ENV)
        self.assertExit(r, 1)
        line = self.one_line(r)
        self.assertEqual(line["status"], "retry-wait")
        self.assertEqual(line["ledger"], "recent statuses")
        self.assertTrue(line["error"].startswith(
            "not-sent: mastodon: GET /api/v1/accounts/:id/statuses: HTTP 503"), line)
        self.assertIn("(while looking on the platform for a copy published by an earlier run; "
                      "nothing was sent)", line["error"])
        self.assertEqual(self.fake.status_posts(), [])
        # `herald run` of the same state retries it: it asks again, then publishes.
        r = self.herald("--json", "run", "--now", "2026-12-01T12:10:00Z",
                        env=dict(self.ENV, HERALD_STATE=str(self.dir / "run1" / "herald.db")))
        self.assertExit(r, 0)
        self.assertEqual(self.one_line(r)["status"], "posted")
        self.assertEqual(len(self.fake.status_posts()), 1)
        self.assertEqual(len(self.fake.requests("GET", "/api/v1/accounts/1/statuses")), 2)
        self.assertNotIn("s3cr3t-token", r.out + r.err)


class BlueskyLedgerTest(LedgerTest):
    ENV = {"BSKY_PASSWORD": "app-pass-s3cr3t"}

    def setUp(self):
        super().setUp()
        self.fake = FakeBluesky()
        self.addCleanup(self.fake.stop)
        self.write("herald.yaml", f"""
            accounts:
              sky:
                platform: bluesky
                url: {self.fake.url()}
                handle: alice.test
                password_env: BSKY_PASSWORD
            posts: []
            """)

    def creates(self):
        return [q for q in self.fake.requests if q.path.endswith("createRecord")]

    def test_a_rerun_days_later_finds_the_record_at_the_same_key(self):
        first = self.one_line(self.post("sky", NOW, "run1", env=self.ENV))
        self.assertEqual(first["status"], "posted")
        again = self.post("sky", "2026-12-03T09:30:00Z", "run2", env=self.ENV)
        self.assertExit(again, 0)
        line = self.one_line(again)
        self.assertEqual((line["status"], line["id"], line["url"], line["ledger"]),
                         ("already-posted", first["id"], first["url"], "record key"))
        self.assertEqual(len(self.creates()), 1)
        [rkey] = self.fake.records
        gets = [q for q in self.fake.requests if q.path.endswith("getRecord")]
        self.assertEqual([q.query["rkey"] for q in gets], [[rkey], [rkey]])


class SlackLedgerTest(LedgerTest):
    def setUp(self):
        super().setUp()
        self.fake = SlackFake(token="xoxb-1-fake-s3cret", channels=["C0HERALD"])
        self.addCleanup(self.fake.stop)
        self.ENV = {"SLACK_TOKEN": "xoxb-1-fake-s3cret",
                    "SLACK_WEBHOOK_URL": self.fake.webhook_url()}
        self.fake.clock = lambda: 1796126401  # 2026-12-01T12:00:01Z, the first run
        self.write("herald.yaml", f"""
            accounts:
              team:
                platform: slack
                token_env: SLACK_TOKEN
                channel: C0HERALD
                url: {self.fake.api_url()}
              hook:
                platform: slack
                webhook_env: SLACK_WEBHOOK_URL
            posts: []
            """)

    def posts(self, via):
        return [m for m in self.fake.messages if m["via"] == via]

    def test_a_bot_rerun_finds_its_message_by_metadata(self):
        first = self.one_line(self.post("team", NOW, "run1", env=self.ENV))
        self.assertEqual(first["status"], "posted")
        # Someone else says the same words in the channel: not this job's message.
        self.fake.messages.append({"channel": "C0HERALD", "ts": "1796130000.000099",
                                   "text": TEXT, "via": "api"})
        again = self.post("team", "2026-12-01T14:00:00Z", "run2", env=self.ENV)
        self.assertExit(again, 0)
        line = self.one_line(again)
        self.assertEqual((line["status"], line["id"], line["url"], line["ledger"]),
                         ("already-posted", first["id"], first["url"], "message metadata"))
        self.assertEqual(len(self.posts("api")), 2)  # the first run's and the one by hand
        # Each fresh run asked: the first found nothing.
        _, history = [q for q in self.fake.requests if q.path == "/api/conversations.history"]
        self.assertEqual(history.query["include_all_metadata"], ["true"])
        self.assertEqual(history.query["oldest"], ["1795528800"])  # 2026-11-24T14:00:00Z, a week before
        self.assertEqual(history.query["channel"], ["C0HERALD"])

    def test_a_webhook_cannot_be_asked_says_so_and_posts_again(self):
        first = self.post("hook", NOW, "run1", env=self.ENV)
        again = self.post("hook", "2026-12-01T12:05:00Z", "run2", env=self.ENV)
        for r in (first, again):
            self.assertExit(r, 0)
            line = self.one_line(r)
            self.assertEqual((line["status"], line["ledger"]), ("posted", "none"))
            self.assertEqual(r.err, "herald: account 'hook' (slack) cannot be asked whether this "
                                    "post went out before; a re-run with a fresh state may post "
                                    "it again\n")
        self.assertEqual(len(self.posts("webhook")), 2)
        self.assertNotIn("hOoKfAkEs3cr3t", first.out + first.err)


class WebhookLedgerTest(LedgerTest):
    def test_a_discord_webhook_says_ledger_none_and_posts_again(self):
        fake = DiscordFake(token="tok3n-s3cret")
        self.addCleanup(fake.stop)
        env = {"DISCORD_WEBHOOK_URL": fake.webhook_url()}
        self.write("herald.yaml", """
            accounts:
              disco:
                platform: discord
                webhook_env: DISCORD_WEBHOOK_URL
            posts: []
            """)
        first = self.post("disco", NOW, "run1", env=env)
        again = self.post("disco", "2026-12-01T12:05:00Z", "run2", env=env)
        for r in (first, again):
            self.assertExit(r, 0)
            self.assertEqual(self.one_line(r)["ledger"], "none")
            self.assertEqual(r.err, "herald: account 'disco' (discord) cannot be asked whether "
                                    "this post went out before; a re-run with a fresh state may "
                                    "post it again\n")
        self.assertEqual(len([q for q in fake.requests if q.method == "POST"]), 2)
        # The same state knows it posted: no warning, no second post, no ledger field.
        same = self.post("disco", "2026-12-01T12:10:00Z", "run2", env=env)
        self.assertEqual(same.err, "")
        line = self.one_line(same)
        self.assertEqual(line["status"], "already-posted")
        self.assertNotIn("ledger", line)
        self.assertEqual(len([q for q in fake.requests if q.method == "POST"]), 2)


class PluginLedgerTest(LedgerTest):
    def setUp(self):
        super().setUp()
        shutil.copytree(SOURCE_DIR / "examples" / "plugins", self.dir / "examples",
                        ignore=shutil.ignore_patterns("*.txt"))
        shutil.copytree(SOURCE_DIR / "tests" / "e2e" / "plugins", self.dir / "plugins")
        (self.dir / "out").mkdir()
        self.write("herald.yaml", """
            accounts:
              notes:
                platform: exec
                command: [./examples/append.sh, out/posts.txt]
              counted:
                platform: exec
                command: [python3, plugins/counting.py]
                options: {dir: out/counting}
            posts: []
            """)

    def test_a_plugin_with_find_is_asked_and_one_without_posts_again(self):
        first = {line["account"]: line
                 for line in self.post("notes,counted", NOW, "run1").json_lines()}
        again = self.post("notes,counted", "2026-12-01T12:05:00Z", "run2")
        self.assertExit(again, 0)
        lines = {line["account"]: line for line in again.json_lines()}
        self.assertEqual((lines["notes"]["status"], lines["notes"]["ledger"]),
                         ("already-posted", "plugin find"))
        self.assertEqual((lines["notes"]["id"], lines["notes"]["url"]),
                         (first["notes"]["id"], first["notes"]["url"]))
        self.assertEqual((lines["counted"]["status"], lines["counted"]["ledger"]),
                         ("posted", "none"))
        self.assertEqual(again.err, "herald: account 'counted' (exec) cannot be asked whether "
                                    "this post went out before; a re-run with a fresh state may "
                                    "post it again\n")
        text = (self.dir / "out" / "posts.txt").read_text()
        self.assertEqual(text.count(TEXT), 1)
        publishes = [line for line in
                     (self.dir / "out" / "counting" / "requests.jsonl").read_text().splitlines()
                     if '"type": "publish"' in line]
        self.assertEqual(len(publishes), 2)


class ManualPluginLedgerTest(LedgerTest):
    """tests/e2e/plugins/from_manual.py answers find as herald-plugins(7) says."""

    def setUp(self):
        super().setUp()
        shutil.copytree(SOURCE_DIR / "tests" / "e2e" / "plugins", self.dir / "plugins")
        self.write("herald.yaml", """
            accounts:
              stamps:
                platform: exec
                command: [./plugins/from_manual.py]
                options: {dir: out}
            posts: []
            """)

    def stamps(self):
        return sorted(p.name for p in (self.dir / "out").glob("stamp-*.json"))

    def test_found_on_a_rerun(self):
        first = self.one_line(self.post("stamps", NOW, "run1"))
        again = self.one_line(self.post("stamps", "2026-12-02T08:00:00Z", "run2"))
        self.assertEqual((first["status"], first["ledger"]), ("posted", "plugin find"))
        self.assertEqual((again["status"], again["id"], again["url"]),
                         ("already-posted", first["id"], first["url"]))
        self.assertEqual(self.stamps(), ["stamp-1.json"])

    def test_a_find_that_fails_publishes_nothing(self):
        r = self.post("stamps", NOW, "run1", text="herald 2.1 #lookupfails")
        self.assertExit(r, 1)
        line = self.one_line(r)
        self.assertEqual(line["status"], "retry-wait")
        self.assertTrue(line["error"].startswith(
            "not-sent: plugin ./plugins/from_manual.py: the archive is offline (while looking "
            "on the platform for a copy published by an earlier run; nothing was sent)"), line)
        self.assertFalse((self.dir / "out").exists() and self.stamps())


class MisbehavingFindTest(LedgerTest):
    def test_a_found_answer_without_true_or_false_is_not_taken_for_either(self):
        self.write("plugin.py", """
            import json, sys
            for line in sys.stdin:
                request = json.loads(line)
                kind = request["type"]
                if kind == "hello":
                    answer = {"type": "hello", "protocol": 1, "name": "vague",
                              "capabilities": {"find": True}}
                elif kind == "find":
                    answer = {"type": "found", "found": "maybe"}
                else:
                    open("published", "a").write(line)
                    answer = {"type": "published", "remote_id": "1"}
                answer["id"] = request["id"]
                print(json.dumps(answer), flush=True)
            """)
        self.write("herald.yaml", """
            accounts:
              vague:
                platform: exec
                command: [python3, plugin.py]
            posts: []
            """)
        r = self.post("vague", NOW, "run1")
        self.assertExit(r, 1)
        line = self.one_line(r)
        self.assertEqual((line["status"], line["ledger"]), ("retry-wait", "plugin find"))
        self.assertTrue(line["error"].startswith(
            "not-sent: plugin python3: its 'found' answer has no 'found': true or false (while "
            "looking on the platform for a copy published by an earlier run; nothing was sent)"),
            line)
        self.assertFalse((self.dir / "published").exists())


class StubLedgerTest(LedgerTest):
    def test_the_stub_outbox_is_its_own_ledger(self):
        self.write("herald.yaml", """
            accounts:
              masto:
                platform: stub
                dir: outbox
            posts: []
            """)
        first = self.one_line(self.post("masto", NOW, "run1"))
        again = self.one_line(self.post("masto", "2026-12-01T12:05:00Z", "run2"))
        self.assertEqual((first["status"], first["ledger"]), ("posted", "outbox file"))
        self.assertEqual((again["status"], again["url"]), ("already-posted", first["url"]))
        self.assertEqual(len(self.outbox()), 1)


if __name__ == "__main__":
    main()
