"""The matrix platform against a loopback fake homeserver (platforms/matrix/fake.py)."""

import json
import re
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.matrix.fake import MatrixFake

TOKEN = "mx-s3cret-t0ken"
ROOM = "!launch:example.org"

ACCOUNT = """
accounts:
  mx:
    platform: matrix
    url: {url}
    token_env: MATRIX_TOKEN
    room: "{room}"
"""

POST = """
posts:
  - id: launch
    at: {at}
    to: [mx]
    text: {text}
"""

THREAD = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [mx]
    thread:
      - text: "1/ first"
      - text: "2/ second"
      - text: "3/ third"
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
MAX_BODY_BYTES = 5120


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class MatrixTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(MatrixFake(token=TOKEN, room_id=ROOM))
        self.secrets = {"MATRIX_TOKEN": TOKEN}

    def calendar(self, posts=None, room=ROOM, text='"herald 2.0 is out"', at=DUE):
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"), room=room)
                   + (posts if posts is not None else POST.format(text=text, at=at)))
        return self.herald("validate", env=self.secrets)

    def sends(self):
        return [r for r in self.fake.requests
                if r.method == "PUT" and "/send/m.room.message/" in r.path]

    def test_a_post_is_an_m_text_with_its_formatted_body_and_a_matrix_to_link(self):
        self.assertExit(self.calendar(text='"a <b> & c\\nsee https://example.com/x?a=1&b=2"'), 0)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        [event] = self.fake.events()
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", event["event_id"]))
        self.assertEqual(line["url"], "https://matrix.to/#/%21launch%3Aexample.org/%24"
                         + event["event_id"][1:])
        self.assertEqual(event["content"], {
            "msgtype": "m.text",
            "body": "a <b> & c\nsee https://example.com/x?a=1&b=2",
            "format": "org.matrix.custom.html",
            "formatted_body": 'a &lt;b&gt; &amp; c<br/>see <a href="https://example.com/x?a=1'
                              '&amp;b=2">https://example.com/x?a=1&amp;b=2</a>',
        })
        [send] = self.sends()
        self.assertEqual(send.headers["authorization"], "Bearer " + TOKEN)
        # The txnId is the job's idempotency key, part 0, event 0.
        key = self.idempotency_key("launch/mx")
        self.assertTrue(send.path.endswith("/send/m.room.message/" + key + ".0.0"), send.path)

    def test_an_alias_is_resolved_once_per_run(self):
        self.fake.aliases["#news:example.org"] = ROOM
        self.assertExit(self.calendar(THREAD.replace("at: 2026", "at: 2026"),
                                      room="#news:example.org"), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        self.assertEqual(len(self.fake.events()), 3)
        self.assertEqual(len(self.fake.calls("GET", "/_matrix/client/v3/directory/room/")), 1)

    def test_an_unknown_alias_fails_without_sending(self):
        self.assertExit(self.calendar(room="#nowhere:example.org"), 0)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertIn("M_NOT_FOUND", r.out)
        self.assertEqual(self.sends(), [])

    def test_a_thread_is_a_root_and_m_thread_relations_each_replying_to_the_one_before(self):
        self.assertExit(self.calendar(THREAD), 0)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        one, two, three = self.fake.events()
        self.assertNotIn("m.relates_to", one["content"])
        self.assertEqual(two["content"]["m.relates_to"], {
            "rel_type": "m.thread", "event_id": one["event_id"], "is_falling_back": True,
            "m.in_reply_to": {"event_id": one["event_id"]}})
        self.assertEqual(three["content"]["m.relates_to"], {
            "rel_type": "m.thread", "event_id": one["event_id"], "is_falling_back": True,
            "m.in_reply_to": {"event_id": two["event_id"]}})
        [line] = r.json_lines()
        self.assertEqual(line["id"], one["event_id"])

    def test_a_thread_cut_after_its_first_part_is_resent_whole_and_deduplicated(self):
        self.assertExit(self.calendar(THREAD), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        # Part 1 goes out; part 2's answer is a 502.
        original = self.fake.handle
        sent = []

        def fail_second(request):
            if request.method == "PUT" and "/send/" in request.path:
                sent.append(request)
                if len(sent) == 2:
                    return 502, {"Content-Type": "application/json"}, b"{}"
            return original(request)

        self.fake.handle = fail_second
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +story/mx  maybe-sent: matrix: PUT .*HTTP 502"
                                r".*part 2 of 3; the thread starts at https://matrix.to/")
        self.assertEqual(len(self.fake.events()), 1)
        self.fake.handle = original
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        one, two, three = self.fake.events()
        # Part 1 was resent under its txnId: the same event, not a second root.
        self.assertEqual(self.fake.dedupes, 1)
        self.assertEqual(r.json_lines()[0]["id"], one["event_id"])
        self.assertEqual(two["content"]["m.relates_to"]["event_id"], one["event_id"])
        self.assertEqual(three["content"]["m.relates_to"]["m.in_reply_to"]["event_id"],
                         two["event_id"])

    def test_an_image_is_uploaded_and_sent_as_m_image_with_its_alt_text(self):
        self.write("media/shot.png", PNG)
        posts = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [mx]
    text: "the plan"
    media:
      - file: media/shot.png
        alt: The plan view
"""
        self.assertExit(self.calendar(posts), 0)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        text, image = self.fake.events()
        self.assertEqual(text["content"]["body"], "the plan")
        [(uri, (data, content_type, filename))] = self.fake.media.items()
        self.assertEqual((data, content_type, filename), (PNG, "image/png", "shot.png"))
        self.assertEqual(image["content"], {
            "msgtype": "m.image", "body": "The plan view", "url": uri,
            "info": {"mimetype": "image/png", "size": len(PNG)}})
        self.assertEqual(r.json_lines()[0]["id"], text["event_id"])

    def test_a_threads_images_are_in_the_thread_after_the_first_part(self):
        self.write("media/one.png", PNG)
        self.write("media/two.png", PNG)
        posts = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [mx]
    thread:
      - text: "1/ first"
        media:
          - file: media/one.png
            alt: The first
      - text: "2/ second"
        media:
          - file: media/two.png
            alt: The second
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        root, image_one, two, image_two = self.fake.events()
        # The first part's image stands beside the root.
        self.assertNotIn("m.relates_to", image_one["content"])
        self.assertEqual(image_one["content"]["body"], "The first")
        thread = {"rel_type": "m.thread", "event_id": root["event_id"], "is_falling_back": True}
        self.assertEqual(two["content"]["m.relates_to"],
                         dict(thread, **{"m.in_reply_to": {"event_id": root["event_id"]}}))
        self.assertEqual(image_two["content"]["m.relates_to"],
                         dict(thread, **{"m.in_reply_to": {"event_id": two["event_id"]}}))
        self.assertEqual(image_two["content"]["body"], "The second")
        # Each event its own txnId: part.event.
        paths = [r.path.rsplit(".", 2)[-2:] for r in self.sends()]
        self.assertEqual(paths, [["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]])

    def test_an_image_over_the_homeservers_limit_fails_before_anything_is_sent(self):
        self.write("media/one.png", PNG)
        self.write("media/big.png", PNG + b"\0" * 100)
        posts = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [mx]
    thread:
      - text: "1/ first"
        media:
          - file: media/one.png
            alt: The first
      - text: "2/ second"
        media:
          - file: media/big.png
            alt: Too big
"""
        self.fake.upload_size = len(PNG) + 50
        self.assertExit(self.calendar(posts), 0)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +story/mx  permanent: matrix: big.png is 167 bytes, the "
                                r"homeserver takes at most 117 \(m.upload.size\) \(part 2 of 2\)")
        self.assertEqual((self.fake.events(), self.fake.media), ([], {}))

    def test_an_upload_that_fails_sends_no_event_and_is_retried(self):
        self.write("media/one.png", PNG)
        self.write("media/two.png", PNG)
        posts = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [mx]
    thread:
      - text: "1/ first"
      - text: "2/ second"
        media:
          - file: media/two.png
            alt: The second
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        original = self.fake.handle

        def fail_upload(request):
            if request.path == "/_matrix/media/v3/upload":
                return 502, {"Content-Type": "application/json"}, b"{}"
            return original(request)

        self.fake.handle = fail_upload
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +story/mx  not-sent: matrix: POST "
                                r"/_matrix/media/v3/upload: HTTP 502 \(part 2 of 2\)")
        self.assertEqual(self.fake.events(), [])
        self.fake.handle = original
        self.assertExit(self.run_at("2026-12-01T08:10:00Z"), 0)
        self.assertEqual(len(self.fake.events()), 3)

    def test_validate_measures_the_body_in_bytes_and_refuses_other_media(self):
        self.assertExit(self.calendar(text='"' + "x" * MAX_BODY_BYTES + '"'), 0)
        r = self.calendar(text='"' + "é" * (MAX_BODY_BYTES // 2) + 'x"')
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"too long for account 'mx' \(matrix\): text is 5121 bytes in "
                                r"UTF-8, the limit is 5120")
        self.write("media/clip.mp4", b"\0\0\0\x18ftypmp42")
        r = self.calendar("""
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [mx]
    text: "a clip"
    media:
      - file: media/clip.mp4
""")
        self.assertExit(r, 2)
        self.assertIn("clip.mp4 is not an image; herald sends Matrix images only", r.err)

    def test_a_worst_case_body_at_the_limit_is_accepted_by_the_homeserver(self):
        # A link of '&': the most a body can grow in the event's JSON (11 bytes a byte).
        link = "https://a.example/?" + "&" * (MAX_BODY_BYTES - 19)
        self.assertExit(self.calendar(text='"' + link + '"'), 0)
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.events()), 1)

    def _limited(self, retry_after_ms, header, wait):
        # herald clamps a wait against the wall clock, so this runs at the real time.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        due = now - timedelta(minutes=1)
        self.assertExit(self.calendar(at=iso(due)), 0)
        self.assertExit(self.run_at(iso(due - timedelta(hours=1))), 0)
        self.fake.limit_next(1, retry_after_ms, header)
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/mx  rate-limited: matrix: PUT .*HTTP 429: "
                                r"M_LIMIT_EXCEEDED: Too Many Requests .*next at "
                                + re.escape(iso(now + wait)))
        self.assertEqual(self.job("launch/mx")["next_attempt"], iso(now + wait))
        self.assertEqual(self.fake.events(), [])
        r = self.run_at(iso(now + wait))
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.events()), 1)

    def test_429_waits_retry_after_ms(self):
        self._limited(90_500, None, timedelta(seconds=91))

    def test_429_prefers_the_retry_after_header(self):
        self._limited(5_000, 300, timedelta(seconds=300))

    def test_a_lost_answer_is_resent_under_the_same_txn_id_one_event(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.fake.lose_next_sends(1)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertIn("retry-wait", r.out)
        r = self.run_at("2026-12-01T08:30:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [event] = self.fake.events()
        self.assertEqual(r.json_lines()[0]["id"], event["event_id"])
        first, second = self.sends()
        self.assertEqual(first.path, second.path)
        self.assertEqual(self.fake.dedupes, 1)

    def test_a_crash_after_sending_is_recovered_by_a_resend_one_event(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        self.assertEqual(len(self.fake.events()), 1)
        # Within the idempotency window (20 minutes) the job is resent with the same txnId.
        r = self.run_at("2026-12-01T08:10:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [event] = self.fake.events()
        self.assertEqual((line["status"], line["id"]), ("posted", event["event_id"]))
        self.assertEqual(self.fake.dedupes, 1)

    def test_an_old_sending_job_is_found_by_its_transaction_id_not_resent(self):
        # The run died after the event went out; 09:00 is past the 20 minutes the txnId is
        # trusted for, so the room is searched instead of resending.
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.assertExit(self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send")),
                        137)
        [event] = self.fake.events()
        self.fake.add_event("@ada:example.org", {"msgtype": "m.text", "body": "herald 2.0 is out"})
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", event["event_id"]))
        self.assertEqual(len(self.sends()), 1)

    def test_an_old_sending_job_is_found_by_its_text_from_another_token(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.assertExit(self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send")),
                        137)
        [event] = self.fake.events()
        # A new login: the homeserver no longer shows this token the transaction id.
        self.fake.token = "mx-new-t0ken"
        self.secrets = {"MATRIX_TOKEN": "mx-new-t0ken"}
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", event["event_id"]))
        self.assertEqual(len(self.fake.events()), 1)

    def test_an_old_sending_job_not_in_the_room_becomes_unknown(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.assertExit(
            self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-intent")), 137)
        r = self.run_at("2026-12-01T09:00:00Z")
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +launch/mx  a run died while publishing it")
        self.assertEqual(self.sends(), [])
        self.assertEqual(self.job("launch/mx")["state"], "unknown")

    def test_a_refused_token_fails_as_auth_without_showing_it(self):
        self.assertExit(self.calendar(), 0)
        r = self.run_at(BEFORE, DUE, env={"MATRIX_TOKEN": "wrong-t0ken"})
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/mx  auth: matrix: PUT .*HTTP 401: "
                                r"M_UNKNOWN_TOKEN: Invalid access token")
        self.assertNotIn("wrong-t0ken", r.out + r.err)

    def test_a_server_that_echoes_the_token_does_not_get_it_printed(self):
        self.assertExit(self.calendar(), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        self.fake.echo_next(1, 400, lambda request: {
            "errcode": "M_UNKNOWN", "error": "bad request from " + request.headers["authorization"]})
        r = self.run_at(DUE, verbose=True)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/mx  permanent: matrix: PUT .*HTTP 400: "
                                r"M_UNKNOWN: bad request from Bearer \*\*\*")
        self.assertNotIn(TOKEN, r.out + r.err)
        self.assertNotIn(TOKEN, json.dumps(self.job("launch/mx")))

    def test_a_room_we_left_fails_as_auth(self):
        self.assertExit(self.calendar(), 0)
        self.fake.leave()
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/mx  auth: matrix: PUT .*HTTP 403: M_FORBIDDEN")

    def test_accounts_check_names_the_user_and_the_room(self):
        self.fake.aliases["#news:example.org"] = ROOM
        self.calendar(room="#news:example.org")
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +mx +matrix +@herald:example.org in !launch:example.org "
                                r"\(#news:example.org\)")
        self.assertNotIn(TOKEN, r.out + r.err)
        self.fake.leave()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 1)
        self.assertIn("@herald:example.org is not joined to !launch:example.org", r.out + r.err)
        r = self.herald("accounts", "check", env={"MATRIX_TOKEN": "wrong-t0ken"})
        self.assertExit(r, 1)
        self.assertIn("M_UNKNOWN_TOKEN", r.out + r.err)
        self.assertNotIn("wrong-t0ken", r.out + r.err)

    def test_validate_refuses_a_room_that_is_neither_an_id_nor_an_alias(self):
        r = self.calendar(room="launch")
        self.assertExit(r, 2)
        self.assertIn("'room' must be a room id (!id:server) or an alias (#name:server)", r.err)


    # --- engage ------------------------------------------------------------------------------

    def engage(self, now, *args):
        return self.herald("--json", "engage", *args, "--now", iso(now), env=self.secrets)

    def test_engage_lists_a_mention_and_a_reply_and_answers_in_place(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        ours = self.fake.add_event(self.fake.user_id, {"msgtype": "m.text",
                                                       "body": "herald 2.0 is out"})
        # A reply to our post; a stranger's mention of us; small talk between others.
        ada = self.fake.add_event("@ada:example.org", {
            "msgtype": "m.text", "body": "does 2.0 keep my calendar?",
            "m.relates_to": {"m.in_reply_to": {"event_id": ours["event_id"]}}})
        bob = self.fake.add_event("@bob:other.org", {
            "msgtype": "m.text", "body": "hey herald, nice work",
            "m.mentions": {"user_ids": [self.fake.user_id]}})
        self.fake.add_event("@cy:example.org", {"msgtype": "m.text", "body": "lunch?"})
        r = self.engage(now)
        self.assertExit(r, 0)
        rows = {row["author"]: row for row in r.json()}
        self.assertEqual(sorted(rows), ["@ada:example.org", "@bob:other.org"])
        self.assertEqual(rows["@ada:example.org"]["reason"], "question")
        self.assertEqual(rows["@bob:other.org"]["reason"], "mention")
        self.assertEqual(rows["@ada:example.org"]["url"],
                         "https://matrix.to/#/%21launch%3Aexample.org/%24" + ada["event_id"][1:])
        # The first fetch reads back from the live end.
        [first] = self.fake.calls("GET", "/_matrix/client/v3/rooms/")
        self.assertEqual(first.query["dir"], ["b"])
        self.assertNotIn("from", first.query)

        r = self.herald("engage", "reply", rows["@ada:example.org"]["id"], "--text",
                        "It does, all of it", "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.events()[-1]
        self.assertEqual(answer["sender"], self.fake.user_id)
        self.assertEqual(answer["content"]["body"], "It does, all of it")
        self.assertEqual(answer["content"]["m.relates_to"],
                         {"m.in_reply_to": {"event_id": ada["event_id"]}})
        self.assertEqual(answer["content"]["m.mentions"], {"user_ids": ["@ada:example.org"]})
        self.assertTrue(answer["txn_id"].startswith("herald-reply-"))

        # The next fetch goes forward from where the last one stopped: only what is new.
        self.fake.requests.clear()
        dan = self.fake.add_event("@dan:example.org", {
            "msgtype": "m.text", "body": "@herald:example.org where are the docs?"})
        r = self.engage(now + timedelta(minutes=5))
        self.assertExit(r, 0)
        self.assertEqual(sorted(row["author"] for row in r.json()),
                         ["@bob:other.org", "@dan:example.org"])
        pages = [q for q in self.fake.calls("GET", "/_matrix/client/v3/rooms/")
                 if q.path.endswith("/messages")]
        self.assertEqual((pages[0].query["dir"], pages[0].query["from"]), (["f"], ["s4"]))
        self.assertNotIn(dan["event_id"], [row["id"] for row in r.json()
                                           if row["author"] != "@dan:example.org"])
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_engage_follows_a_thread_under_our_post_and_answers_in_it(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        ours = self.fake.add_event(self.fake.user_id, {"msgtype": "m.text",
                                                       "body": "herald 2.0 is out"})
        ada = self.fake.add_event("@ada:example.org", {
            "msgtype": "m.text", "body": "which platforms now?",
            "m.relates_to": {"rel_type": "m.thread", "event_id": ours["event_id"],
                             "is_falling_back": True,
                             "m.in_reply_to": {"event_id": ours["event_id"]}}})
        r = self.engage(now)
        self.assertExit(r, 0)
        [row] = r.json()
        self.assertEqual((row["author"], row["reason"]), ("@ada:example.org", "question"))
        self.assertTrue(self.fake.calls(
            "GET", "/_matrix/client/v1/rooms/%21launch%3Aexample.org/relations/"))
        r = self.herald("engage", "reply", row["id"], "--text", "Matrix, among others",
                        "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.events()[-1]
        self.assertEqual(answer["content"]["m.relates_to"], {
            "rel_type": "m.thread", "event_id": ours["event_id"], "is_falling_back": False,
            "m.in_reply_to": {"event_id": ada["event_id"]}})
        # Answered: nothing waits any more.
        r = self.engage(now + timedelta(minutes=5))
        self.assertExit(r, 0)
        self.assertEqual(r.json(), [])


    def test_engage_sees_an_answer_given_from_another_client_below_a_reply(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        ours = self.fake.add_event(self.fake.user_id, {"msgtype": "m.text",
                                                       "body": "herald 2.0 is out"})
        ada = self.fake.add_event("@ada:example.org", {
            "msgtype": "m.text", "body": "> <@herald:example.org> herald 2.0 is out\n\nis it?",
            "m.relates_to": {"m.in_reply_to": {"event_id": ours["event_id"]}}})
        r = self.engage(now)
        self.assertExit(r, 0)
        [row] = r.json()
        # The reply fallback an older client put first is not the message.
        self.assertEqual((row["author"], row["reason"]), ("@ada:example.org", "question"))
        self.assertEqual(row["text"], "is it?")
        # Answered from Element: the reply chain read again shows it, and nothing waits.
        self.fake.add_event(self.fake.user_id, {
            "msgtype": "m.text", "body": "it is",
            "m.relates_to": {"m.in_reply_to": {"event_id": ada["event_id"]}}})
        r = self.engage(now + timedelta(minutes=5))
        self.assertExit(r, 0)
        self.assertEqual(r.json(), [])


    def test_engage_starts_again_from_now_when_the_homeserver_refuses_the_cursor(self):
        import sqlite3
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        self.assertExit(self.engage(now), 0)
        with sqlite3.connect(self.state) as db:
            db.execute("UPDATE engage_cursors SET cursor = 'forgotten'")
        self.fake.add_event("@ada:example.org", {
            "msgtype": "m.text", "body": "@herald:example.org hello?"})
        self.fake.requests.clear()
        r = self.engage(now + timedelta(minutes=5))
        self.assertExit(r, 0)
        self.assertEqual([row["author"] for row in r.json()], ["@ada:example.org"])
        refused, again = [q for q in self.fake.requests if q.path.endswith("/messages")][:2]
        self.assertEqual((refused.query["dir"], refused.query["from"]), (["f"], ["forgotten"]))
        self.assertEqual(again.query["dir"], ["b"])
        with sqlite3.connect(self.state) as db:
            [(cursor,)] = db.execute("SELECT cursor FROM engage_cursors").fetchall()
        self.assertEqual(cursor, "s1")


if __name__ == "__main__":
    main()
