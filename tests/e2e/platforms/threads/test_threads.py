"""The threads platform against a loopback fake of Meta's Threads API (platforms/threads/fake.py),
which fetches images from the account's media URL (a loopback MediaServer here) as Meta does."""

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
        # The token goes as Meta documents it: the access_token parameter, never a header.
        for request in self.fake.requests:
            self.assertEqual(request.query.get("access_token"), [TOKEN], request.path)
            self.assertNotIn("authorization", request.headers)

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
        self.assertRegex(r.out, r"ok +th +threads +@herald; media_url .* answers HTTP \d+")
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


if __name__ == "__main__":
    main()
