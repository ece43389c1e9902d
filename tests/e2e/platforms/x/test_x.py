"""The x platform against a loopback fake of X's API v2 (platforms/x/fake.py), which recomputes
every OAuth 1.0a signature and answers with X's documented error shapes."""

import re
import time
from datetime import datetime, timedelta, timezone

from harness import main
from platform_suite import PlatformTest
from platforms.x.fake import XFake

KEYS = {"X_API_KEY": "ck-9djdj82h48", "X_API_SECRET": "cs-s3cret-kd94hf93",
        "X_ACCESS_TOKEN": "1001-at-nnch734d", "X_ACCESS_SECRET": "ats-s3cret-pfkkdhi9"}
BEARER = "oauth2-user-t0ken"

OAUTH1 = """
accounts:
  x:
    platform: x
    url: {url}
    consumer_key_env: X_API_KEY
    consumer_secret_env: X_API_SECRET
    access_token_env: X_ACCESS_TOKEN
    access_token_secret_env: X_ACCESS_SECRET
"""

OAUTH2 = """
accounts:
  x:
    platform: x
    url: {url}
    token_env: X_TOKEN
"""

OAUTH2_RENEWED = OAUTH2 + """    refresh_token_env: X_REFRESH
    client_id_env: X_CLIENT_ID
"""

POST = """
posts:
  - id: launch
    at: 2026-12-01T08:00:00Z
    to: [x]
    text: "herald 2.0 is out & faster: https://example.org/herald/releases/2.0"
"""

THREAD = """
posts:
  - id: story
    at: 2026-12-01T08:00:00Z
    to: [x]
    thread:
      - text: "1/ first"
      - text: "2/ second, with a picture"
        media:
          - file: media/shot.png
            alt: A screenshot of the plan view
      - text: "3/ third"
"""

VIDEO_POST = """
posts:
  - id: clip
    at: 2026-12-01T08:00:00Z
    to: [x]
    text: "herald 2.0 in one minute"
    media:
      - file: media/clip.mp4
        alt: A walk through the plan view
"""

BEFORE = "2026-11-30T00:00:00Z"
DUE = "2026-12-01T08:00:00Z"
CHUNK = 4 * 1024 * 1024  # herald's APPEND size (lib/platforms/x/upload.hpp)
# The start of an MP4 (an ftyp box), which is all herald and the fake look at.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class XTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(XFake(consumer_key=KEYS["X_API_KEY"], consumer_secret=KEYS["X_API_SECRET"],
                              access_token=KEYS["X_ACCESS_TOKEN"],
                              access_token_secret=KEYS["X_ACCESS_SECRET"], bearer=BEARER))
        self.secrets = dict(KEYS)

    def calendar(self, posts=POST, accounts=OAUTH1):
        self.write("herald.yaml", accounts.format(url=self.fake.url("")) + posts)
        self.assertExit(self.run_at(BEFORE), 0)

    def job(self, name="launch/x"):
        return super().job(name)

    def tweet_posts(self):
        return self.fake.calls("POST", "/2/tweets")

    def assertNoSecret(self, text):
        for secret in [*KEYS.values(), BEARER]:
            self.assertNotIn(secret, text)

    # --- publishing ------------------------------------------------------------------------

    def test_a_post_goes_out_once_signed_with_oauth1(self):
        self.calendar()
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        [tweet] = self.fake.tweets
        self.assertEqual((line["status"], line["id"], line["url"]),
                         ("posted", tweet["id"], f"https://x.com/herald/status/{tweet['id']}"))
        [request] = self.tweet_posts()
        self.assertEqual(request.json, {
            "text": "herald 2.0 is out & faster: https://example.org/herald/releases/2.0"})
        # Signed (the fake recomputed the signature), with a fresh nonce per request.
        auth = request.headers["authorization"]
        self.assertTrue(auth.startswith("OAuth "), auth)
        self.assertIn('oauth_signature_method="HMAC-SHA1"', auth)
        nonces = {re.search(r'oauth_nonce="([^"]+)"', r.headers["authorization"]).group(1)
                  for r in self.fake.requests}
        self.assertEqual(len(nonces), len(self.fake.requests))
        # The account is asked once, for the URL.
        self.assertEqual(len(self.fake.calls("GET", "/2/users/me")), 1)
        # Later ticks send nothing.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        self.assertEqual(len(self.tweet_posts()), 1)

    def test_an_oauth2_user_token_is_sent_as_a_bearer(self):
        self.secrets = {"X_TOKEN": BEARER}
        self.calendar(accounts=OAUTH2)
        r = self.run_at(DUE)
        self.assertExit(r, 0)
        [request] = self.tweet_posts()
        self.assertEqual(request.headers["authorization"], "Bearer " + BEARER)
        self.assertEqual(len(self.fake.tweets), 1)

    def test_a_thread_with_an_image_and_its_alt_text(self):
        self.write("media/shot.png", PNG)
        self.calendar(THREAD)
        r = self.run_at(DUE)
        self.assertExit(r, 0)
        one, two, three = self.fake.tweets
        self.assertEqual([t["text"] for t in (one, two, three)],
                         ["1/ first", "2/ second, with a picture", "3/ third"])
        self.assertEqual((one["reply_to"], two["reply_to"], three["reply_to"]),
                         (None, one["id"], two["id"]))
        [media_id] = self.fake.media
        media = self.fake.media[media_id]
        self.assertEqual((media["category"], media["mime"], media["alt_text"], media["size"]),
                         ("tweet_image", "image/png", "A screenshot of the plan view", len(PNG)))
        self.assertEqual(two["media_ids"], [media_id])
        self.assertEqual(self.job("story/x")["url"], f"https://x.com/herald/status/{one['id']}")

    # --- video (the chunked upload) ---------------------------------------------------------

    def segments(self, media_id):
        """The APPEND requests of an upload, in the order the fake received them."""
        path = f"/2/media/upload/{media_id}/append"
        return [r for r in self.fake.requests if r.method == "POST" and r.path == path]

    def test_a_video_goes_out_in_chunks_after_x_has_processed_it(self):
        video = MP4 + bytes(range(256)) * 40
        self.write("media/clip.mp4", video)
        self.calendar(VIDEO_POST)
        r = self.run_at(DUE)
        self.assertExit(r, 0)
        [tweet] = self.fake.tweets
        [media_id] = self.fake.media
        media = self.fake.media[media_id]
        self.assertEqual(tweet["media_ids"], [media_id])
        self.assertEqual((media["category"], media["mime"], media["state"], media["data"]),
                         ("tweet_video", "video/mp4", "succeeded", video))
        self.assertEqual(media["alt_text"], "A walk through the plan view")
        [init] = self.fake.calls("POST", "/2/media/upload/initialize")
        self.assertEqual(init.json, {"media_type": "video/mp4", "total_bytes": len(video),
                                     "media_category": "tweet_video"})
        [segment] = self.segments(media_id)
        self.assertEqual(segment.part("segment_index")["data"], b"0")
        # Processing: pending after FINALIZE, one STATUS read in progress, then succeeded; the
        # tweet only after that, and never through the one-request upload.
        statuses = self.fake.calls("GET", "/2/media/upload")
        self.assertEqual(len(statuses), 2)
        self.assertEqual(statuses[0].query, {"command": ["STATUS"], "media_id": [media_id]})
        order = [(r.method, r.path) for r in self.fake.requests]
        self.assertLess(order.index(("GET", "/2/media/upload")),
                        order.index(("POST", "/2/tweets")))
        self.assertEqual(self.fake.calls("POST", "/2/media/upload"), [])
        self.assertEqual(self.job("clip/x")["state"], "posted")

    def test_a_bigger_video_goes_in_two_chunks_in_order(self):
        video = MP4 + b"\xab" * CHUNK + b"tail"
        self.write("media/clip.mp4", video)
        self.fake.processing_polls = 0  # succeeded at FINALIZE: no wait
        self.calendar(VIDEO_POST)
        self.assertExit(self.run_at(DUE), 0)
        [media_id] = self.fake.media
        first, second = self.segments(media_id)
        self.assertEqual([first.part("segment_index")["data"], second.part("segment_index")["data"]],
                         [b"0", b"1"])
        self.assertEqual(first.part("media")["data"] + second.part("media")["data"], video)
        self.assertEqual(len(first.part("media")["data"]), CHUNK)
        self.assertEqual(self.fake.uploads[media_id]["segments"],
                         [video[:CHUNK], video[CHUNK:]])
        self.assertEqual(self.fake.calls("GET", "/2/media/upload"), [])
        self.assertEqual(self.fake.tweets[0]["media_ids"], [media_id])

    def test_a_gif_goes_through_the_chunked_upload_as_tweet_gif(self):
        gif = b"GIF89a" + b"\x00" * 64
        self.write("media/cat.gif", gif)
        self.calendar(VIDEO_POST.replace("media/clip.mp4", "media/cat.gif"))
        self.assertExit(self.run_at(DUE), 0)
        [media_id] = self.fake.media
        self.assertEqual((self.fake.media[media_id]["category"], self.fake.media[media_id]["data"]),
                         ("tweet_gif", gif))
        self.assertEqual(self.fake.tweets[0]["media_ids"], [media_id])

    def test_failed_processing_fails_the_job_with_x_reason_and_posts_nothing(self):
        self.write("media/clip.mp4", MP4 + b"\x00" * 100)
        self.fake.fail_processing("Unsupported video format")
        self.calendar(VIDEO_POST)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +clip/x  permanent: x: X could not process clip\.mp4: "
                                r"Unsupported video format")
        self.assertEqual(self.job("clip/x")["state"], "failed")
        self.assertEqual(self.fake.tweets, [])
        self.assertEqual(self.tweet_posts(), [])

    def test_processing_longer_than_herald_waits_is_not_sent_and_retried(self):
        self.write("media/clip.mp4", MP4 + b"\x00" * 100)
        self.fake.check_after_secs = 3600  # beyond herald's limit: it stops without sleeping
        self.calendar(VIDEO_POST)
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +clip/x  not-sent: x: X was still processing "
                                r"clip\.mp4 \(pending\) after 0 s and asked to check again in "
                                r"3600 s; herald waits at most 180 s")
        self.assertEqual(self.fake.tweets, [])
        self.assertEqual(self.fake.calls("GET", "/2/media/upload"), [])

    def test_a_refused_append_publishes_nothing_and_is_retried(self):
        self.write("media/clip.mp4", MP4 + b"\x00" * 100)
        self.calendar(VIDEO_POST)
        # INIT goes through; the APPEND after it meets a 503.
        original = self.fake.handle

        def failing_append(request):
            if request.path.endswith("/append"):
                self.fake.handle = original
                return 503, {"Content-Type": "application/problem+json"}, \
                    b'{"title":"Service Unavailable","status":503}'
            return original(request)
        self.fake.handle = failing_append
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +clip/x  not-sent: x: POST "
                                r"/2/media/upload/\{id\}/append: HTTP 503")
        self.assertEqual(self.fake.tweets, [])

    # --- what validate catches -----------------------------------------------------------------

    def validate(self, posts, accounts=OAUTH1):
        self.write("herald.yaml", accounts.format(url=self.fake.url("")) + posts)
        return self.herald("validate", env=self.secrets)

    def text_post(self, text):
        return POST.replace('"herald 2.0 is out & faster: https://example.org/herald/releases/2.0"',
                            '"' + text + '"')

    def test_validate_takes_one_video_alone_up_to_512_mb(self):
        self.write("media/clip.mp4", MP4)
        self.assertExit(self.validate(VIDEO_POST), 0)
        # With an image beside it.
        self.write("media/shot.png", PNG)
        r = self.validate(VIDEO_POST.replace(
            "        alt: A walk through the plan view\n",
            "        alt: A walk through the plan view\n      - file: media/shot.png\n"))
        self.assertExit(r, 2)
        self.assertIn("clip.mp4 is a video, which X takes only alone in a post", r.err)
        # Over 512 MB (a sparse file: nothing is written).
        with open(self.dir / "media" / "clip.mp4", "r+b") as f:
            f.truncate(512 * 1024 * 1024 + 1)
        r = self.validate(VIDEO_POST)
        self.assertExit(r, 2)
        self.assertIn("clip.mp4 is 536870913 bytes, the limit is 536870912 bytes for a video",
                      r.err)
        self.assertEqual(self.fake.requests, [])

    def test_weighted_length_at_the_limit_and_one_over(self):
        self.assertExit(self.validate(self.text_post("a" * 280)), 0)
        r = self.validate(self.text_post("a" * 281))
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"herald\.yaml:\d+:\d+: .*too long for account 'x' \(x\): text is "
                                r"281 .*the limit is 280")
        # CJK counts 2: 140 fit, 141 do not.
        self.assertExit(self.validate(self.text_post("\u65e5" * 140)), 0)
        self.assertExit(self.validate(self.text_post("\u65e5" * 141)), 2)
        # A long link counts 23: 250 letters and a 100-character link fit (250 + 1 + 23).
        link = "https://example.org/" + "p" * 80
        self.assertExit(self.validate(self.text_post("a" * 250 + " " + link)), 0)
        self.assertEqual(self.fake.requests, [])

    def test_media_x_cannot_take_and_missing_credentials_are_refused(self):
        self.write("media/clip.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 16)
        r = self.validate(THREAD.replace("media/shot.png", "media/clip.webm"))
        self.assertExit(r, 2)
        self.assertIn("clip.webm is a video X does not take (video/webm); X takes MP4 and MOV",
                      r.err)
        r = self.validate(POST, accounts=OAUTH1.replace("    access_token_secret_env: "
                                                        "X_ACCESS_SECRET\n", ""))
        self.assertExit(r, 2)
        self.assertIn("access_token_secret_env", r.err)
        r = self.validate(POST, accounts=OAUTH1 + "    token_env: X_TOKEN\n")
        self.assertExit(r, 2)
        self.assertIn("not both", r.err)

    # --- failures and recovery -------------------------------------------------------------

    def test_a_duplicate_refusal_is_looked_up_not_resent(self):
        # The same text went out by hand (X shows its link as a t.co link and & as &amp;).
        self.calendar()
        earlier = self.fake.add_tweet(
            "herald 2.0 is out & faster: https://example.org/herald/releases/2.0")
        r = self.run_at(DUE, flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", earlier["id"]))
        self.assertEqual(len(self.fake.tweets), 1)
        self.assertEqual(len(self.tweet_posts()), 1)  # one refused attempt, never resent

    def test_a_duplicate_not_found_is_left_maybe_sent(self):
        # X says duplicate, yet the post is not among the recent ones (posted long ago).
        self.calendar()
        self.fake.add_tweet("herald 2.0 is out & faster: https://example.org/herald/releases/2.0",
                            created_at="2026-01-01T00:00:00.000Z")
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"maybe-sent: x: POST /2/tweets: HTTP 403: You are not allowed to "
                                r"create a Tweet with duplicate content.*not found among its "
                                r"recent posts")
        self.assertEqual(len(self.fake.tweets), 1)

    def test_a_crash_after_sending_is_recovered_from_the_timeline(self):
        self.calendar()
        r = self.run_at(DUE, env=dict(KEYS, HERALD_TEST_CRASH_AT="after-send"))
        self.assertExit(r, 137)
        [tweet] = self.fake.tweets
        # The lease holds at 08:05; at 09:00 the runner asks X instead of resending.
        self.assertEqual(self.run_at("2026-12-01T08:05:00Z").out, "")
        r = self.run_at("2026-12-01T09:00:00Z", flags=["--json"])
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual((line["status"], line["id"]), ("posted", tweet["id"]))
        self.assertEqual(len(self.tweet_posts()), 1)
        self.assertEqual(len(self.fake.tweets), 1)

    def test_a_crash_before_sending_is_found_absent_and_left_to_a_person(self):
        self.calendar()
        self.assertExit(self.run_at(DUE, env=dict(KEYS, HERALD_TEST_CRASH_AT="after-intent")),
                        137)
        r = self.run_at("2026-12-01T09:00:00Z")
        self.assertExit(r, 1)
        self.assertIn("unknown", r.out)
        self.assertEqual(self.fake.tweets, [])
        self.assertEqual(self.job()["state"], "unknown")

    def test_429_waits_for_x_rate_limit_reset(self):
        # A reset is clamped against the wall clock, so this test runs at the real time.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        due, reset = now - timedelta(minutes=1), now + timedelta(minutes=7, seconds=30)
        self.write("herald.yaml", OAUTH1.format(url=self.fake.url(""))
                   + POST.replace("2026-12-01T08:00:00Z", iso(due)))
        self.assertExit(self.run_at(iso(due - timedelta(hours=1))), 0)
        self.fake.rate_limited_until = reset.timestamp()
        r = self.run_at(iso(now))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"retry-wait +launch/x  rate-limited: x: POST /2/tweets: HTTP 429: "
                                r"Too Many Requests.*next at " + re.escape(iso(reset)))
        self.assertEqual(self.job()["next_attempt"], iso(reset))
        self.fake.rate_limited_until = None
        self.assertEqual(self.run_at(iso(reset - timedelta(seconds=30))).out, "")
        r = self.run_at(iso(reset))
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.tweets), 1)

    def test_a_refused_signature_fails_as_auth_without_showing_a_secret(self):
        self.calendar()
        r = self.run_at(DUE, verbose=True, env=dict(KEYS, X_ACCESS_SECRET="wrong-secret"))
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/x  auth: x: GET /2/users/me: HTTP 401: "
                                r"Unauthorized")
        self.assertEqual(self.job()["state"], "failed")
        self.assertNoSecret(r.out + r.err)
        self.assertEqual(self.fake.tweets, [])

    def test_accounts_check_names_the_user(self):
        self.calendar()
        r = self.herald("accounts", "check", env=self.secrets)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"ok +x +x +@herald")
        self.assertNoSecret(r.out + r.err)

    # --- report and engage -----------------------------------------------------------------

    def test_report_counts_public_metrics_and_followers_in_one_request_each(self):
        self.calendar()
        self.assertExit(self.run_at(DUE), 0)
        [tweet] = self.fake.tweets
        self.fake.followers = 120
        self.fake.set_counts(tweet["id"], likes=5, reposts=2, replies=1, quotes=1,
                             impressions=300)
        self.fake.metrics_field_names = "new"  # repost_count, as X's newest OpenAPI file names it
        r = self.herald("--json", "report", "collect", "--now", "2026-12-02T08:00:00Z",
                        env=self.secrets)
        self.assertExit(r, 0)
        [account] = r.json()["accounts"]
        self.assertEqual((account["status"], account["counted"], account["followers"]),
                         ("counted", 1, 120))
        [lookup] = self.fake.calls("GET", "/2/tweets")
        self.assertEqual(lookup.query["ids"], [tweet["id"]])
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--since", "7d", "--json",
                             env=self.secrets).json()
        [post] = report["posts"]
        self.assertEqual(post["counts"], {"likes": 5, "reposts": 2, "replies": 1, "quotes": 1,
                                          "impressions": 300, "bookmarks": 0})
        self.assertEqual(post["followers_at_publish"], 120)

    def test_engage_lists_mentions_and_replies_and_answers_in_the_thread(self):
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.calendar(POST.replace("2026-12-01T08:00:00Z", iso(now - timedelta(hours=2))))
        self.assertExit(self.run_at(iso(now - timedelta(hours=2))), 0)
        [ours] = self.fake.tweets
        self.fake.add_user("2001", "ada", "Ada")
        self.fake.add_user("2002", "bob", "Bob")
        ada = self.fake.add_tweet("@herald does 2.0 keep my calendar?", reply_to=ours["id"],
                                  author_id="2001")
        self.fake.add_tweet("Thanks @herald, lovely release", author_id="2002")
        r = self.herald("--json", "engage", "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        rows = {row["author"]: row for row in r.json()}
        self.assertEqual(rows["ada"]["reason"], "question")
        self.assertEqual(rows["ada"]["url"], f"https://x.com/ada/status/{ada['id']}")
        [mentions] = self.fake.calls("GET", "/2/users/1001/mentions")
        self.assertNotIn("since_id", mentions.query)
        r = self.herald("engage", "reply", rows["ada"]["id"], "--text", "It does, all of it",
                        "--now", iso(now), env=self.secrets)
        self.assertExit(r, 0)
        answer = self.fake.tweets[-1]
        self.assertEqual((answer["text"], answer["reply_to"], answer["author_id"]),
                         ("It does, all of it", ada["id"], "1001"))
        # The next fetch asks only for what is newer than the last one saw.
        r = self.herald("--json", "engage", "--now", iso(now + timedelta(minutes=5)),
                        env=self.secrets)
        self.assertExit(r, 0)
        self.assertNotIn("ada", [row["author"] for row in r.json()])
        later = self.fake.calls("GET", "/2/users/1001/mentions")[-1]
        self.assertTrue(later.query.get("since_id"), later.query)
        self.assertNoSecret(r.out + r.err)

    # --- OAuth 2.0 renewal -----------------------------------------------------------------

    def test_a_refused_oauth2_token_is_renewed_once_and_kept_owner_only(self):
        self.fake.refresh_token = "first-refresh-t0ken"
        self.secrets = {"X_TOKEN": BEARER, "X_REFRESH": "first-refresh-t0ken",
                        "X_CLIENT_ID": "herald-client-id"}
        self.calendar(POST + """  - id: later
    at: 2026-12-02T08:00:00Z
    to: [x]
    text: the day after
""", accounts=OAUTH2_RENEWED)
        self.fake.expire_bearer()  # two hours later, the token from the environment is stale
        r = self.run_at(DUE, verbose=True)
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.tweets), 1)
        [renewal] = self.fake.token_requests
        self.assertEqual((renewal["grant_type"], renewal["refresh_token"], renewal["client_id"]),
                         (["refresh_token"], ["first-refresh-t0ken"], ["herald-client-id"]))
        # The rotated pair is kept owner-only in the state directory, never printed.
        [stored] = list((self.state.parent / "x").glob("*.json"))
        self.assertEqual(stored.stat().st_mode & 0o777, 0o600)
        self.assertEqual((self.state.parent / "x").stat().st_mode & 0o777, 0o700)
        self.assertIn("renewed-refresh-1", stored.read_text())
        self.assertNoSecret(r.out + r.err)
        for token in ("renewed-bearer-1", "renewed-refresh-1", "first-refresh-t0ken"):
            self.assertNotIn(token, r.out + r.err)
        # The next run uses the kept pair: the environment's refresh token is spent.
        r = self.run_at("2026-12-02T08:00:00Z")
        self.assertExit(r, 0)
        self.assertEqual(len(self.fake.tweets), 2)
        self.assertEqual(len(self.fake.token_requests), 1)
        self.assertEqual(self.fake.calls("POST", "/2/tweets")[-1].headers["authorization"],
                         "Bearer renewed-bearer-1")

    def test_two_runs_renewing_at_once_spend_the_refresh_token_once(self):
        self.fake.refresh_token = "first-refresh-t0ken"
        self.secrets = {"X_TOKEN": BEARER, "X_REFRESH": "first-refresh-t0ken",
                        "X_CLIENT_ID": "herald-client-id"}
        self.calendar(accounts=OAUTH2_RENEWED)
        self.fake.expire_bearer()
        # The first three requests are slow (both runs' refused reads, then the first run's
        # renewal), so that the second run renews while the first waits for its answer: without
        # the lock both would send the one refresh token, and X takes it once.
        self.fake.delay_next(3, 1.0)
        first = self.spawn("accounts", "check", env=self.secrets)
        time.sleep(0.3)
        second = self.spawn("accounts", "check", env=self.secrets)
        outputs = [p.communicate(timeout=30) for p in (first, second)]
        self.assertEqual([p.returncode for p in (first, second)], [0, 0], outputs)
        self.assertEqual(len(self.fake.token_requests), 1)

    def test_a_refused_refresh_token_fails_as_auth_and_says_what_to_do(self):
        self.fake.refresh_token = "another-refresh-token"
        self.secrets = {"X_TOKEN": BEARER, "X_REFRESH": "stale-refresh-t0ken",
                        "X_CLIENT_ID": "herald-client-id"}
        self.calendar(accounts=OAUTH2_RENEWED)
        self.fake.expire_bearer()
        r = self.run_at(DUE)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"failed +launch/x  auth: x: POST /2/oauth2/token: HTTP 400: Value "
                                r"passed for the token was invalid.*authorize the app again")
        self.assertNotIn("stale-refresh-t0ken", r.out + r.err)
        self.assertEqual(self.fake.tweets, [])

    def test_renewal_settings_come_together(self):
        r = self.validate(POST, accounts=OAUTH2 + "    refresh_token_env: X_REFRESH\n")
        self.assertExit(r, 2)
        self.assertIn("token_env, refresh_token_env and client_id_env together", r.err)


if __name__ == "__main__":
    main()
