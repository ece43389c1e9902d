"""herald engage against loopback fakes of Mastodon and Bluesky seeded with a realistic inbox
(fake_engage.py): which conversations are listed, in what order and why; the incremental
cursor; triage (done, snooze) between runs; conversations answered on the platform; replies."""

import json
from pathlib import Path

from platforms.bluesky.fake_engage import FakeBlueskyEngage

from platforms.mastodon.fake_engage import FakeMastodonEngage
from harness import OnPostgresql, HeraldTest, main

TOKEN = "s3cr3t-token"
PASSWORD = "app-pass-s3cr3t"
ENV = {"MASTODON_TOKEN": TOKEN, "BLUESKY_APP_PASSWORD": PASSWORD}
NOW = "2026-12-03T12:00:00Z"

MASTO = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
engage:
  ignore: ["@spammer@example.social"]
"""

SKY = """
accounts:
  sky:
    platform: bluesky
    url: {url}
    handle: alice.test
    password_env: BLUESKY_APP_PASSWORD
"""


def seed_mastodon(fake):
    """Returns the ids the tests refer to."""
    s = fake.status
    ids = {}
    p1 = s("herald", "herald 2.0 is out", "2026-12-01T09:00:00.000Z")
    p2 = s("herald", "How do you schedule your posts", "2026-12-01T10:00:00.000Z")
    # A question, waiting 1d2h.
    ids["ada"] = s("ada@example.social", "@herald Does it run on BSD?", "2026-12-02T10:00:00.000Z", reply_to=p1)
    fake.notify("mention", ids["ada"])
    # A thank-you, waiting 4h.
    ids["bob"] = s("bob@example.social", "@herald Thanks, great release!", "2026-12-03T08:00:00.000Z", reply_to=p1)
    fake.notify("mention", ids["bob"])
    # A thread we already answered.
    carol = s("carol@example.social", "@herald With cron, why?", "2026-12-01T12:00:00.000Z", reply_to=p2)
    fake.notify("mention", carol)
    s("herald", "@carol@example.social Because it is simple", "2026-12-01T13:00:00.000Z", reply_to=carol)
    # A thread where they replied after our answer.
    dave = s("dave@example.social", "@herald Is there a Debian package?", "2026-12-01T11:00:00.000Z", reply_to=p1)
    fake.notify("mention", dave)
    answer = s("herald", "@dave@example.social Yes: apt install herald", "2026-12-01T12:00:00.000Z", reply_to=dave)
    ids["dave"] = s("dave@example.social", "@herald Thanks! It works great.", "2026-12-03T09:00:00.000Z", reply_to=answer)
    fake.notify("mention", ids["dave"])
    # A direct message, waiting 1h.
    ids["erin"] = s("erin@example.social", "@herald let us talk about a partnership", "2026-12-03T11:00:00.000Z",
                    visibility="direct", mention_me=True)
    fake.notify("mention", ids["erin"])
    # Likes, boosts and a follow: not conversations.
    fake.notify("favourite", p1, acct="fan@example.social", at="2026-12-03T10:30:00.000Z")
    fake.notify("reblog", p1, acct="fan@example.social", at="2026-12-03T10:31:00.000Z")
    fake.notify("follow", acct="fan@example.social", at="2026-12-03T10:32:00.000Z")
    # A bot, and an author on the ignore list.
    bot = s("newsbot@bots.example", "@herald New release detected?", "2026-12-03T10:00:00.000Z",
            mention_me=True, bot=True)
    fake.notify("mention", bot)
    spam = s("spammer@example.social", "@herald Buy followers?", "2026-12-03T10:05:00.000Z", mention_me=True)
    fake.notify("mention", spam)
    # Older than the first fetch's 7-day lookback.
    old = s("olga@example.social", "@herald Any news?", "2026-11-20T10:00:00.000Z", mention_me=True)
    fake.notify("mention", old)
    fake.notifications.sort(key=lambda n: n["created_at"])
    for i, n in enumerate(fake.notifications):
        n["id"] = str(500 + i)  # ids grow with time, as Mastodon's do
    ids["p1"], ids["p2"] = p1, p2
    return ids


class EngageMastodonTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeMastodonEngage(token=TOKEN, page_size=3)
        self.addCleanup(self.fake.stop)
        self.ids = seed_mastodon(self.fake)
        self.write("herald.yaml", MASTO.format(url=self.fake.url().rstrip("/")))

    def engage(self, *args, now=NOW):
        return self.herald("engage", *args, "--now", now, env=ENV)

    def listed(self, *args, now=NOW):
        r = self.herald("--json", "engage", *args, "--now", now, env=ENV)
        self.assertExit(r, 0)
        return r.json()

    def by_author(self, rows):
        return {row["author"].split("@")[0]: row for row in rows}

    def test_first_fetch_lists_exactly_who_waits_ranked_with_reasons(self):
        rows = self.listed()
        self.assertEqual([(r["author"], r["reason"], r["waiting"]) for r in rows], [
            ("ada@example.social", "question", "1d2h"),
            ("erin@example.social", "DM", "1h"),
            ("bob@example.social", 'reply to your post "herald 2.0 is out"', "4h"),
            ("dave@example.social", 'reply to your post "Yes: apt install herald"', "3h"),
        ])
        ada = rows[0]
        self.assertEqual(ada["platform"], "mastodon")
        self.assertEqual(ada["account"], "masto")
        self.assertEqual(ada["url"], f"https://social.example/@ada@example.social/{self.ids['ada']}")
        self.assertEqual(ada["text"], "@herald Does it run on BSD?")
        self.assertRegex(ada["id"], r"^[0-9a-f]{6}$")
        # Every page was read: the fake serves 3 per page.
        pages = self.fake.calls("/api/v1/notifications")
        self.assertGreater(len(pages), 2)
        self.assertTrue(all(p.query.get("types[]") == ["mention"] for p in pages))
        self.assertNotIn("max_id", pages[0].query)
        self.assertIn("max_id", pages[1].query)

    def test_table_and_count_and_exit_status_for_cron(self):
        r = self.engage()
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^ID\s+WAITING\s+PLATFORM\s+ACCOUNT\s+AUTHOR\s+REASON$")
        self.assertRegex(lines[1], r"^[0-9a-f]{6} +1d2h +mastodon +masto +@ada@example.social +question$")
        self.assertEqual(lines[2].strip(), "@herald Does it run on BSD?")
        r = self.engage("--no-fetch", "--count")
        self.assertEqual((r.code, r.out), (0, "4\n"))
        r = self.engage("--no-fetch", "--count", "--older-than", "3h30m")
        self.assertEqual(r.out, "2\n")  # ada 1d2h and bob 4h
        r = self.engage("--no-fetch", "--older-than", "24h", "--fail-if-any", "--count")
        self.assertEqual((r.code, r.out), (1, "1\n"))
        r = self.engage("--no-fetch", "--older-than", "2d", "--fail-if-any")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "nobody is waiting for an answer\n")
        r = self.engage("--no-fetch", "--fail-if-more", "4")
        self.assertExit(r, 0)
        r = self.engage("--no-fetch", "--fail-if-more", "3")
        self.assertExit(r, 1)

    def test_second_fetch_asks_only_for_newer_items(self):
        self.listed()
        newest = max(int(n["id"]) for n in self.fake.notifications if n["type"] == "mention")
        before = len(self.fake.calls("/api/v1/notifications"))
        grace = self.fake.status("grace@example.social", "@herald Any plans for Threads support?",
                                 "2026-12-03T12:10:00.000Z", reply_to=self.ids["p2"])
        self.fake.notifications.append({"id": str(newest + 1), "type": "mention",
                                        "created_at": "2026-12-03T12:10:00.000Z",
                                        "account": self.fake.statuses[grace]["account"],
                                        "status": self.fake.statuses[grace]})
        rows = self.listed(now="2026-12-03T12:20:00Z")
        later = self.fake.calls("/api/v1/notifications")[before:]
        self.assertEqual(len(later), 1)
        self.assertEqual(later[0].query.get("since_id"), [str(newest)])
        self.assertIn("grace@example.social", [r["author"] for r in rows])
        self.assertEqual(rows[0]["author"], "ada@example.social")
        self.assertEqual(len(rows), 5)

    def test_answered_on_the_platform_disappears(self):
        self.listed()
        self.fake.status("herald", "@ada@example.social Yes, on FreeBSD 14", "2026-12-03T12:05:00.000Z",
                         reply_to=self.ids["ada"])
        authors = [r["author"] for r in self.listed(now="2026-12-03T12:10:00Z")]
        self.assertNotIn("ada@example.social", authors)
        self.assertEqual(len(authors), 3)

    def test_done_and_snooze_survive_between_runs(self):
        rows = self.by_author(self.listed())
        r = self.engage("done", rows["bob"]["id"])
        self.assertEqual((r.code, r.out, r.err), (0, "", ""))
        r = self.engage("snooze", rows["erin"]["id"][:4], "--for", "4h")
        self.assertExit(r, 0)
        self.assertEqual(r.out, f"{rows['erin']['id']} snoozed until 2026-12-03T16:00:00Z\n")
        authors = [r["author"] for r in self.listed(now="2026-12-03T13:00:00Z")]
        self.assertEqual(authors, ["ada@example.social", "dave@example.social"])
        # The snooze ends.
        authors = [r["author"] for r in self.listed("--no-fetch", now="2026-12-03T16:30:00Z")]
        self.assertEqual(authors, ["ada@example.social", "erin@example.social", "dave@example.social"])
        # Done stays done, until bob writes again.
        newest = max(int(n["id"]) for n in self.fake.notifications)
        more = self.fake.status("bob@example.social", "@herald One more thing: is there a manual?",
                                "2026-12-03T17:00:00.000Z", reply_to=self.ids["bob"])
        self.fake.notifications.append({"id": str(newest + 1), "type": "mention",
                                        "created_at": "2026-12-03T17:00:00.000Z",
                                        "account": self.fake.statuses[more]["account"],
                                        "status": self.fake.statuses[more]})
        rows = self.listed(now="2026-12-03T17:30:00Z")
        self.assertIn("bob@example.social", [r["author"] for r in rows])

    def test_snooze_ends_early_when_they_write_again(self):
        rows = self.by_author(self.listed())
        self.assertExit(self.engage("snooze", rows["erin"]["id"], "--until", "2026-12-05T00:00:00Z"), 0)
        self.assertNotIn("erin@example.social", [r["author"] for r in self.listed("--no-fetch")])
        newest = max(int(n["id"]) for n in self.fake.notifications)
        more = self.fake.status("erin@example.social", "@herald are you there", "2026-12-03T12:30:00.000Z",
                                reply_to=self.ids["erin"], visibility="direct", mention_me=True)
        self.fake.notifications.append({"id": str(newest + 1), "type": "mention",
                                        "created_at": "2026-12-03T12:30:00.000Z",
                                        "account": self.fake.statuses[more]["account"],
                                        "status": self.fake.statuses[more]})
        rows = self.by_author(self.listed(now="2026-12-03T13:00:00Z"))
        self.assertEqual(rows["erin"]["text"], "@herald are you there")
        self.assertEqual(rows["erin"]["waiting"], "2h")  # since her first unanswered message

    def test_reply_lands_in_the_thread_with_the_right_visibility(self):
        rows = self.by_author(self.listed())
        r = self.engage("reply", rows["dave"]["id"], "--text", "Glad it works!")
        self.assertExit(r, 0)
        r = self.engage("reply", rows["erin"]["id"], "--text", "Sure, write to press@example.org")
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^https://social.example/@herald/\d+\n$")
        replies = self.fake.replies()
        self.assertEqual(replies[0], {"status": "@dave@example.social Glad it works!",
                                      "in_reply_to_id": self.ids["dave"], "visibility": "public"})
        self.assertEqual(replies[1], {"status": "@erin@example.social Sure, write to press@example.org",
                                      "in_reply_to_id": self.ids["erin"], "visibility": "direct"})
        authors = [r["author"] for r in self.listed("--no-fetch")]
        self.assertEqual(authors, ["ada@example.social", "bob@example.social"])
        # And the platform agrees on the next fetch.
        authors = [r["author"] for r in self.listed(now="2026-12-03T13:00:00Z")]
        self.assertEqual(authors, ["ada@example.social", "bob@example.social"])

    def test_reply_from_a_file_and_the_editor(self):
        rows = self.by_author(self.listed())
        self.write("reply.txt", "Thank you, Bob!\n")
        self.assertExit(self.engage("reply", rows["bob"]["id"], "--text-file", "reply.txt"), 0)
        editor = self.write("editor.sh", "#!/bin/sh\nprintf 'Yes, FreeBSD works\\n' >> \"$1\"\n")
        editor.chmod(0o755)
        r = self.herald("engage", "reply", rows["ada"]["id"], "--editor", "--now", NOW,
                        env=dict(ENV, VISUAL=str(editor)))
        self.assertExit(r, 0)
        statuses = [reply["status"] for reply in self.fake.replies()]
        self.assertEqual(statuses, ["@bob@example.social Thank you, Bob!",
                                    "@ada@example.social Yes, FreeBSD works"])
        r = self.engage("reply", rows["dave"]["id"])
        self.assertExit(r, 2)
        self.assertIn("give one of --text, --text-file or --editor", r.err)

    def test_open_prints_the_address(self):
        rows = self.by_author(self.listed())
        r = self.engage("open", rows["ada"]["id"])
        self.assertEqual((r.code, r.out), (0, rows["ada"]["url"] + "\n"))
        r = self.engage("open", "zzzzzz")
        self.assertExit(r, 2)
        self.assertIn("no conversation 'zzzzzz'", r.err)

    def test_open_with_the_browser_only_when_asked(self):
        rows = self.by_author(self.listed())
        bin_dir = self.dir / "bin"
        bin_dir.mkdir()
        opener = self.write("bin/xdg-open", f"#!/bin/sh\necho \"$1\" >> {self.dir}/opened\n")
        opener.chmod(0o755)
        path = f"{bin_dir}:{self.env['PATH']}"
        r = self.herald("engage", "open", rows["bob"]["id"], env=dict(ENV, PATH=path))
        self.assertEqual((r.code, r.out), (0, rows["bob"]["url"] + "\n"))
        self.assertFalse((self.dir / "opened").exists())
        r = self.herald("engage", "open", rows["bob"]["id"], "--browser", env=dict(ENV, PATH=path))
        self.assertEqual((r.code, r.out), (0, ""))
        self.assertEqual((self.dir / "opened").read_text(), rows["bob"]["url"] + "\n")


def seed_bluesky(fake):
    p = fake.post
    ids = {}
    ids["post"] = p("alice.test", "Launching herald today", "2026-12-01T09:00:00.000Z")
    ids["ann"] = p("ann.test", "Does it support scheduled threads?", "2026-12-02T12:00:00.000Z", reply_to=ids["post"])
    fake.notify("reply", ids["ann"])
    ben = p("ben.test", "Where are the docs", "2026-12-01T10:00:00.000Z", reply_to=ids["post"])
    fake.notify("reply", ben)
    p("alice.test", "Right here: https://example.org/docs?page=1", "2026-12-01T11:00:00.000Z", reply_to=ben)
    ids["cat"] = p("cat.test", "Does this handle Bluesky threads?", "2026-12-03T10:00:00.000Z", quote=ids["post"])
    fake.notify("quote", ids["cat"])
    dan = p("dan.test", "Neat launch", "2026-12-03T10:30:00.000Z", quote=ids["post"])
    fake.notify("quote", dan)
    ids["eve"] = p("eve.test", "@alice.test nice work", "2026-12-03T09:00:00.000Z", mention_me=True)
    fake.notify("mention", ids["eve"])
    bot = p("botty.test", "@alice.test new post detected?", "2026-12-03T11:00:00.000Z", mention_me=True, bot=True)
    fake.notify("mention", bot)
    # Older than the first fetch's 7-day lookback.
    old = p("old.test", "@alice.test still there?", "2026-11-20T10:00:00.000Z", mention_me=True)
    fake.notify("mention", old)
    fake.notify("like", handle="fan.test", at="2026-12-03T11:10:00.000Z", subject=ids["post"])
    fake.notify("repost", handle="fan.test", at="2026-12-03T11:11:00.000Z", subject=ids["post"])
    fake.notify("follow", handle="fan.test", at="2026-12-03T11:12:00.000Z")
    fake.notes.sort(key=lambda n: n["indexedAt"])
    return ids


class EngageBlueskyTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = FakeBlueskyEngage(page_size=3, password=PASSWORD)
        self.addCleanup(self.fake.stop)
        self.ids = seed_bluesky(self.fake)
        self.write("herald.yaml", SKY.format(url=self.fake.url().rstrip("/")))

    def listed(self, *args, now=NOW):
        r = self.herald("--json", "engage", *args, "--now", now, env=ENV)
        self.assertExit(r, 0)
        return r.json()

    def test_lists_replies_mentions_and_quotes_that_ask(self):
        rows = self.listed()
        self.assertEqual([(r["author"], r["reason"], r["waiting"]) for r in rows], [
            ("ann.test", "question", "1d"),
            ("cat.test", "question", "2h"),
            ("eve.test", "mention", "3h"),
        ])
        self.assertEqual(rows[0]["url"],
                         f"https://bsky.app/profile/ann.test/post/{self.ids['ann'].rsplit('/', 1)[1]}")
        pages = self.fake.calls("app.bsky.notification.listNotifications")
        self.assertEqual(len(pages), 3)
        self.assertEqual(pages[0].query.get("reasons"), ["reply", "mention", "quote"])
        self.assertNotIn("cursor", pages[0].query)
        self.assertEqual(pages[1].query.get("cursor"), ["3"])
        self.assertEqual(pages[2].query.get("cursor"), ["6"])

    def test_a_reply_whose_client_wrote_an_earlier_time_than_our_post_waits(self):
        # Bluesky's createdAt is the client's: our post made with --now ahead of the replier's
        # clock, and a question under it that says it was written two seconds before the post.
        r = self.herald("post", "--to", "sky", "--text", "herald 3.0 is out",
                        "--now", "2026-12-03T12:00:00Z", env=ENV)
        self.assertExit(r, 0)
        ours = self.fake.posts()[-1]["uri"]
        ivy = self.fake.post("ivy.test", "Does 3.0 keep my calendar?", "2026-12-03T11:59:58.000Z",
                             reply_to=ours)
        self.fake.notify("reply", ivy)
        rows = self.listed(now="2026-12-03T12:10:00Z")
        self.assertIn(("ivy.test", "question"), [(r["author"], r["reason"]) for r in rows])

    def test_second_fetch_reads_only_the_new_page(self):
        self.listed()
        before = len(self.fake.calls("app.bsky.notification.listNotifications"))
        gus = self.fake.post("gus.test", "Is there a Matrix bridge?", "2026-12-03T12:10:00.000Z",
                             reply_to=self.ids["post"])
        self.fake.notify("reply", gus)
        rows = self.listed(now="2026-12-03T12:20:00Z")
        later = self.fake.calls("app.bsky.notification.listNotifications")[before:]
        self.assertEqual(len(later), 1)
        self.assertNotIn("cursor", later[0].query)
        self.assertEqual([r["author"] for r in rows], ["ann.test", "cat.test", "gus.test", "eve.test"])

    def test_reply_carries_root_and_parent_refs(self):
        rows = {r["author"]: r for r in self.listed()}
        r = self.herald("engage", "reply", rows["ann.test"]["id"], "--text", "Yes, see https://example.org",
                        "--now", NOW, env=ENV)
        self.assertExit(r, 0)
        record = self.fake.posts()[-1]["value"]
        post, ann = self.fake.graph[self.ids["post"]], self.fake.graph[self.ids["ann"]]
        self.assertEqual(record["reply"], {"root": {"uri": post["uri"], "cid": post["cid"]},
                                           "parent": {"uri": ann["uri"], "cid": ann["cid"]}})
        self.assertEqual(record["text"], "Yes, see https://example.org")
        self.assertEqual(record["facets"][0]["features"][0]["uri"], "https://example.org")
        # Replying to a quote-post: the quote is its own thread's root.
        r = self.herald("engage", "reply", rows["cat.test"]["id"], "--text", "It does",
                        "--now", NOW, env=ENV)
        self.assertExit(r, 0)
        cat = self.fake.graph[self.ids["cat"]]
        self.assertEqual(self.fake.posts()[-1]["value"]["reply"],
                         {"root": {"uri": cat["uri"], "cid": cat["cid"]},
                          "parent": {"uri": cat["uri"], "cid": cat["cid"]}})
        authors = [r["author"] for r in self.listed(now="2026-12-03T13:00:00Z")]
        self.assertEqual(authors, ["eve.test"])


PLUGIN = """
accounts:
  chat:
    platform: exec
    command: [{plugin}]
    options:
      inbox: inbox.json
      log: requests.jsonl
"""


class EngagePluginTest(HeraldTest):
    """An exec plugin with the `conversations` capability (tests/e2e/plugins/chat_inbox.py)."""

    def setUp(self):
        super().setUp()
        plugin = str((Path(__file__).parent / "plugins" / "chat_inbox.py").resolve())
        self.write("herald.yaml", PLUGIN.format(plugin=plugin))
        self.items = [
            {"seq": 1, "remote_id": "c1", "author": "@ada", "text": "Is the API stable?",
             "created_at": "2026-12-03T08:00:00Z", "url": "https://chat.example/c1"},
            {"seq": 2, "remote_id": "c2", "author": "@us", "ours": True, "text": "Hello all",
             "created_at": "2026-12-03T09:00:00Z"},
            {"seq": 3, "remote_id": "c3", "author": "@bob", "text": "thanks for the release",
             "created_at": "2026-12-03T10:00:00Z", "in_reply_to": "c2"},
            {"seq": 4, "remote_id": "c4", "author": "@cy", "text": "just chatting",
             "created_at": "2026-12-03T10:30:00Z", "addressed": False},
            {"seq": 5, "remote_id": "c5", "author": "@bot", "bot": True, "text": "ping?",
             "created_at": "2026-12-03T11:00:00Z"},
        ]
        self.save()

    def save(self):
        self.write("inbox.json", json.dumps(self.items))

    def requests(self):
        return [json.loads(line) for line in (self.dir / "requests.jsonl").read_text().splitlines()]

    def listed(self, now=NOW):
        r = self.herald("--json", "engage", "--now", now, env=ENV)
        self.assertExit(r, 0)
        return r.json()

    def test_conversations_cursor_and_reply(self):
        rows = self.listed()
        self.assertEqual([(r["author"], r["reason"], r["platform"]) for r in rows], [
            ("@ada", "question", "exec"),
            ("@bob", 'reply to your post "Hello all"', "exec"),
        ])
        first = self.requests()[0]
        self.assertEqual(first["type"], "conversations")
        self.assertEqual(first["since"], "2026-11-26T12:00:00Z")
        self.assertNotIn("cursor", first)
        self.items.append({"seq": 6, "remote_id": "c6", "author": "@us", "ours": True,
                           "text": "Yes, since 2.0", "created_at": "2026-12-03T12:05:00Z",
                           "in_reply_to": "c1", "conversation": "c1"})
        self.save()
        rows = self.listed(now="2026-12-03T12:10:00Z")
        self.assertEqual([r["author"] for r in rows], ["@bob"])
        self.assertEqual(self.requests()[-1]["cursor"], "5")
        r = self.herald("engage", "reply", rows[0]["id"], "--text", "You're welcome", "--now", NOW, env=ENV)
        self.assertExit(r, 0)
        self.assertEqual(r.out, "https://chat.example/r-7\n")
        reply = self.requests()[-1]
        self.assertEqual((reply["type"], reply["conversation"], reply["in_reply_to"], reply["text"]),
                         ("reply", "c2", "c3", "You're welcome"))
        self.assertEqual(self.listed(now="2026-12-03T12:20:00Z"), [])


class EngageMastodonTestPostgresql(OnPostgresql, EngageMastodonTest):
    """The same on a PostgreSQL state."""


class EngageBlueskyTestPostgresql(OnPostgresql, EngageBlueskyTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
