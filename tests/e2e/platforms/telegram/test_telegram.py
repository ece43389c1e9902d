"""The telegram platform against a loopback fake of the Bot API (fake_telegram.py)."""

import datetime
import json

from platforms.telegram.fake import TelegramFake
from harness import main
from platform_suite import PlatformTest

TOKEN = "123456789:AAF-fake_s3cret_token"
PUBLIC = "@herald_news"  # chat -1001111111111, a public channel
PRIVATE = "-1002222222222"  # a private supergroup

CALENDAR = """
timezone: UTC
accounts:
  tg:
    platform: telegram
    token_env: TELEGRAM_TOKEN
    chat: "{chat}"
    url: {url}
{extra}
defaults:
  to: [tg]
posts:
  - id: launch
    at: {at}
{body}
"""

TEXT = '    text: "herald 2.0 is out <b>not bold</b> & caf\\u00e9"\n'
THREAD = """    thread:
      - text: one
      - text: two
      - text: three
"""

BEFORE = "2026-11-30T12:00:00Z"
DUE = "2026-12-01T09:00:10Z"


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class TelegramTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(TelegramFake(token=TOKEN))
        self.secrets = {"TELEGRAM_TOKEN": TOKEN}

    def calendar(self, body=TEXT, chat=PUBLIC, extra="", at="2026-12-01 09:00"):
        self.write_calendar(CALENDAR, chat=chat, url=self.fake.url(), at=at, extra=extra, body=body)

    def job(self, name="launch/tg"):
        return super().job(name)

    def sends(self):
        return [r for r in self.fake.requests if "/send" in r.path]

    def test_post_to_a_public_channel(self):
        self.calendar()
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual((request.method, request.path), ("POST", f"/bot{TOKEN}/sendMessage"))
        # Plain text by default: no parse_mode, so the markup is sent as written.
        self.assertEqual(request.json, {"chat_id": PUBLIC,
                                        "text": "herald 2.0 is out <b>not bold</b> & caf\u00e9"})
        [message] = self.fake.messages
        url = f"https://t.me/herald_news/{message['message_id']}"
        self.assertRegex(r.out, r"^posted +launch/tg  " + url.replace(".", r"\.") + "\n$")
        job = self.job()
        self.assertEqual((job["state"], job["id"], job["url"]),
                         ("posted", f"-1001111111111/{message['message_id']}", url))
        self.assertEqual(self.run_at("2026-12-01T09:05:00Z").out, "")
        self.assertEqual(len(self.fake.requests), 1)

    def test_private_supergroup_link_and_settings(self):
        self.calendar(chat=PRIVATE, extra="    parse_mode: HTML\n    silent: true\n")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.json["chat_id"], int(PRIVATE))
        self.assertEqual(request.json["parse_mode"], "HTML")
        self.assertIs(request.json["disable_notification"], True)
        [message] = self.fake.messages
        self.assertEqual(self.job()["url"], f"https://t.me/c/2222222222/{message['message_id']}")

    def test_thread_parts_reply_to_the_part_before(self):
        self.calendar(THREAD)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        ids = [m["message_id"] for m in self.fake.messages]
        self.assertEqual([m["text"] for m in self.fake.messages], ["one", "two", "three"])
        self.assertEqual([m["reply_to"] for m in self.fake.messages], [None, ids[0], ids[1]])
        self.assertEqual([q.json.get("reply_parameters") for q in self.fake.requests],
                         [None, {"message_id": ids[0]}, {"message_id": ids[1]}])
        self.assertEqual(self.job()["id"], f"-1001111111111/{ids[0]}")

    def test_photo_with_caption_and_no_alt_text(self):
        self.write("pic.png", b"\x89PNG\r\n\x1a\nfake-image")
        self.calendar("""    text: "a picture \\u2603"
    media:
      - file: pic.png
        alt: a red kite
""")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.path, f"/bot{TOKEN}/sendPhoto")
        self.assertTrue(request.headers["content-type"].startswith("multipart/form-data"))
        self.assertEqual([p["name"] for p in request.parts], ["chat_id", "caption", "photo"])
        self.assertEqual(request.part("caption")["data"].decode(), "a picture \u2603")
        photo = request.part("photo")
        self.assertEqual((photo["filename"], photo["content_type"], photo["data"]),
                         ("pic.png", "image/png", b"\x89PNG\r\n\x1a\nfake-image"))
        self.assertNotIn(b"red kite", request.body)  # Telegram has no alt text
        [message] = self.fake.messages
        self.assertEqual(message["caption"], "a picture \u2603")

    def test_several_pictures_go_as_one_media_group(self):
        self.write("one.jpg", b"\xff\xd8\xffone")
        self.write("two.jpg", b"\xff\xd8\xfftwo")
        self.calendar("""    text: two pictures
    media:
      - file: one.jpg
        alt: first
      - file: two.jpg
        alt: second
""")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.path, f"/bot{TOKEN}/sendMediaGroup")
        media = json.loads(request.part("media")["data"])
        self.assertEqual(media, [
            {"type": "photo", "media": "attach://file0", "caption": "two pictures"},
            {"type": "photo", "media": "attach://file1"},
        ])
        self.assertEqual(request.part("file1")["data"], b"\xff\xd8\xfftwo")
        self.assertEqual(len(self.fake.messages), 2)
        self.assertEqual(self.job()["id"], f"-1001111111111/{self.fake.messages[0]['message_id']}")

    def test_429_reschedules_at_retry_after(self):
        # herald clamps a server's wait against the wall clock, so this test runs at real time.
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        due = now.replace(second=0)
        self.calendar(at=due.strftime("%Y-%m-%d %H:%M"))
        self.run_at((due - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.fake.flood_next(1, 35)
        r = self.run_at(now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual(job["state"], "retry-wait")
        self.assertEqual(job["error"], "rate-limited: telegram: sendMessage: HTTP 429: "
                                       "Too Many Requests: retry after 35")
        self.assertEqual(utc(job["next_attempt"]) - now, datetime.timedelta(seconds=35))
        self.assertEqual(self.fake.messages, [])
        # Not before the time Telegram gave; at that time it goes out.
        early = utc(job["next_attempt"]) - datetime.timedelta(seconds=5)
        self.assertEqual(self.run_at(early.strftime("%Y-%m-%dT%H:%M:%SZ")).out, "")
        r = self.run_at(job["next_attempt"])
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.messages), 1)

    def test_server_error_is_unknown_never_resent(self):
        self.calendar()
        self.run_at(BEFORE)
        self.fake.fail_next(1, 502, headers={"Content-Type": "text/html"}, body="Bad Gateway")
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/tg  maybe-sent: telegram: sendMessage: HTTP 502")
        self.assertEqual(self.job()["state"], "unknown")
        self.run_at("2026-12-01T09:30:00Z")
        self.assertEqual(len(self.fake.requests), 1)

    def test_dropped_connection_is_unknown(self):
        self.calendar()
        self.run_at(BEFORE)
        self.fake.drop_next(1)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertEqual(self.job()["state"], "unknown")

    def test_crash_after_send_is_unknown_not_resent(self):
        self.calendar()
        self.run_at(BEFORE)
        r = self.herald("run", "--now", DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        self.assertEqual(len(self.fake.messages), 1)
        r = self.run_at("2026-12-01T09:30:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/tg")
        self.assertEqual(len(self.fake.requests), 1)

    def test_unreachable_api_is_retried_then_fails(self):
        self.fake.stop()
        self.calendar()
        self.run_at(BEFORE)
        r = self.run_at(DUE)
        self.assertRegex(r.out, r"retry-wait +launch/tg  not-sent: .*attempt 1 of 5")
        for _ in range(2, 6):
            r = self.run_at(self.job()["next_attempt"])
            self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/tg  not-sent: ")
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_wrong_token_fails_as_auth_and_is_never_shown(self):
        self.calendar()
        self.run_at(BEFORE)
        wrong = "987654321:AAwr0ng_t0ken"
        r = self.run_at(DUE, verbose=True, env={"TELEGRAM_TOKEN": wrong})
        self.assertExit(r, 1)
        job = self.job()
        self.assertEqual((job["state"], job["error"]),
                         ("failed", "auth: telegram: sendMessage: HTTP 401: Unauthorized"))
        self.assertIn("/bot***/sendMessage", r.err)  # the -v log is there, masked
        self.assertNotIn(wrong, r.out + r.err)
        self.assertNotIn("AAwr0ng_t0ken", r.out + r.err)

    def test_unknown_chat_fails_with_telegrams_description(self):
        self.calendar(chat="-1003333333333")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertEqual(self.job()["error"],
                         "permanent: telegram: sendMessage: HTTP 400: Bad Request: chat not found")

    def test_verbose_run_never_shows_the_token(self):
        self.write("pic.png", b"\x89PNG\r\n\x1a\nfake-image")
        self.calendar("""    thread:
      - text: one
      - text: two
        media:
          - file: pic.png
            alt: x
""")
        r = self.run_at(BEFORE, DUE, verbose=True)
        self.assertExit(r, 0)
        self.assertIn("sendPhoto", r.err)
        self.assertNotIn(TOKEN, r.out + r.err)
        self.assertNotIn("fake_s3cret_token", r.out + r.err)
        self.assertNotIn(TOKEN, self.herald("--json", "history").out)

    def test_accounts_check(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^ok +tg +telegram +@herald_bot, chat 'Herald News'\n$")
        self.assertEqual(self.sends(), [])
        self.calendar(chat="-1003333333333")
        r = self.herald("--json", "accounts", "check", env=self.secrets)
        self.assertExit(r, 1)
        [check] = r.json_lines()
        self.assertEqual(check["detail"],
                         "telegram: getChat: HTTP 400: Bad Request: chat not found")
        r = self.herald("--json", "accounts", "check", env={"TELEGRAM_TOKEN": "1:bad"})
        self.assertExit(r, 1)
        [check] = r.json_lines()
        self.assertEqual(check["detail"], "auth: telegram: getMe: HTTP 401: Unauthorized")
        self.assertNotIn("1:bad", r.out + r.err)

    def test_validate_reports_a_missing_variable_and_bad_settings(self):
        self.calendar(extra="    parse_mode: markdownv2\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:16: error: account 'tg': environment variable "
                      "TELEGRAM_TOKEN (token_env) is not set", r.err)
        self.assertIn("herald.yaml:8:17: error: account 'tg': 'parse_mode' must be HTML, "
                      "MarkdownV2 or Markdown", r.err)
        self.calendar(chat="herald news")
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:6:11: error: account 'tg': 'chat' must be a numeric chat id "
                      "(-1001234567890) or @channelname", r.err)
        self.calendar()
        self.assertExit(self.herald("validate", env=self.secrets), 0)

    def test_validate_text_and_caption_limits(self):
        self.write("pic.png", b"\x89PNG\r\n\x1a\nfake-image")
        self.calendar("""    thread:
      - text: "{long_text}"
      - text: "{caption}"
        media:
          - file: pic.png
            alt: x
      - text: "{fits}"
""".format(long_text="x" * 4097, caption="y" * 1025, fits="z" * 1025))
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("part 1 of post 'launch' is too long for account 'tg' (telegram): text is "
                      "4097 UTF-16 code units, the limit is 4096", r.err)
        self.assertIn("part 2 of post 'launch' is too long for account 'tg' (telegram): text is "
                      "1025 UTF-16 code units, the limit is 1024", r.err)
        self.assertNotIn("part 3", r.err)  # without media, 1025 is fine
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 2)
        self.assertEqual(self.fake.requests, [])

    def test_validate_media_telegram_cannot_send(self):
        self.write("anim.gif", b"GIF89a")
        for n in range(11):
            self.write(f"p{n}.jpg", b"\xff\xd8\xff")
        files = "".join(f"      - file: p{n}.jpg\n        alt: x\n" for n in range(11))
        self.calendar("""    thread:
      - text: a gif
        media:
          - file: anim.gif
            alt: x
      - text: eleven
        media:
""" + files.replace("      - ", "          - ").replace("        alt", "            alt"))
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("part 1 of post 'launch' cannot go to account 'tg' (telegram): 'anim.gif' "
                      "(image/gif) cannot be sent", r.err)
        self.assertIn("part 2 of post 'launch' cannot go to account 'tg' (telegram): 11 media "
                      "files in one message; Telegram takes at most 10", r.err)


    def test_a_server_that_echoes_the_token_never_gets_it_printed_or_stored(self):
        # Issue 19, item 4: an error answer that quotes the request's path (with the token).
        self.calendar()
        self.run_at(BEFORE)
        self.fake.echo_next(3, 400, lambda request: {
            "ok": False, "error_code": 400,
            "description": f"Bad Request: {request.path} ({TOKEN})"})
        r = self.herald("--json", "run", "--now", DUE, env=self.secrets)
        self.assertExit(r, 1)
        [line] = r.json_lines()
        self.assertIn("HTTP 400: Bad Request: /bot***/sendMessage (***)", line["error"])
        stored = [row[0] for row in self.state_rows("SELECT error FROM jobs")]
        for text in (r.out, r.err, json.dumps(self.job()), *stored):
            self.assertNotIn(TOKEN, text)
        self.assertNotIn("AAF-fake_s3cret_token", r.out + r.err)


if __name__ == "__main__":
    main()
