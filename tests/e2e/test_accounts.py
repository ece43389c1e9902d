"""herald accounts and herald accounts check, against the loopback fakes."""

from platforms.mastodon.fake import FakeMastodon
from platforms.discord.fake import DiscordFake
from harness import HeraldTest, main

CALENDAR = """
accounts:
  masto:
    platform: mastodon
    url: {masto}
    token_env: MASTODON_TOKEN
  team:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
  outbox:
    platform: stub
    dir: outbox
posts: []
"""


class AccountsTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.masto = FakeMastodon(token="m-s3cret").start()
        self.addCleanup(self.masto.stop)
        self.discord = DiscordFake(token="d-s3cret")
        self.addCleanup(self.discord.stop)
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url))
        self.env = dict(self.env, MASTODON_TOKEN="m-s3cret",
                        DISCORD_WEBHOOK_URL=self.discord.webhook_url())

    def test_list(self):
        r = self.herald("accounts")
        self.assertExit(r, 0)
        self.assertEqual([line.split()[:2] for line in r.out.splitlines()],
                         [["masto", "mastodon"], ["outbox", "stub"], ["team", "discord"]])

    def test_check_every_account_without_publishing(self):
        r = self.herald("accounts", "check")
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        self.assertRegex(lines[0],
                         r"^ok +masto +mastodon +@herald on Mastodon 4\.3\.0 \(the instance "
                         r"allows 500 characters\)$")
        self.assertRegex(lines[1], r"^ok +outbox +stub +writes to /.*/outbox$")
        self.assertRegex(lines[2], r"^ok +team +discord +webhook 'herald releases'$")
        self.assertEqual(self.masto.status_posts(), [])
        self.assertEqual(self.discord.messages, [])

    def test_check_reports_an_instance_limit_that_max_chars_does_not_match(self):
        self.masto.max_chars = 5000
        r = self.herald("accounts", "check")
        self.assertExit(r, 0)
        self.assertIn("@herald on Mastodon 4.3.0 (the instance allows 5000 characters; set "
                      "max_chars: 5000 to check posts against it)", r.out)
        self.assertEqual([q["path"] for q in self.masto.requests("GET")],
                         ["/api/v1/accounts/verify_credentials", "/api/v2/instance"])

    def test_a_refused_credential_fails_the_check(self):
        self.env["MASTODON_TOKEN"] = "wrong"
        self.env["DISCORD_WEBHOOK_URL"] = self.discord.webhook_url(token="wrong")
        r = self.herald("--json", "accounts", "check")
        self.assertExit(r, 1)
        checks = {c["account"]: c for c in r.json_lines()}
        self.assertFalse(checks["masto"]["ok"])
        self.assertEqual(checks["masto"]["detail"],
                         "auth: mastodon: GET /api/v1/accounts/verify_credentials: HTTP 401: "
                         "The access token is invalid")
        self.assertFalse(checks["team"]["ok"])
        self.assertIn("HTTP 401: Invalid Webhook Token", checks["team"]["detail"])
        self.assertTrue(checks["outbox"]["ok"])
        self.assertNotIn("wrong", r.out + r.err)

    def test_an_unset_credential_fails_that_account_only(self):
        del self.env["MASTODON_TOKEN"]
        r = self.herald("accounts", "check")
        self.assertExit(r, 1)
        self.assertEqual(r.err, "")
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "failed      masto            mastodon   not checked: "
                                   "environment variable MASTODON_TOKEN (token_env) is not set")
        self.assertRegex(lines[1], r"^ok +outbox +stub ")
        self.assertRegex(lines[2], r"^ok +team +discord +webhook 'herald releases'$")
        self.assertEqual(self.masto.requests("GET"), [])


# Port 1 on loopback: nothing listens there, so every connection is refused.
UNREACHABLE = """
accounts:
  masto:
    platform: mastodon
    url: http://127.0.0.1:1
    token_env: TOKEN
  sky:
    platform: bluesky
    url: http://127.0.0.1:1
    handle: herald.test
    password_env: TOKEN
  team:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
  chat:
    platform: slack
    url: http://127.0.0.1:1/api
    token_env: TOKEN
    channel: C0HERALD
  tg:
    platform: telegram
    url: http://127.0.0.1:1
    token_env: TOKEN
    chat: "@herald"
  hook:
    platform: webhook
    url: http://127.0.0.1:1/hook?key=k3y-s3cret
posts: []
"""


class UnreachableTest(HeraldTest):
    """A failed request is named once, with its URL (query values and secrets masked), then why:
    not "POST /api/v1/statuses: POST http://.../api/v1/statuses: ..."."""

    def setUp(self):
        super().setUp()
        self.write("herald.yaml", UNREACHABLE)
        self.env = dict(self.env, TOKEN="t0ken-s3cret",
                        DISCORD_WEBHOOK_URL="http://127.0.0.1:1/api/webhooks/1/w3bhook-s3cret")

    def assert_said_once(self, detail, platform, method, url):
        self.assertTrue(detail.startswith(f"{platform}: {method} {url}"), detail)
        self.assertEqual(detail.count("GET ") + detail.count("POST "), 1, detail)
        self.assertIn(": Couldn't connect to server", detail)
        self.assertNotIn("s3cret", detail)

    def test_accounts_check(self):
        r = self.herald("--json", "accounts", "check")
        self.assertExit(r, 1)
        details = {c["account"]: c["detail"] for c in r.json_lines()}
        base = "http://127.0.0.1:1"
        self.assert_said_once(details["masto"], "mastodon", "GET",
                              f"{base}/api/v1/accounts/verify_credentials")
        self.assert_said_once(details["sky"], "bluesky", "POST",
                              f"{base}/xrpc/com.atproto.server.createSession")
        self.assert_said_once(details["team"], "discord", "GET", f"{base}/api/webhooks/1/***")
        self.assert_said_once(details["chat"], "slack", "POST", f"{base}/api/auth.test")
        self.assert_said_once(details["tg"], "telegram", "GET", f"{base}/bot***/getMe")
        hook = [c for c in r.json_lines() if c["account"] == "hook"][0]
        self.assertEqual((hook["ok"], hook["status"], hook["detail"]),
                         (True, "not checked", "a webhook cannot be checked without posting to it"))

    def test_post(self):
        r = self.herald("--json", "post", "--to", "masto,sky,team,chat,tg,hook", "--text", "hi",
                        "--now", "2026-12-01T12:00:00Z")
        self.assertExit(r, 1)
        errors = {line["account"]: line["error"] for line in r.json_lines()}
        base = "http://127.0.0.1:1"
        # Before a first attempt at a one-off post, herald looks for an earlier copy where
        # the platform can be asked: those lookups are the requests that fail.
        self.assert_said_once(errors["masto"], "not-sent: mastodon", "GET",
                              f"{base}/api/v1/accounts/verify_credentials")
        self.assert_said_once(errors["sky"], "not-sent: bluesky", "POST",
                              f"{base}/xrpc/com.atproto.server.createSession")
        self.assert_said_once(errors["team"], "not-sent: discord", "POST",
                              f"{base}/api/webhooks/1/***?wait=true")
        self.assert_said_once(errors["chat"], "not-sent: slack", "GET",
                              f"{base}/api/conversations.history?channel=C0HERALD&")
        self.assert_said_once(errors["tg"], "not-sent: telegram", "POST",
                              f"{base}/bot***/sendMessage")
        self.assert_said_once(errors["hook"], "not-sent: webhook", "POST",
                              f"{base}/hook?key=***")

if __name__ == "__main__":
    main()
