"""herald report: UTM-tagged links on publishing, `report collect` against loopback fakes of the
platforms' read APIs whose numbers change between two collects, and the report's numbers, CSV,
JSON, --clicks join, HTML page and terminal table."""

import csv
import io
import json
import shutil
import signal
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from platforms.bluesky.fake_metrics import MetricsBluesky

from platforms.mastodon.fake_metrics import MetricsMastodon
from harness import OnPostgresql, HERALD, SOURCE_DIR, HeraldTest, main

TOKEN = "s3cr3t-token"
PASSWORD = "app-pass-s3cr3t"
ENV = {"MASTODON_TOKEN": TOKEN, "BSKY_PASSWORD": PASSWORD}

CALENDAR = """
name: shop
timezone: UTC
accounts:
  masto:
    platform: mastodon
    url: {masto}
    token_env: MASTODON_TOKEN
  sky:
    platform: bluesky
    url: {sky}
    handle: alice.test
    password_env: BSKY_PASSWORD
    link_card: false
  notes:
    platform: stub
    dir: outbox
defaults:
  utm:
    exclude: [example.net]
posts:
  - id: launch
    at: 2026-12-01T09:00:00Z
    to: [masto, sky]
    text: "Neu → https://example.org/launch. Docs: https://docs.example.net/x"
  - id: tip
    at: 2026-12-02T18:00:00Z
    to: [masto]
    campaign: tips
    text: "A tip https://example.org/tips?lang=fr#top"
"""

BEFORE = "2026-11-30T00:00:00Z"
LAUNCH_TAGS = "utm_source={}&utm_medium=social&utm_campaign=launch&utm_content=launch"


class ReportTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.masto = MetricsMastodon(token=TOKEN).start()
        self.addCleanup(self.masto.stop)
        self.sky = MetricsBluesky(password=PASSWORD)
        self.addCleanup(self.sky.stop)

    def calendar(self, extra=""):
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url, sky=self.sky.url("")) + extra)
        self.assertExit(self.herald("run", "--now", BEFORE, env=ENV), 0)

    def run_at(self, now):
        r = self.herald("run", "--now", now, env=ENV)
        self.assertExit(r, 0)

    def collect(self, now, *flags, code=0):
        r = self.herald("report", "collect", "--now", now, *flags, env=ENV)
        self.assertExit(r, code)
        return r

    def report(self, *args):
        r = self.herald("report", "--now", "2026-12-04T00:00:00Z", "--since", "7d", *args, env=ENV)
        self.assertExit(r, 0)
        return r

    def week(self):
        """Two posts on masto, one on sky, two collects with the numbers changing between."""
        self.calendar()
        self.run_at("2026-12-01T09:00:00Z")
        launch_masto = self.masto.status_posts()[0]
        [launch_masto_id] = list(self.masto.statuses)
        [launch_sky] = self.sky.posts()
        self.masto.followers, self.sky.followers = 100, 50
        self.masto.set_counts(launch_masto_id, likes=2, reposts=1, replies=0)
        self.sky.set_counts(launch_sky["uri"], likes=3, reposts=0, replies=1, quotes=0)
        self.assertEqual(self.collect("2026-12-01T12:00:00Z").out, "")

        self.run_at("2026-12-02T18:00:00Z")
        [tip_id] = [i for i in self.masto.statuses if i != launch_masto_id]
        self.masto.followers, self.sky.followers = 120, 56
        self.masto.set_counts(launch_masto_id, likes=5, reposts=2, replies=1)
        self.masto.set_counts(tip_id, likes=4, reposts=1, replies=0)
        self.sky.set_counts(launch_sky["uri"], likes=6, reposts=1, replies=1, quotes=1)
        self.collect("2026-12-03T12:00:00Z")
        return launch_masto, launch_sky

    def test_links_are_tagged_before_publishing_and_in_plan(self):
        self.calendar()
        plan = self.herald("plan", "--now", BEFORE, "--json", env=ENV)
        self.assertExit(plan, 0)
        texts = {(e["job"], e["parts"][0]["text"]) for e in plan.json()["entries"]}
        self.assertIn(("launch/masto", "Neu → https://example.org/launch?" + LAUNCH_TAGS.format("mastodon")
                       + ". Docs: https://docs.example.net/x"), texts)
        self.assertIn(("tip/masto", "A tip https://example.org/tips?lang=fr&utm_source=mastodon&"
                       "utm_medium=social&utm_campaign=tips&utm_content=tip#top"), texts)
        self.run_at("2026-12-01T09:00:00Z")
        [status] = self.masto.status_posts()
        self.assertEqual(status["json"]["status"], "Neu → https://example.org/launch?"
                         + LAUNCH_TAGS.format("mastodon") + ". Docs: https://docs.example.net/x")
        [post] = self.sky.posts()
        self.assertIn("https://example.org/launch?" + LAUNCH_TAGS.format("bluesky") + ".",
                      post["value"]["text"])
        # The link facet covers the tagged URL.
        [link] = [f for f in post["value"]["facets"]
                  if f["features"][0]["$type"] == "app.bsky.richtext.facet#link"
                  and "example.org" in f["features"][0]["uri"]]
        self.assertTrue(link["features"][0]["uri"].endswith("utm_content=launch"))

    def test_a_one_off_post_is_tagged_too(self):
        self.calendar()
        r = self.herald("post", "--to", "masto", "--id", "release-2.1", "--now",
                        "2026-12-01T10:00:00Z", "--text", "2.1 is out: https://example.org/2.1",
                        env=ENV)
        self.assertExit(r, 0)
        [status] = self.masto.status_posts()
        self.assertEqual(status["json"]["status"], "2.1 is out: https://example.org/2.1?utm_source="
                         "mastodon&utm_medium=social&utm_campaign=release-2.1&utm_content=release-2.1")

    def test_validate_measures_the_tagged_text(self):
        # 250 graphemes of text plus a link fit Bluesky's 300 before tagging, not after.
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url, sky=self.sky.url("")) + f"""
  - id: long
    at: 2026-12-05T09:00:00Z
    to: [sky]
    text: "{'é' * 250} https://example.org/l"
""")
        r = self.herald("validate", env=ENV)
        self.assertExit(r, 2)
        tagged = "https://example.org/l?" + "utm_source=bluesky&utm_medium=social&utm_campaign=long&utm_content=long"
        self.assertIn(f"is {250 + 1 + len(tagged)} characters", r.err)
        self.assertIn("'sky'", r.err)

    def test_collect_stores_snapshots_and_every_rate_is_right(self):
        self.week()
        report = self.report("--format", "json").json()
        posts = {p["job"]: p for p in report["posts"]}
        self.assertEqual(set(posts), {"launch/masto", "launch/sky", "tip/masto"})
        # Two snapshots of the launch, one of the tip (published between the collects).
        self.assertEqual(posts["launch/masto"]["snapshots"], 2)
        self.assertEqual(posts["tip/masto"]["snapshots"], 1)
        self.assertEqual(posts["launch/masto"]["counts"], {"likes": 5, "reposts": 2, "replies": 1})
        self.assertEqual(posts["launch/sky"]["counts"],
                         {"likes": 6, "reposts": 1, "replies": 1, "quotes": 1})
        self.assertEqual(posts["launch/masto"]["counted_at"], "2026-12-03T12:00:00Z")
        # Followers at publish time: launch predates every snapshot (the first after: 100, 50);
        # the tip has one before it (100).
        self.assertEqual(posts["launch/masto"]["followers_at_publish"], 100)
        self.assertEqual(posts["launch/sky"]["followers_at_publish"], 50)
        self.assertEqual(posts["tip/masto"]["followers_at_publish"], 100)
        self.assertEqual(posts["launch/masto"]["interactions"], 8)
        self.assertAlmostEqual(posts["launch/masto"]["engagement_rate"], 8 / 100)
        self.assertAlmostEqual(posts["launch/sky"]["engagement_rate"], 9 / 50)
        self.assertAlmostEqual(posts["tip/masto"]["engagement_rate"], 5 / 100)
        self.assertIsNone(posts["tip/masto"]["engagement_per_impression"])
        total = report["total"]
        self.assertEqual(total["interactions"], 22)
        self.assertAlmostEqual(total["engagement_rate"], 22 / 250)
        accounts = {a["account"]: a for a in report["accounts"]}
        self.assertEqual(set(accounts), {"masto", "sky"})  # the stub reports nothing
        self.assertEqual((accounts["masto"]["followers_start"], accounts["masto"]["followers_end"],
                          accounts["masto"]["growth"]), (100, 120, 20))
        self.assertAlmostEqual(accounts["masto"]["growth_rate"], 0.20)
        self.assertEqual(accounts["sky"]["growth"], 6)
        self.assertAlmostEqual(accounts["sky"]["growth_rate"], 0.12)
        self.assertEqual([p["followers"] for p in accounts["sky"]["series"]], [50, 56])
        # Tuesday 09:00 (the launch): 17 / 150; Wednesday 18:00 (the tip): 5 / 100.
        self.assertEqual(report["best_weekday"]["key"], "Tuesday")
        self.assertAlmostEqual(report["best_weekday"]["engagement_rate"], 17 / 150)
        self.assertEqual(report["best_hour"]["key"], "09:00")

    def test_grouping_csv_and_clicks(self):
        self.week()
        self.write("clicks.csv", 'utm_campaign,utm_content,Sessions,Conversions\r\n'
                                 'launch,launch,"1,200",30\r\n'
                                 '"tips",tip,10,1\r\n'
                                 'other,x,99,9\r\n')
        r = self.report("--by", "campaign", "--format", "csv", "--clicks", "clicks.csv")
        rows = list(csv.DictReader(io.StringIO(r.out)))
        self.assertEqual([row["campaign"] for row in rows], ["launch", "tips"])
        launch, tips = rows
        self.assertEqual((launch["posts"], launch["interactions"], launch["followers_at_publish"]),
                         ("2", "17", "150"))
        self.assertAlmostEqual(float(launch["engagement_rate"]), 17 / 150, places=6)
        # One export row, counted once for the campaign though both accounts' links match it.
        self.assertEqual(launch["clicks"], "1200")
        self.assertAlmostEqual(float(launch["click_through_rate"]), 1200 / 150, places=6)
        self.assertAlmostEqual(float(launch["conversion_rate"]), 30 / 1200, places=6)
        self.assertEqual((tips["clicks"], tips["conversions"]), ("10", "1"))
        self.assertAlmostEqual(float(tips["click_through_rate"]), 10 / 100, places=6)
        self.assertEqual(launch["impressions"], "0")
        self.assertEqual(launch["engagement_per_impression"], "")

        by_account = self.report("--by", "account", "--json").json()
        self.assertEqual([(row["key"], row["posts"], row["interactions"]) for row in by_account["rows"]],
                         [("masto", 2, 13), ("sky", 1, 9)])
        self.assertAlmostEqual(by_account["rows"][0]["engagement_rate"], 13 / 200)
        weekdays = self.report("--by", "weekday", "--json").json()["rows"]
        self.assertEqual([row["key"] for row in weekdays], ["Tuesday", "Wednesday"])

        bad = self.herald("report", "--clicks", "missing.csv", env=ENV)
        self.assertExit(bad, 2)
        self.assertIn("--clicks: cannot read missing.csv", bad.err)

    def test_table_has_sparklines_and_the_best_times(self):
        self.week()
        self.collect("2026-12-03T18:00:00Z")  # a third point for the trend
        r = self.report()
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "2026-11-27T00:00:00Z to 2026-12-04T00:00:00Z, by post")
        header = next(line for line in lines if line.startswith("POST"))
        self.assertEqual(header.split(), ["POST", "POSTS", "INTERACTIONS", "FOLLOWERS", "ENGAGEMENT"])
        rows = {line.split()[0]: line.split()[1:] for line in lines[3:6]}
        self.assertEqual(rows["launch/sky"], ["1", "9", "50", "18.00%"])
        self.assertEqual(rows["tip/masto"], ["1", "5", "100", "5.00%"])
        [total] = [line.split()[1:] for line in lines if line.startswith("total ")]
        self.assertEqual(total, ["3", "22", "250", "8.80%"])
        [masto] = [line for line in lines if line.startswith("masto (mastodon)")]
        self.assertEqual(masto.split()[2:], ["100", "120", "+20", "+20.00%", "▁██"])
        self.assertIn("best weekday: Tuesday (11.33% engagement over 2 posts)", r.out)
        self.assertIn("best hour: 09:00 UTC (11.33% engagement over 2 posts)", r.out)
        ascii_table = self.herald("report", "--now", "2026-12-04T00:00:00Z", env=dict(ENV, LC_ALL="C"))
        [masto] = [line for line in ascii_table.out.splitlines() if line.startswith("masto (")]
        self.assertTrue(masto.endswith("  ##"), masto)

    def test_html_page_is_well_formed_with_a_chart_per_account(self):
        self.week()
        r = self.report("--html", "report.html", "-q")
        self.assertEqual(r.out, "")
        page = (self.dir / "report.html").read_text()
        root = ET.fromstring(page)  # well-formed XML: every tag closed, every & escaped
        ns = "{http://www.w3.org/2000/svg}"
        sections = [s for s in root.iter("section") if s.get("class") == "account"]
        self.assertEqual(len(sections), 2)
        for section in sections:
            [svg] = list(section.iter(ns + "svg"))
            self.assertEqual(len(list(svg.iter(ns + "circle"))), 2)  # one point per collect
            self.assertEqual(len(list(svg.iter(ns + "polyline"))), 1)
        charts = list(root.iter(ns + "svg"))
        self.assertEqual(len(charts), 3)  # two accounts, and engagement per post over time
        self.assertEqual(len(list(charts[2].iter(ns + "circle"))), 3)
        self.assertNotIn("<script", page)
        self.assertNotIn("http://127.0.0.1", page)

        class Tags(HTMLParser):
            def __init__(self):
                super().__init__()
                self.seen = []

            def handle_starttag(self, tag, attrs):
                self.seen.append(tag)

        parser = Tags()
        parser.feed(page)
        self.assertEqual(parser.seen.count("table"), 1)
        self.assertIn("h1", parser.seen)

    def test_collect_json_and_one_failing_account(self):
        self.week()
        r = self.collect("2026-12-03T13:00:00Z", "--json")
        summary = r.json()
        self.assertEqual(summary["at"], "2026-12-03T13:00:00Z")
        self.assertEqual(summary["posts"], 3)
        by_name = {a["account"]: a for a in summary["accounts"]}
        self.assertEqual(by_name["masto"], {"account": "masto", "platform": "mastodon",
                                            "status": "counted", "posts": 2, "counted": 2,
                                            "followers": 120})
        self.assertEqual(by_name["notes"]["status"], "skipped")

        self.masto.fail("/api/v1/accounts/verify_credentials", status=503)
        r = self.collect("2026-12-03T14:00:00Z", code=1)
        self.assertIn("herald: error: account 'masto' (mastodon): mastodon: GET "
                      "/api/v1/accounts/verify_credentials", r.err)
        self.assertNotIn(TOKEN, r.err)
        report = self.report("--json").json()
        sky = [a for a in report["accounts"] if a["account"] == "sky"][0]
        self.assertEqual(len(sky["series"]), 4)  # sky was still counted
        masto = [a for a in report["accounts"] if a["account"] == "masto"][0]
        self.assertEqual(len(masto["series"]), 3)

    def test_bluesky_collect_reuses_and_renews_the_session(self):
        self.week()
        # The run logged in once; both collects used the session it kept in the state.
        self.assertEqual(len(self.sky.calls("com.atproto.server.createSession")), 1)
        self.sky.expire_access_tokens()
        self.sky.followers = 60
        self.collect("2026-12-03T16:00:00Z")
        self.assertEqual(len(self.sky.calls("com.atproto.server.refreshSession")), 1)
        self.assertEqual(len(self.sky.calls("com.atproto.server.createSession")), 1)
        sky = [a for a in self.report("--json").json()["accounts"] if a["account"] == "sky"][0]
        self.assertEqual(sky["followers_end"], 60)
        for call in self.sky.calls("app.bsky.feed.getPosts"):
            self.assertTrue(call.headers["authorization"].startswith("Bearer "))

    def test_mastodon_rate_limit_stops_the_round(self):
        self.week()
        self.masto.rate_limit_remaining = 1
        r = self.collect("2026-12-03T15:00:00Z", "--json", code=1)
        masto = [a for a in r.json()["accounts"] if a["account"] == "masto"][0]
        self.assertEqual((masto["status"], masto["counted"]), ("partial", 1))
        self.assertIn("rate limit", masto["error"])
        self.assertIn("retry after 2026-12-03T16:00:00Z", masto["error"])  # clamped to an hour

    def test_mastodon_429_keeps_what_was_read(self):
        self.week()
        self.masto.fail("/api/v1/statuses/", status=429, headers={"Retry-After": "120"}, count=1)
        r = self.collect("2026-12-03T15:00:00Z", "--json", code=1)
        masto = [a for a in r.json()["accounts"] if a["account"] == "masto"][0]
        self.assertEqual((masto["status"], masto["counted"], masto["followers"]), ("partial", 0, 120))
        self.assertIn("retry after 2026-12-03T15:02:00Z", masto["error"])
        self.assertEqual(r.json()["posts"], 1)  # sky's launch was still counted

    def test_bluesky_get_posts_in_batches_of_25(self):
        posts = "".join(f"""
  - id: p{i}
    at: 2026-12-01T10:00:00Z
    to: [sky]
    text: post {i}
""" for i in range(26))
        self.calendar(posts)
        self.run_at("2026-12-01T10:00:00Z")
        self.assertEqual(len(self.sky.posts()), 27)  # with the launch
        self.sky.followers = 7
        self.collect("2026-12-01T12:00:00Z")
        calls = self.sky.calls("app.bsky.feed.getPosts")
        self.assertEqual([len(c.query["uris"]) for c in calls], [25, 2])
        report = self.report("--json").json()
        self.assertEqual([p["snapshots"] for p in report["posts"]], [1] * 28)

    def test_plugin_metrics_with_impressions(self):
        shutil.copytree(SOURCE_DIR / "tests" / "e2e" / "plugins", self.dir / "plugins")
        self.write("herald.yaml", """
            timezone: Europe/Paris
            accounts:
              news:
                platform: exec
                command: [./plugins/counting.py]
                options: {dir: counting}
              stamps:
                platform: exec
                command: [./plugins/from_manual.py]
                options: {dir: stamps}
            posts:
              - id: letter
                at: 2026-12-01T08:00:00Z
                to: [news, stamps]
                text: hello
            """)
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        self.assertExit(self.herald("run", "--now", "2026-12-01T08:00:00Z"), 0)
        self.write("counting/metrics.json", json.dumps({
            "followers": 400, "posts": {"c-letter-news": {"views": 1000, "likes": 30,
                                                          "replies": 10, "clicks": 7}}}))
        r = self.herald("report", "collect", "--now", "2026-12-02T08:00:00Z", "--json")
        self.assertExit(r, 0)
        by_name = {a["account"]: a for a in r.json()["accounts"]}
        self.assertEqual((by_name["news"]["status"], by_name["news"]["followers"]), ("counted", 400))
        self.assertEqual(by_name["stamps"]["status"], "skipped")
        self.assertIn("does not have the metrics capability", by_name["stamps"]["error"])
        requests = [json.loads(line) for line in
                    (self.dir / "counting" / "requests.jsonl").read_text().splitlines()]
        self.assertEqual([q["posts"] for q in requests if q["type"] == "metrics"],
                         [[], [{"remote_id": "c-letter-news"}]])
        report = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--json").json()
        [news] = [p for p in report["posts"] if p["account"] == "news"]
        self.assertEqual(news["impressions"], 1000)
        self.assertEqual(news["interactions"], 40)  # views and clicks are not interactions
        self.assertAlmostEqual(news["engagement_rate"], 40 / 400)
        self.assertAlmostEqual(news["engagement_per_impression"], 40 / 1000)
        # 08:00Z is 09:00 on the calendar's clock (Europe/Paris).
        self.assertEqual(report["best_hour"]["key"], "09:00")
        self.write("clicks.csv", "utm_campaign,utm_content,clicks,conversions\nletter,letter,50,5\n")
        by_post = self.herald("report", "--now", "2026-12-03T00:00:00Z", "--json", "--clicks",
                              "clicks.csv").json()
        [row] = [r for r in by_post["rows"] if r["key"] == "letter/news"]
        self.assertAlmostEqual(row["click_through_rate"], 50 / 1000)  # reach: the impressions

    def test_daemon_collects_on_an_interval(self):
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url, sky=self.sky.url("")))
        self.masto.followers, self.sky.followers = 10, 20
        err_path = self.dir / "daemon.err"
        with open(err_path, "w") as err:
            proc = subprocess.Popen([HERALD, "-c", "herald.yaml", "daemon", "--max-sleep", "1",
                                     "--collect-every", "2s"], cwd=self.dir,
                                    env=dict(self.env, **ENV), stdout=subprocess.DEVNULL, stderr=err)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))

        def snapshots():
            try:
                return [row[0] for row in self.state_rows(
                    "SELECT followers FROM account_metrics WHERE account = 'masto' ORDER BY at")]
            except (AssertionError, sqlite3.OperationalError):  # no tables yet (or being made)
                return []

        deadline = time.monotonic() + 20
        while not snapshots() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.masto.followers = 11
        while 11 not in snapshots() and time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), err_path.read_text())
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0, err_path.read_text())
        self.assertEqual(snapshots()[0], 10)
        self.assertEqual(snapshots()[-1], 11)
        # (A calendar written within a second of the start is read again: "reloaded" lines.)
        self.assertNotIn("error", err_path.read_text())
        self.assertNotIn("warning", err_path.read_text())
        self.assertEqual(self.herald("daemon", "--collect-every", "0s").err,
                         "herald: error: --collect-every: must be longer than 0s\n")

    def test_no_state_yet(self):
        self.write("herald.yaml", CALENDAR.format(masto=self.masto.url, sky=self.sky.url("")))
        r = self.herald("report", "--now", "2026-12-04T00:00:00Z", env=ENV)
        self.assertExit(r, 0)
        self.assertIn("no posts published in this window", r.out)


class ReportTestPostgresql(OnPostgresql, ReportTest):
    """The same on a PostgreSQL state."""


if __name__ == "__main__":
    main()
