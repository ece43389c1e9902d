"""The threads platform against a loopback fake of Meta's Threads API (platforms/threads/fake.py),
which fetches images from the account's media URL (a loopback MediaServer here) as Meta does."""

import json
import os
import time
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.threads.fake import MediaServer, ThreadsFake

TOKEN = "th-s3cret-t0ken"

ACCOUNT = """
accounts:
  th:
    platform: threads
    url: {url}
    token_env: THREADS_TOKEN
{extra}"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [th]
    text: {text}
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


class ThreadsTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(ThreadsFake(token=TOKEN))
        self.media = MediaServer()
        self.addCleanup(self.media.stop)
        self.secrets = {"THREADS_TOKEN": TOKEN}

    def calendar(self, posts=None, extra="", text='"herald 2.0 is out"', media_url=True):
        if media_url:
            extra = f"    media_url: {self.media.url('/media/')}\n" + extra
        self.write("herald.yaml", ACCOUNT.format(url=self.fake.url("").rstrip("/"), extra=extra)
                   + (posts if posts is not None else POST.format(text=text)))
        return self.herald("validate", env=self.secrets)

    def job(self, name="launch/th"):
        return super().job(name)

    def test_a_post_is_a_container_then_a_publish_with_its_permalink(self):
        self.assertExit(self.calendar(), 0)
        r = self.run_at(BEFORE, DUE, flags=["--json"])
        self.assertExit(r, 0)
        [post] = self.fake.posts
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"], line["url"]),
                         ("posted", post["id"], post["permalink"]))
        [container] = self.fake.containers.values()
        self.assertEqual((container["media_type"], container["text"], container["status"]),
                         ("TEXT", "herald 2.0 is out", "PUBLISHED"))
        # The quota is read before the batch.
        self.assertEqual(len(self.fake.calls("GET", "/v1.0/me/threads_publishing_limit")), 1)
        # The token goes as Meta documents it: the access_token parameter, never a header. The
        # environment's token, of unknown age, is renewed first; the renewed one does the rest.
        [renewal, *rest] = self.fake.requests
        self.assertEqual((renewal.path, renewal.query.get("access_token")),
                         ("/refresh_access_token", [TOKEN]))
        for request in rest:
            self.assertEqual(request.query.get("access_token"), [self.fake.token], request.path)
            self.assertNotIn("authorization", request.headers)
        self.assertNotIn("authorization", renewal.headers)

    def test_a_thread_replies_part_to_part_and_an_image_is_fetched_from_media_url(self):
        self.media.put("/media/shot.png", PNG, "image/png")
        self.write("media/shot.png", PNG)
        posts = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [th]
    thread:
      - text: "1/ first"
        media:
          - file: media/shot.png
            alt: The plan view
      - text: "2/ second"
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        one, two = self.fake.posts
        self.assertEqual(two["reply_to_id"], one["id"])
        self.assertEqual((one["image_urls"], one["alt_texts"]),
                         ([self.media.url("/media/shot.png")], ["The plan view"]))
        self.assertEqual(self.fake.fetches[0]["status"], 200)

    def test_a_thread_cut_after_its_first_part_is_left_to_a_person_not_resent(self):
        posts = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [th]
    thread:
      - text: "1/ first"
      - text: "2/ second"
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE), 0)
        # Part 1 goes out; part 2's container is refused.
        calls = []
        original = self.fake.handle

        def refuse_second_container(request):
            if request.method == "POST" and request.path == "/v1.0/me/threads":
                calls.append(request)
                if len(calls) == 2:
                    return 500, {"Content-Type": "application/json"}, \
                        b'{"error":{"message":"An unknown error occurred","code":1}}'
            return original(request)
        self.fake.handle = refuse_second_container
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"unknown +story/\w+  maybe-sent: .*part \d of \d; the thread "
                                r"starts at ")
        self.fake.handle = original
        self.assertEqual(self.run_at("2026-12-01T09:00:00Z").out, "")
        self.assertEqual(self.job("story/th")["state"], "unknown")
        self.assertEqual([p["text"] for p in self.fake.posts], ["1/ first"])

    def test_several_images_go_as_a_carousel(self):
        for name in ("a.png", "b.png"):
            self.media.put(f"/media/{name}", PNG, "image/png")
            self.write(f"media/{name}", PNG)
        posts = POST.format(text="two images") + """    media:
      - file: media/a.png
        alt: First
      - file: media/b.png
        alt: Second
"""
        self.assertExit(self.calendar(posts), 0)
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        self.assertEqual(post["media_type"], "CAROUSEL_ALBUM")
        self.assertEqual(len(post["children"]), 2)

    def test_validate_refuses_what_threads_would(self):
        self.write("media/a.png", PNG)
        r = self.calendar(POST.format(text="an image")
                          + "    media:\n      - file: media/a.png\n        alt: A\n",
                          media_url=False)
        self.assertExit(r, 2)
        self.assertIn("set media_url: on the account", r.err)
        links = " ".join(f"https://example.org/{i}" for i in range(6))
        r = self.calendar(text=f'"{links}"')
        self.assertExit(r, 2)
        self.assertIn("6 links, Threads takes at most 5", r.err)
        self.assertExit(self.calendar(text="a" * 500), 0)
        r = self.calendar(text="a" * 497 + "\U0001F44D")  # 497 + 4 bytes
        self.assertExit(r, 2)
        self.assertIn("text is 501 characters (an emoji counts its bytes in UTF-8), the limit is "
                      "500", r.err)
        self.assertEqual(self.fake.requests, [])

    def test_a_used_up_quota_waits_without_creating_anything(self):
        self.calendar()
        self.fake.quota_usage = 250
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/th  rate-limited: threads: the day's "
                                r"publishing quota is used up \(250 of 250 posts")
        self.assertEqual(self.fake.containers, {})

    def test_an_image_meta_cannot_fetch_fails_before_publishing(self):
        self.write("media/gone.png", PNG)
        self.calendar(POST.format(text="an image")
                      + "    media:\n      - file: media/gone.png\n        alt: Gone\n")
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"threads: the container is ERROR .*media_url")
        self.assertEqual(self.fake.posts, [])

    def test_a_crash_after_publishing_is_found_among_the_accounts_posts(self):
        self.calendar()
        self.assertExit(self.run_at(BEFORE), 0)
        r = self.run_at(DUE, env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        [post] = self.fake.posts
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", post["id"]))
        self.assertEqual(len(self.fake.posts), 1)

    def test_a_refused_token_fails_as_auth_without_showing_it(self):
        self.calendar()
        r = self.run_at(BEFORE, DUE, env={"THREADS_TOKEN": "wrong-t0ken"})
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/th  auth: threads: .*Invalid OAuth access token")
        self.assertNotIn("wrong-t0ken", r.out + r.err)

    def test_accounts_check_names_the_user_and_the_media_url(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +th +threads +@herald; token renewed, valid until "
                                r"\d{4}-\d\d-\d\dT[\d:]+Z; media_url .* answers HTTP \d+")
        self.assertNotIn(TOKEN, r.out + r.err)
        # The user's media host is asked without the token.
        [head] = [q for q in self.media.requests if q.method == "HEAD"]
        self.assertNotIn("authorization", head.headers)
        self.assertNotIn(TOKEN, head.path)

    def test_report_reads_post_insights_and_followers(self):
        self.calendar()
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [post] = self.fake.posts
        self.fake.set_counts(post["id"], views=900, likes=31, replies=4, reposts=3, quotes=1)
        self.fake.followers = 210
        r = self.herald("--json", "report", "collect", "--now", "2026-12-02T08:00:00Z",
                        env=self.secrets)
        self.assertExit(r, 0)
        [account] = r.json()["accounts"]
        self.assertEqual((account["counted"], account["followers"]), (1, 210))
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--since", "7d", "--json",
                             env=self.secrets).json()
        [counted] = report["posts"]
        self.assertEqual(counted["counts"], {"impressions": 900, "likes": 31, "replies": 4,
                                             "reposts": 3, "quotes": 1})

    # --- the long-lived token's renewal ------------------------------------------------------

    def token_file(self):
        folder = self.state.parent / "threads"
        [kept] = [p for p in folder.iterdir() if p.suffix == ".json"]
        return kept

    def renewals(self):
        return self.fake.calls("GET", "/refresh_access_token")

    def test_the_token_is_renewed_once_and_kept_owner_only(self):
        self.calendar(posts=POST.format(text="first") + """  - id: later
    at: 2026-12-02T08:00:00Z
    to: [th]
    text: second
""")
        r = self.run_at(BEFORE, DUE, verbose=True)
        self.assertExit(r, 0)
        [renewal] = self.renewals()
        self.assertEqual(renewal.query.get("grant_type"), ["th_refresh_token"])
        renewed = self.fake.token
        self.assertNotEqual(renewed, TOKEN)
        kept = self.token_file()
        self.assertEqual(kept.stat().st_mode & 0o777, 0o600)
        self.assertEqual(kept.parent.stat().st_mode & 0o777, 0o700)
        self.assertIn(renewed, kept.read_text())
        self.assertNotIn(TOKEN, kept.read_text())
        for token in (TOKEN, renewed):
            self.assertNotIn(token, r.out + r.err)
        # The fake revoked the environment's token: the next run works with the kept one, and
        # does not renew it again (60 days less a few seconds remain).
        r = self.run_at("2026-12-02T08:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.posts), 2)
        self.assertEqual(len(self.renewals()), 1)
        self.assertEqual(self.fake.calls("POST", "/v1.0/me/threads_publish")[-1]
                         .query.get("access_token"), [renewed])

    def test_a_kept_token_is_renewed_when_fewer_than_30_days_remain(self):
        self.calendar()
        self.assertExit(self.herald("accounts", "check", env=self.secrets), 0)
        kept = self.token_file()
        stored = json.loads(kept.read_text())
        self.fake.token_issued_at = time.time() - 31 * 86400  # old enough to renew again
        stored["expires_at"] = int(time.time()) + 29 * 86400
        kept.write_text(json.dumps(stored))
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        self.assertEqual(len(self.renewals()), 2)
        self.assertIn(self.fake.token, kept.read_text())
        self.assertEqual(kept.stat().st_mode & 0o777, 0o600)

    def test_a_token_too_new_to_renew_is_used_and_asked_again_a_day_later(self):
        self.fake.token_issued_at = time.time() - 3600
        self.fake.refresh_revokes_old = False
        self.calendar()
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        [refused] = self.renewals()
        self.assertEqual(self.fake.token, TOKEN)
        self.assertEqual(self.fake.calls("POST", "/v1.0/me/threads_publish")[-1]
                         .query.get("access_token"), [TOKEN])
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertNotIn("token renewed", r.out)
        self.assertEqual(len(self.renewals()), 1)
        self.assertNotIn(TOKEN, self.token_file().read_text())

    def test_a_new_token_in_the_environment_wins_over_the_kept_one(self):
        self.calendar()
        self.assertExit(self.herald("accounts", "check", env=self.secrets), 0)
        # The user made a new token (the fake takes only it now) and set it.
        self.fake.token = "th-brand-new-t0ken"
        self.fake.token_issued_at = time.time() - 2 * 86400
        self.secrets = {"THREADS_TOKEN": "th-brand-new-t0ken"}
        self.assertExit(self.run_at(BEFORE, DUE), 0)
        self.assertEqual(self.renewals()[-1].query.get("access_token"), ["th-brand-new-t0ken"])
        self.assertEqual(len(self.fake.posts), 1)

    def test_an_expired_token_fails_as_auth_and_says_what_to_do(self):
        self.fake.token_issued_at = time.time() - 61 * 86400
        self.calendar()
        r = self.run_at(BEFORE, DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/th  auth: threads: GET /refresh_access_token: "
                                r".*Session has expired.*make a new long-lived token and set it "
                                r"in THREADS_TOKEN")
        self.assertNotIn(TOKEN, r.out + r.err)
        self.assertEqual(self.fake.posts, [])
        self.assertEqual(self.fake.containers, {})

    def test_two_runs_at_once_renew_the_token_once(self):
        self.calendar()
        # The renewal answer takes a moment, so that the second run asks while the first waits.
        self.fake.delay_next(1, 1.5)
        first = self.spawn("accounts", "check", env=self.secrets)
        time.sleep(0.3)
        second = self.spawn("accounts", "check", env=self.secrets)
        outputs = [p.communicate(timeout=30) for p in (first, second)]
        self.assertEqual([p.returncode for p in (first, second)], [0, 0], outputs)
        self.assertEqual(len(self.renewals()), 1)

    # --- engage ------------------------------------------------------------------------------

    def engage(self, now, *args):
        return self.herald("--json", "engage", *args, "--now", now, env=self.secrets)

    def test_engage_lists_replies_to_our_posts_and_answers_in_place(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        ours = self.fake.add_post("herald 2.0 is out", timestamp=time.time() - 7200)
        ada = self.fake.add_reply(ours["id"], "ada", "does 2.0 keep my calendar?",
                                  timestamp=time.time() - 3600)
        bob = self.fake.add_reply(ours["id"], "bob", "lovely", timestamp=time.time() - 3000)
        # A reply between strangers under our post waits for nobody; one we hid is left out.
        self.fake.add_reply(bob["id"], "cy", "agreed", timestamp=time.time() - 2000)
        hidden = self.fake.add_reply(ours["id"], "spam", "buy now", timestamp=time.time() - 1000)
        hidden["hide_status"] = "HIDDEN"
        r = self.engage(iso(now))
        self.assertExit(r, 0)
        rows = {row["author"]: row for row in r.json()}
        self.assertEqual(sorted(rows), ["ada", "bob"])
        self.assertEqual(rows["ada"]["reason"], "question")
        self.assertEqual(rows["ada"]["url"], ada["permalink"])
        r = self.herald("engage", "reply", rows["ada"]["id"], "--text", "It does, all of it",
                        "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.posts[-1]
        self.assertEqual((answer["text"], answer["reply_to_id"], answer["username"]),
                         ("It does, all of it", ada["id"], "herald"))
        r = self.engage(iso(now + timedelta(minutes=5)))
        self.assertExit(r, 0)
        self.assertEqual([row["author"] for row in r.json()], ["bob"])
        self.assertNotIn(TOKEN, r.out + r.err)

    def test_engage_reads_only_posts_with_replies_and_a_nested_answer_counts(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar()
        quiet = self.fake.add_post("no one answered", timestamp=time.time() - 9000)
        ours = self.fake.add_post("herald 2.0 is out", timestamp=time.time() - 7200)
        ada = self.fake.add_reply(ours["id"], "ada", "nice", timestamp=time.time() - 3600)
        mine = self.fake.add_post("thanks!", reply_to_id=ada["id"], timestamp=time.time() - 3000)
        self.fake.add_reply(mine["id"], "ada", "where are the docs?",
                            timestamp=time.time() - 2000)
        r = self.engage(iso(now))
        self.assertExit(r, 0)
        [row] = r.json()
        self.assertEqual((row["author"], row["reason"]), ("ada", "question"))
        self.assertEqual(self.fake.calls("GET", f"/v1.0/{quiet['id']}/conversation"), [])
        self.assertTrue(self.fake.calls("GET", f"/v1.0/{ours['id']}/conversation"))


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    main()
