"""Servers that speak the Mastodon API but are not Mastodon (GoToSocial, Pixelfed, Akkoma,
Pleroma), against the Mastodon fake in each server kind's mode (fake.py): what herald learns of
them, what `flavor:` changes in validate, publishing and recovery."""

import json

from platforms.mastodon.fake import FakeMastodon
from harness import main
from platform_suite import PlatformTest

TOKEN = "s3cr3t-token"

ACCOUNT = """
accounts:
  fedi:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
{extra}"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [fedi]
    text: {text}
"""

DUE = "2026-12-01T08:00:00Z"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


class FlavorTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.secrets = {"MASTODON_TOKEN": TOKEN}

    def serve(self, kind):
        return self.start_fake(FakeMastodon(token=TOKEN, kind=kind, async_media=False).start())

    def calendar(self, extra="", text='"herald 2.0 is out"', posts=None):
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url, extra=extra)
                   + (posts if posts is not None else POST.format(text=text)))
        return self.herald("validate", env=self.secrets)

    def test_accounts_check_names_each_kind_and_the_flavor_to_set(self):
        expected = {
            "mastodon": r"@herald on Mastodon 4\.3\.0 \(the instance allows 500 characters\)",
            "gotosocial": r"@herald on GoToSocial 0\.17\.3; set flavor: gotosocial so that "
                          r"validate and recovery know \(the instance allows 5000 characters; "
                          r"set max_chars: 5000",
            "akkoma": r"@herald on Akkoma 3\.13\.2; set flavor: akkoma .*allows 5000 characters",
            "pleroma": r"@herald on Pleroma 2\.6\.3; set flavor: pleroma",
            "pixelfed": r"@herald on Pixelfed 0\.12\.3; set flavor: pixelfed",
        }
        for kind, pattern in expected.items():
            with self.subTest(kind=kind):
                self.serve(kind)
                self.calendar()
                r = self.herald("accounts", "check", env=self.secrets)
                self.assertExit(r, 0)
                self.assertRegex(r.out, pattern)
                self.assertNotIn(TOKEN, r.out + r.err)
                # The documents about the server are public: no token goes with them.
                for request in self.fake.requests("GET"):
                    if "instance" in request["path"] or "nodeinfo" in request["path"]:
                        self.assertNotIn("authorization", request["headers"])

    def test_a_flavor_set_by_hand_that_the_server_denies_is_said(self):
        self.serve("gotosocial")
        self.calendar(extra="    flavor: akkoma\n")
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertRegex(r.out, r"on GoToSocial 0\.17\.3; the server is not Akkoma: set flavor: "
                                r"gotosocial")

    def test_validate_knows_each_flavor(self):
        self.serve("mastodon")
        long_text = "x" * 1000
        # 5,000 characters on GoToSocial, Akkoma and Pleroma; 500 on Mastodon and Pixelfed.
        self.assertExit(self.calendar(extra="    flavor: gotosocial\n", text=long_text), 0)
        r = self.calendar(text=long_text)
        self.assertExit(r, 2)
        self.assertIn("1000 characters", r.err)
        # Pixelfed posts are photos: a post without media is refused where it is written.
        r = self.calendar(extra="    flavor: pixelfed\n")
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald\.yaml:\d+:\d+: .*Pixelfed posts are photos or videos")
        self.write("media/shot.png", PNG)
        self.assertExit(self.calendar(extra="    flavor: pixelfed\n", posts="""
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [fedi]
    text: a photo
    media:
      - file: media/shot.png
        alt: A screenshot
"""), 0)
        r = self.calendar(extra="    flavor: friendica\n")
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald\.yaml:6:\d+: .*'flavor' must be mastodon, gotosocial, "
                                r"pixelfed, akkoma or pleroma")
        r = self.calendar(extra="    flavor: mastodon\n    content_type: text/markdown\n")
        self.assertExit(r, 2)
        self.assertIn("Mastodon takes no 'content_type'", r.err)
        r = self.calendar(extra="    content_type: text/rtf\n")
        self.assertExit(r, 2)
        self.assertIn("'content_type' must be text/plain, text/markdown or text/html", r.err)

    def test_akkoma_gets_the_content_type(self):
        self.serve("akkoma")
        self.assertExit(self.calendar(extra="    flavor: akkoma\n    content_type: text/markdown\n",
                                      text='"**herald** 2.0"'), 0)
        self.assertExit(self.run_at(DUE), 0)
        [status] = self.fake.statuses.values()
        self.assertEqual(status["content_type"], "text/markdown")

    def test_gotosocial_by_hand_is_recovered_by_search_not_resent(self):
        # GoToSocial ignores Idempotency-Key: the job left `sending` by a crash after the post
        # went out is found among the account's statuses instead of being sent again.
        self.serve("gotosocial")
        self.assertExit(self.calendar(extra="    flavor: gotosocial\n"), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [status] = self.fake.statuses.values()
        self.assertEqual((line["status"], line["id"]), ("posted", status["id"]))
        self.assertEqual(len(self.fake.status_posts()), 1)

    def test_gotosocial_found_out_at_run_time_looks_before_it_resends(self):
        # Without flavor:, recovery took the account as Mastodon and resends; herald learns
        # that the server ignores the key before the first post, and looks first.
        self.serve("gotosocial")
        self.assertExit(self.calendar(), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [status] = self.fake.statuses.values()
        self.assertEqual(r.json_lines()[0]["id"], status["id"])
        self.assertEqual(len(self.fake.status_posts()), 1)

    def test_what_the_server_is_is_asked_once_a_day_not_on_every_run(self):
        self.serve("akkoma")
        self.calendar(posts=POST.format(text="first") + """  - id: later
    at: 2026-12-01T09:00:00Z
    to: [fedi]
    text: second
""")
        def asked():
            return [q["path"] for q in self.fake.requests("GET")
                    if "instance" in q["path"] or "nodeinfo" in q["path"]]
        self.assertExit(self.run_at(DUE), 0)
        self.assertEqual(asked(), ["/api/v2/instance", "/api/v1/instance"])
        kept = self.state.parent / "mastodon"
        [file] = list(kept.glob("*.json"))
        self.assertEqual(file.stat().st_mode & 0o777, 0o600)
        self.assertEqual(json.loads(file.read_text())["flavor"], "akkoma")
        self.assertExit(self.run_at("2026-12-01T09:00:00Z"), 0)
        self.assertEqual(len(asked()), 2)  # the second run knew
        # accounts check always asks the server itself.
        self.assertExit(self.herald("accounts", "check", env=self.secrets), 0)
        self.assertEqual(len(asked()), 4)
        # A day later the kept answer is stale and the server is asked again.
        stored = json.loads(file.read_text())
        stored["checked_at"] -= 86400
        file.write_text(json.dumps(stored))
        self.assertExit(self.herald("post", "--to", "fedi", "--text", "third", env=self.secrets), 0)
        self.assertEqual(len(asked()), 6)

    def test_the_instance_media_limit_is_said_and_kept_before_anything_is_uploaded(self):
        self.start_fake(FakeMastodon(token=TOKEN, kind="gotosocial", async_media=False,
                                     max_media=2).start())
        for name in ("a", "b", "c"):
            self.write(f"media/{name}.png", PNG)
        self.calendar(posts="""
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [fedi]
    text: three pictures
    media:
      - file: media/a.png
        alt: one
      - file: media/b.png
        alt: two
      - file: media/c.png
        alt: three
""")
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertRegex(r.out, r"on GoToSocial 0\.17\.3; set flavor: gotosocial .*; 2 media a "
                                r"post")
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertIn("3 media, the instance takes at most 2 a post", r.out)
        self.assertEqual(self.fake.requests("POST", "/api/v2/media"), [])
        self.assertEqual(self.fake.statuses, {})

    def test_a_thread_cut_on_a_server_without_keys_goes_to_a_person(self):
        self.serve("gotosocial")
        self.calendar(extra="    flavor: gotosocial\n", posts="""
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [fedi]
    thread:
      - text: "1/ first"
      - text: "2/ second"
""")
        # Part 1 goes out; part 2 is rate-limited, which alone would wait and send again.
        self.fake.fail("/api/v1/statuses", count=1, status=429)
        self.fake.faults["/api/v1/statuses"].insert(0, None)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertIn("part 2 of 2", r.out)
        self.assertEqual(len(self.fake.statuses), 1)
        self.assertEqual(self.job("launch/fedi")["state"], "unknown")
        self.assertExit(self.run_at("2026-12-01T09:00:00Z"), 0)
        self.assertEqual(len(self.fake.statuses), 1)


if __name__ == "__main__":
    main()
