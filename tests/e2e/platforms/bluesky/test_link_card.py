"""Bluesky link cards (app.bsky.embed.external): built from a loopback page server's Open Graph,
Twitter Card or <title> tags, the image uploaded as a blob; any failure of the page leaves the
plain link and a line in -v, never a failed job (issue 15)."""

import struct
import time
import zlib

from platforms.bluesky.fake import FakeBluesky
from fakes import HookFakeServer
from harness import main
from platform_suite import PlatformTest

PASSWORD = "app-pass-s3cr3t"


def png(width=2, height=1):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


OG_PAGE = b"""<!doctype html><html><head>
<title>Ignored when og:title is there</title>
<meta property="og:title" content="herald 1.4 &amp; friends">
<meta property="og:description" content="  Threads that   split
  themselves. ">
<meta property="og:image" content="/img/card.png">
</head><body><p>Hello</p></body></html>"""

TWITTER_PAGE = b"""<html><head><title>Plain title</title>
<meta name="twitter:description" content="From the Twitter tags">
<meta name="twitter:image" content="https://127.0.0.1:1/unreachable.png">
</head><body>x</body></html>"""


class PageServer(HookFakeServer):
    def __init__(self):
        super().__init__()
        self.pages = {
            "/og": (200, "text/html; charset=utf-8", OG_PAGE),
            "/twitter": (200, "text/html", TWITTER_PAGE),
            "/img/card.png": (200, "image/png", png()),
            "/big": (200, "text/html", b"<html><head><title>big</title></head><body>"
                     + b"x" * (2 << 20) + b"</body></html>"),
            "/text": (200, "text/plain", b"just text"),
            "/slow": (200, "text/html", OG_PAGE),
        }

    def handle(self, request):
        if request.path == "/slow":
            time.sleep(7)
        if request.path == "/redirect":
            return 302, {"Location": "file:///etc/passwd"}, b""
        if request.path not in self.pages:
            return 404, {"Content-Type": "text/html"}, b"<title>Not found</title>"
        status, content_type, body = self.pages[request.path]
        return status, {"Content-Type": content_type}, body


class LinkCardTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(FakeBluesky(password=PASSWORD))
        self.pages = PageServer()
        self.addCleanup(self.pages.stop)
        self.env["BSKY_PASSWORD"] = PASSWORD

    def post(self, path, account_extra="", post_extra=""):
        self.write("herald.yaml", f"""
accounts:
  sky:
    platform: bluesky
    url: {self.fake.url('')}
    handle: alice.test
    password_env: BSKY_PASSWORD
{account_extra}posts:
  - id: p
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: "New: {self.pages.url(path)} #release"
{post_extra}""")
        r = self.herald("-v", "--json", "run", "--now", "2026-12-01T08:00:00Z", timeout=60)
        self.assertExit(r, 0)
        [line] = r.json_lines()
        self.assertEqual(line["status"], "posted")
        [record] = self.fake.posts()
        return record["value"], r.err

    def test_a_card_from_open_graph_tags_with_the_image_as_a_blob(self):
        value, _ = self.post("/og")
        embed = value["embed"]
        self.assertEqual(embed["$type"], "app.bsky.embed.external")
        external = embed["external"]
        self.assertEqual(external["uri"], self.pages.url("/og"))
        self.assertEqual(external["title"], "herald 1.4 & friends")
        self.assertEqual(external["description"], "Threads that split themselves.")
        blob = self.fake.blobs[external["thumb"]["ref"]["$link"]]
        self.assertEqual((blob["mimeType"], blob["data"]), ("image/png", png()))
        # The link keeps its facet: the card is beside it, not instead of it.
        self.assertEqual(value["facets"][0]["features"][0]["uri"], self.pages.url("/og"))

    def test_twitter_tags_and_the_title_and_an_image_that_fails(self):
        value, _ = self.post("/twitter")
        external = value["embed"]["external"]
        self.assertEqual((external["title"], external["description"]),
                         ("Plain title", "From the Twitter tags"))
        self.assertNotIn("thumb", external)

    def test_a_page_that_cannot_be_used_leaves_the_plain_link(self):
        cases = {
            "/missing": "HTTP 404",
            "/text": "text/plain is not a web page",
            "/big": "larger than",
            "/redirect": "GET",
            "/slow": "GET",
        }
        for path, why in cases.items():
            with self.subTest(path=path):
                self.fake.records.clear()
                value, err = self.post(path)
                self.assertNotIn("embed", value)
                self.assertIn(f"* bluesky: no link card for {self.pages.url(path)}: ", err)
                self.assertIn(why, err[err.index("no link card"):].split("\n")[0])
                self.reset_state()

    def test_posts_of_one_run_that_link_one_page_fetch_it_once(self):
        og = self.pages.url("/og")
        missing = self.pages.url("/missing")
        self.write("herald.yaml", f"""
accounts:
  sky:
    platform: bluesky
    url: {self.fake.url('')}
    handle: alice.test
    password_env: BSKY_PASSWORD
posts:
  - id: a
    at: 2026-12-01T08:00:00Z
    to: [sky]
    thread:
      - text: "New: {og}"
      - text: "Read it again: {og}"
      - text: "Gone: {missing}"
  - id: b
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: "Also: {og} and {missing}"
  - id: c
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: "Gone again: {missing}"
""")
        r = self.herald("--json", "run", "--now", "2026-12-01T08:00:00Z", timeout=60)
        self.assertExit(r, 0)
        records = [record["value"] for record in self.fake.posts()]
        self.assertEqual(len(records), 5)
        cards = [v["embed"]["external"] for v in records if "embed" in v]
        self.assertEqual(len(cards), 3)
        self.assertEqual({c["uri"] for c in cards}, {og})
        self.assertEqual(len({c["thumb"]["ref"]["$link"] for c in cards}), 1)
        paths = [q.path for q in self.pages.requests]
        self.assertEqual((paths.count("/og"), paths.count("/img/card.png"),
                          paths.count("/missing")), (1, 1, 1), paths)

    def test_link_card_false_on_the_post_or_the_account(self):
        value, _ = self.post("/og", post_extra="    link_card: false\n")
        self.assertNotIn("embed", value)
        self.assertEqual(self.pages.requests, [])
        self.reset_state()
        self.fake.records.clear()
        value, _ = self.post("/og", account_extra="    link_card: false\n")
        self.assertNotIn("embed", value)
        self.assertEqual(self.pages.requests, [])

    def test_a_bad_link_card_setting_is_an_error_at_its_place(self):
        self.write("herald.yaml", f"""
accounts:
  sky:
    platform: bluesky
    url: {self.fake.url('')}
    handle: alice.test
    password_env: BSKY_PASSWORD
    link_card: maybe
posts:
  - id: p
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: hi
    link_card: no
""")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:7:16: error: account 'sky': 'link_card' must be true", r.err)
        self.assertIn("herald.yaml:13:16: error: 'posts[0].link_card' must be true or false", r.err)

    def test_plan_fetch_cards_shows_the_card_that_would_be_sent(self):
        self.write("herald.yaml", f"""
accounts:
  sky:
    platform: bluesky
    url: {self.fake.url('')}
    handle: alice.test
    password_env: BSKY_PASSWORD
posts:
  - id: og
    at: 2026-12-01T08:00:00Z
    to: [sky]
    text: "New: {self.pages.url('/og')}"
  - id: off
    at: 2026-12-01T09:00:00Z
    to: [sky]
    text: "Off: {self.pages.url('/og')}"
    link_card: false
  - id: text
    at: 2026-12-01T10:00:00Z
    to: [sky]
    text: "Text: {self.pages.url('/text')}"
""")
        plan = ["plan", "--now", "2026-12-01T07:00:00Z"]
        r = self.herald("--json", *plan)
        self.assertExit(r, 0)
        self.assertNotIn("card", r.json()["entries"][0]["parts"][0])
        self.assertEqual(self.pages.requests, [])  # only when asked
        r = self.herald("--json", *plan, "--fetch-cards")
        self.assertExit(r, 0)
        og, off, text = (e["parts"][0] for e in r.json()["entries"])
        self.assertEqual(og["card"], {"uri": self.pages.url("/og"), "title": "herald 1.4 & friends",
                                      "description": "Threads that split themselves.",
                                      "thumb": {"type": "image/png", "bytes": len(png())}})
        self.assertNotIn("card", off)
        self.assertNotIn("card_error", off)
        self.assertIn("text/plain is not a web page", text["card_error"])
        r = self.herald(*plan, "--fetch-cards")
        self.assertIn("[card] herald 1.4 & friends (" + self.pages.url("/og") + "), with an image\n",
                      r.out)
        self.assertEqual(self.fake.requests, [], "a plan never reaches the PDS")

    def test_a_release_announcement_on_bluesky_gets_the_release_pages_card(self):
        self.write("herald.yaml", f"""
accounts:
  sky:
    platform: bluesky
    url: {self.fake.url('')}
    handle: alice.test
    password_env: BSKY_PASSWORD
posts: []
""")
        items = "".join(f"- Item number {i} of a long list of changes in this release.\n"
                        for i in range(12))
        self.write("CHANGELOG.md", f"## [1.4.0] - 2026-12-01\n\n### Added\n\n{items}\n"
                                   f"[1.4.0]: {self.pages.url('/og')}\n")
        r = self.herald("--json", "post", "--to", "sky", "--release-notes", "CHANGELOG.md",
                        "--version", "1.4.0", "--now", "2026-12-01T12:00:00Z")
        self.assertExit(r, 0)
        [record] = self.fake.posts()
        value = record["value"]
        self.assertTrue(value["text"].startswith("Version 1.4.0 is out\n\n\u2022 Item number 0"))
        self.assertEqual(value["embed"]["external"]["uri"], self.pages.url("/og"))
        self.assertEqual(value["embed"]["external"]["title"], "herald 1.4 & friends")

    def reset_state(self):
        for suffix in ("", "-wal", "-shm"):
            path = self.state.with_name(self.state.name + suffix)
            if path.exists():
                path.unlink()


if __name__ == "__main__":
    main()
