#include "report/analysis.hpp"
#include "report/clicks.hpp"
#include "report/format.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::report;

namespace {

TimePoint
at(const char* text)
{
  return *parse_rfc3339(text);
}

PublishedPost
post(const char* job, const char* account, const char* posted, const char* campaign = "c")
{
  std::string id = std::string(job).substr(0, std::string(job).find('/'));
  return {
    "cal", job,        id,       account, account == std::string("masto") ? "mastodon" : "bluesky",
    "",    at(posted), campaign, account, campaign,
    id
  };
}

store::PostSnapshot
counts(const char* job, const char* when, int64_t likes, int64_t reposts, int64_t replies,
       int64_t quotes = 0)
{
  return {
    "cal",
    job,
    "",
    "",
    at(when),
    { { "likes", likes }, { "reposts", reposts }, { "replies", replies }, { "quotes", quotes } }
  };
}

store::FollowerSnapshot
followers(const char* account, const char* when, int64_t n)
{
  return { "cal", account, "mastodon", at(when), n };
}

} // namespace

TEST_SUITE("report::Analysis")
{
  TEST_CASE("followers at publish time: the nearest snapshot before, else the first after")
  {
    const std::vector<store::FollowerSnapshot> s = {
      followers("masto", "2026-12-01T00:00:00Z", 100),
      followers("masto", "2026-12-02T00:00:00Z", 110), followers("sky", "2026-12-03T00:00:00Z", 50),
      followers("sky", "2026-12-04T00:00:00Z", 70)
    };
    CHECK(followers_at(s, "masto", at("2026-12-01T12:00:00Z")) == 100);
    CHECK(followers_at(s, "masto", at("2026-12-02T00:00:00Z")) == 110);
    CHECK(followers_at(s, "masto", at("2026-12-05T00:00:00Z")) == 110);
    CHECK(followers_at(s, "sky", at("2026-12-01T00:00:00Z")) == 50);
    CHECK_FALSE(followers_at(s, "other", at("2026-12-01T00:00:00Z")));
  }

  TEST_CASE("every rate against hand-worked numbers")
  {
    ReportInput input;
    input.since = at("2026-12-01T00:00:00Z");
    input.until = at("2026-12-08T00:00:00Z");
    input.posts = { post("a/masto", "masto", "2026-12-01T09:00:00Z", "spring"),
                    post("b/masto", "masto", "2026-12-02T09:00:00Z", "spring"),
                    post("c/sky", "sky", "2026-12-03T18:00:00Z", "autumn"),
                    post("old/masto", "masto", "2026-11-01T09:00:00Z") };
    input.follower_snapshots = { followers("masto", "2026-11-30T00:00:00Z", 200),
                                 followers("masto", "2026-12-02T08:00:00Z", 250),
                                 followers("masto", "2026-12-07T00:00:00Z", 300),
                                 followers("sky", "2026-12-04T00:00:00Z", 40) };
    input.post_snapshots = { counts("a/masto", "2026-12-02T00:00:00Z", 1, 1, 0),
                             counts("a/masto", "2026-12-07T00:00:00Z", 6, 3, 1),
                             counts("b/masto", "2026-12-07T00:00:00Z", 10, 2, 3),
                             counts("c/sky", "2026-12-07T00:00:00Z", 2, 1, 0, 1),
                             counts("c/sky", "2026-12-09T00:00:00Z", 90, 0, 0) };
    input.clicks = ClickTable{ { "spring", "a", "", 40, 4 },
                               { "spring", "b", "masto", 25, 1 },
                               { "spring", "b", "sky", 999, 999 },
                               { "autumn", "c", "", 8, 0 } };

    SUBCASE("per post")
    {
      const Report r = build_report(input);
      REQUIRE(r.posts.size() == 3); // "old" is outside the window
      const auto& a = r.posts[0];
      CHECK(a.post.job_id == "a/masto");
      CHECK(a.snapshots == 2);
      CHECK(a.interactions == 10);          // 6 + 3 + 1, the latest snapshot
      CHECK(a.followers_at_publish == 200); // the snapshot before 12-01 09:00
      CHECK(*a.totals.engagement_rate() == doctest::Approx(10.0 / 200));
      CHECK(*a.totals.click_through_rate() == doctest::Approx(40.0 / 200));
      CHECK(*a.totals.conversion_rate() == doctest::Approx(4.0 / 40));
      const auto& b = r.posts[1];
      CHECK(b.interactions == 15);
      CHECK(b.followers_at_publish == 250);
      CHECK(*b.totals.engagement_rate() == doctest::Approx(15.0 / 250));
      CHECK(b.totals.clicks == 25); // utm_source tells masto's row from sky's
      const auto& c = r.posts[2];
      CHECK(c.interactions == 4);          // the 12-09 snapshot is after the window
      CHECK(c.followers_at_publish == 40); // no snapshot before: the first after
      CHECK(*c.totals.engagement_rate() == doctest::Approx(4.0 / 40));
      CHECK_FALSE(c.totals.engagement_per_impression());
    }

    SUBCASE("aggregated: totals over totals, not a mean of rates")
    {
      input.by = Grouping::campaign;
      const Report r = build_report(input);
      REQUIRE(r.rows.size() == 2);
      CHECK(r.rows[0].key == "autumn");
      CHECK(r.rows[1].key == "spring");
      CHECK(r.rows[1].totals.posts == 2);
      CHECK(r.rows[1].totals.interactions == 25);
      CHECK(*r.rows[1].totals.engagement_rate() == doctest::Approx(25.0 / 450));
      CHECK(r.rows[1].totals.clicks == 65);
      CHECK(*r.rows[1].totals.click_through_rate() == doctest::Approx(65.0 / 450));
      CHECK(*r.rows[1].totals.conversion_rate() == doctest::Approx(5.0 / 65));
      CHECK(*r.total.engagement_rate() == doctest::Approx(29.0 / 490));
    }

    SUBCASE("follower growth over the window, best weekday and hour")
    {
      const Report r = build_report(input);
      REQUIRE(r.accounts.size() == 2);
      CHECK(r.accounts[0].account == "masto");
      CHECK(r.accounts[0].start == 200); // the last snapshot before the window
      CHECK(r.accounts[0].end == 300);
      CHECK(r.accounts[0].growth() == 100);
      CHECK(*r.accounts[0].growth_rate() == doctest::Approx(0.5));
      CHECK(r.accounts[0].series.size() == 3);
      CHECK(r.accounts[1].start == 40);
      CHECK(r.accounts[1].growth() == 0);
      // Tuesday 12-01: 10/200 = 5%; Wednesday 12-02: 15/250 = 6%; Thursday 12-03: 4/40 = 10%.
      REQUIRE(r.best_weekday);
      CHECK(r.best_weekday->key == "Thursday");
      CHECK(r.best_weekday->engagement_rate == doctest::Approx(0.1));
      // 09:00: 25/450; 18:00: 4/40.
      REQUIRE(r.best_hour);
      CHECK(r.best_hour->key == "18:00");
    }

    SUBCASE("weekdays and hours are the calendar's")
    {
      input.zone = *Zone::locate("Asia/Tokyo"); // 12-03 18:00Z is Friday 03:00 in Tokyo
      input.by = Grouping::hour;
      const Report r = build_report(input);
      CHECK(r.best_weekday->key == "Friday");
      CHECK(r.best_hour->key == "03:00");
      CHECK(r.rows.front().key == "03:00");
    }
  }

  TEST_CASE("impressions, where a platform reports them, give a per-impression rate")
  {
    ReportInput input;
    input.since = at("2026-12-01T00:00:00Z");
    input.until = at("2026-12-08T00:00:00Z");
    input.posts = { post("p/masto", "masto", "2026-12-01T09:00:00Z") };
    input.post_snapshots = { { "cal",
                               "p/masto",
                               "",
                               "",
                               at("2026-12-02T00:00:00Z"),
                               { { "likes", 3 }, { "replies", 2 }, { "views", 500 } } } };
    const Report r = build_report(input);
    CHECK(r.posts[0].impressions == 500);
    CHECK(*r.total.engagement_per_impression() == doctest::Approx(5.0 / 500));
    CHECK_FALSE(r.total.engagement_rate()); // no follower count known
  }
}

TEST_SUITE("report::Clicks")
{
  TEST_CASE("RFC 4180: quotes, doubled quotes, commas and line breaks inside, CRLF, BOM")
  {
    const auto rows = parse_csv("\xEF\xBB\xBF"
                                "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
                                "\"multi\nline\",,x\n"
                                "\n"
                                "last");
    REQUIRE(rows);
    REQUIRE(rows->size() == 3);
    CHECK((*rows)[0] == std::vector<std::string>{ "a", "b,c", "say \"hi\"" });
    CHECK((*rows)[1] == std::vector<std::string>{ "multi\nline", "", "x" });
    CHECK((*rows)[2] == std::vector<std::string>{ "last" });
    CHECK(parse_csv("a,\"open\n").error() == "line 1: a quoted field is never closed");
    CHECK(parse_csv("a\n\"b\"c\n").error() == "line 2: text after a closing quote");
  }

  TEST_CASE("the export's columns in any order and case; sessions stand in for clicks")
  {
    const auto table = parse_clicks("Sessions,UTM_Content,Conversions,utm_campaign\n"
                                    "\"1,204\",launch,12,spring\n"
                                    "7,tip,,\"spring, 2026\"\n",
                                    "ga.csv");
    REQUIRE(table);
    REQUIRE(table->size() == 2);
    CHECK((*table)[0].campaign == "spring");
    CHECK((*table)[0].content == "launch");
    CHECK((*table)[0].clicks == 1204);
    CHECK((*table)[0].conversions == 12);
    CHECK((*table)[1].campaign == "spring, 2026");
    CHECK((*table)[1].conversions == 0);
    CHECK(parse_clicks("utm_campaign,clicks\n", "ga.csv").error() ==
          "ga.csv:1: the header needs utm_campaign, utm_content and clicks or sessions columns");
    CHECK(parse_clicks("utm_campaign,utm_content,clicks\nx,y,many\n", "ga.csv").error() ==
          "ga.csv:2: 'many' is not a count");
  }
}

TEST_SUITE("report::Format")
{
  TEST_CASE("sparklines in block characters, or ASCII")
  {
    CHECK(sparkline({ 100, 110, 120, 170 }, true) == "▁▂▃█");
    CHECK(sparkline({ 100, 110, 120, 170 }, false) == " .:#");
    CHECK(sparkline({ 5, 5 }, true) == "▁▁");
    CHECK(sparkline({}, true).empty());
    // 720 hourly points fit in 24 characters, first and last kept.
    std::vector<int64_t> month;
    for (int64_t i = 0; i < 720; ++i) {
      month.push_back(1000 + i);
    }
    CHECK(sparkline(month, false) == "  ...::::---===++++***##");
    CHECK(sparkline({ 1, 9, 5 }, false, 2) == " #");
  }

  TEST_CASE("the table says how to get numbers before the first collect")
  {
    ReportInput input;
    input.since = at("2026-12-01T00:00:00Z");
    input.until = at("2026-12-08T00:00:00Z");
    input.posts = { post("a/masto", "masto", "2026-12-01T09:00:00Z") };
    const auto table = format_table(build_report(input), "UTC", true);
    CHECK(table ==
          "2026-12-01T00:00:00Z to 2026-12-08T00:00:00Z, by post\n"
          "\n"
          "POST     POSTS  INTERACTIONS  FOLLOWERS  ENGAGEMENT\n"
          "a/masto      1             0          0           -\n"
          "\n"
          "no follower counts yet: run 'herald report collect' (from cron, e.g. hourly)\n");
  }

  TEST_CASE("percentages and escaping")
  {
    CHECK(percent(0.0425) == "4.25%");
    CHECK(percent(std::nullopt) == "-");
    CHECK(escape_html("<a href=\"x\">Tom & Jerry's</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  }
}
