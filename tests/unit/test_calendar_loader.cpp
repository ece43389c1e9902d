#include "testutil.hpp"

#include "calendar/loader.hpp"

#include <doctest/doctest.h>

#include <string>

using herald::TimePoint;
using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::LoadResult;
using herald::calendar::Schedule;
using herald::test::all_messages;
using herald::test::TestDir;
namespace fs = std::filesystem;

namespace {

TimePoint
utc(std::string_view text)
{
  auto t = herald::parse_rfc3339(text);
  REQUIRE(t);
  return *t;
}

LoadOptions
without_media_check()
{
  LoadOptions options;
  options.check_media = false;
  return options;
}

const char* const k_full_calendar = R"(timezone: Europe/Berlin
name: herald-news

accounts:
  masto:
    platform: mastodon
    url: https://fosstodon.org
    token_env: MASTODON_TOKEN
  sky:
    platform: bluesky
    url: https://bsky.social
    handle: herald.bsky.social
    password_env: BLUESKY_APP_PASSWORD
  team:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
  mine:
    platform: exec
    command: [./plugins/herald-newsletter, --list, weekly]
    env: [NEWSLETTER_TOKEN]
    options: {retries: 3, quiet: ~}

defaults:
  to: [masto, sky]
  grace: 2h
  utm: {medium: social}

posts:
  - id: v2-launch
    at: 2026-12-01 09:00
    text: |
      herald 2.0 is out: faster queues and a new inbox.
      https://example.org/v2
    media:
      - file: media/v2.png
        alt: The herald 2.0 dashboard with three scheduled posts
    variants:
      sky:
        text: herald 2.0 is out https://example.org/v2

  - id: v2-thread
    at: 2026-12-01 09:30
    to: [masto]
    thread:
      - text: 1/ What changed in 2.0, a short thread.
      - text: 2/ The queue survives crashes and overlapping cron runs.
        media: [{file: media/queue.png, alt: A diagram of the job states}]

  - id: weekly-tip
    cron: "0 10 * * MON"
    start: 2026-12-01
    until: 2027-03-01
    count: 10
    to: masto
    grace: 30m
    utm: {campaign: tips}
    text: "Tip: `herald plan --days 7` shows what fires this week."

  - id: draft
    enabled: false
    at: 2026-12-05 12:00
    text: Not ready yet.
)";

} // namespace

TEST_SUITE("calendar::Loader")
{
  TEST_CASE("a complete calendar loads without diagnostics")
  {
    TestDir dir;
    dir.write("media/v2.png", "\x89PNG");
    dir.write("media/queue.png", "\x89PNG");
    dir.write("c.yaml", k_full_calendar);

    const LoadResult result = load_calendar("c.yaml");
    CHECK(all_messages(result) == "");
    REQUIRE(result.calendar);
    const auto& calendar = *result.calendar;

    CHECK(calendar.file == dir.path() / "c.yaml");
    CHECK(calendar.files == std::vector<fs::path>{ dir.path() / "c.yaml" });
    CHECK(calendar.name == "herald-news");
    CHECK(calendar.zone.name() == "Europe/Berlin");
    CHECK(calendar.default_to == std::vector<std::string>{ "masto", "sky" });
    CHECK(calendar.grace == std::chrono::hours(2));

    SUBCASE("accounts")
    {
      REQUIRE(calendar.accounts.size() == 4);
      const auto& masto = calendar.accounts.at("masto");
      CHECK(masto.name == "masto");
      CHECK(masto.platform == "mastodon");
      CHECK(masto.settings.dump() ==
            R"({"token_env":"MASTODON_TOKEN","url":"https://fosstodon.org"})");
      CHECK(masto.base_dir == dir.path());
      CHECK(masto.pos.file == "c.yaml");
      CHECK(masto.pos.line == 5);
      CHECK(masto.pos.column == 3);
      REQUIRE(masto.setting_pos.count("url") == 1);
      CHECK(masto.setting_pos.at("url").line == 7);
      CHECK(masto.setting_pos.at("url").column == 10);

      const auto& mine = calendar.accounts.at("mine");
      CHECK(mine.platform == "exec");
      CHECK(mine.settings.dump() ==
            R"({"command":["./plugins/herald-newsletter","--list","weekly"],)"
            R"("env":["NEWSLETTER_TOKEN"],"options":{"quiet":null,"retries":"3"}})");
    }

    SUBCASE("a one-off post with media and a variant")
    {
      REQUIRE(calendar.posts.size() == 4);
      const auto& post = calendar.posts[0];
      CHECK(post.id == "v2-launch");
      CHECK(post.pos.line == 29);
      CHECK(post.pos.column == 5);
      CHECK(post.to == std::vector<std::string>{ "masto", "sky" });
      CHECK(post.schedule.kind == Schedule::Kind::at);
      CHECK(post.schedule.at == utc("2026-12-01T08:00:00Z"));
      CHECK(post.schedule.pos.line == 30);
      CHECK(post.schedule.pos.column == 9);
      CHECK_FALSE(post.is_thread);
      CHECK(post.enabled);
      CHECK_FALSE(post.grace);
      REQUIRE(post.parts.size() == 1);
      CHECK(post.parts[0].text ==
            "herald 2.0 is out: faster queues and a new inbox.\nhttps://example.org/v2");
      REQUIRE(post.parts[0].media.size() == 1);
      const auto& media = post.parts[0].media[0];
      CHECK(media.file == "media/v2.png");
      CHECK(media.path == dir.path() / "media" / "v2.png");
      CHECK(media.alt == "The herald 2.0 dashboard with three scheduled posts");
      CHECK(media.pos.line == 35);
      CHECK(media.pos.column == 9);
      REQUIRE(post.variants.count("sky") == 1);
      CHECK(post.variants.at("sky").text == "herald 2.0 is out https://example.org/v2");
      CHECK_FALSE(post.variants.at("sky").media);

      const auto rendered = herald::calendar::render_for(post, "sky");
      REQUIRE(rendered.size() == 1);
      // `defaults: utm:` tags the link with the account's platform and the post's id.
      CHECK(rendered[0].text == "herald 2.0 is out https://example.org/v2?utm_source=bluesky&"
                                "utm_medium=social&utm_campaign=v2-launch&utm_content=v2-launch");
      CHECK(rendered[0].media.size() == 1);
    }

    SUBCASE("a thread")
    {
      const auto& post = calendar.posts[1];
      CHECK(post.id == "v2-thread");
      CHECK(post.to == std::vector<std::string>{ "masto" });
      CHECK(post.is_thread);
      REQUIRE(post.parts.size() == 2);
      CHECK(post.parts[0].text == "1/ What changed in 2.0, a short thread.");
      CHECK(post.parts[0].media.empty());
      REQUIRE(post.parts[1].media.size() == 1);
      CHECK(post.parts[1].media[0].path == dir.path() / "media" / "queue.png");
      CHECK(post.parts[1].media[0].alt == "A diagram of the job states");
    }

    SUBCASE("a repeating post")
    {
      const auto& post = calendar.posts[2];
      CHECK(post.id == "weekly-tip");
      CHECK(post.to == std::vector<std::string>{ "masto" });
      CHECK(post.schedule.kind == Schedule::Kind::cron);
      REQUIRE(post.schedule.cron);
      CHECK(post.schedule.cron->text() == "0 10 * * MON");
      // A bare start date is the start of that local day, a bare until date its end.
      CHECK(post.schedule.start == utc("2026-11-30T23:00:00Z"));
      CHECK(post.schedule.until == utc("2027-03-01T22:59:59Z"));
      CHECK(post.schedule.count == 10);
      CHECK(post.grace == std::chrono::minutes(30));
      CHECK(post.parts[0].text == "Tip: `herald plan --days 7` shows what fires this week.");
    }

    SUBCASE("a disabled post")
    {
      const auto& post = calendar.posts[3];
      CHECK(post.id == "draft");
      CHECK_FALSE(post.enabled);
      CHECK(calendar.find_post("draft") == &post);
    }
  }

  TEST_CASE("an empty file is an empty calendar in UTC")
  {
    TestDir dir;
    dir.write("c.yaml", "# nothing yet\n");
    const LoadResult result = load_calendar("c.yaml");
    CHECK(all_messages(result) == "");
    REQUIRE(result.calendar);
    CHECK(result.calendar->zone.name() == "UTC");
    CHECK(result.calendar->posts.empty());
    CHECK(result.calendar->grace == std::chrono::hours(1));
  }

  TEST_CASE("positions name the file as the caller wrote it")
  {
    TestDir dir;
    dir.write("sub/c.yaml", "posts:\n  - id: a\n");
    const fs::path absolute = dir.path() / "sub" / "c.yaml";

    SUBCASE("relative")
    {
      const LoadResult result = load_calendar("sub/c.yaml");
      CHECK(all_messages(result) ==
            "sub/c.yaml:2:5: error: post 'a' has no accounts: add 'to:' or 'defaults: to:'\n"
            "sub/c.yaml:2:5: error: post 'a' has no time: add 'at:', 'cron:' or 'queue: true'\n"
            "sub/c.yaml:2:5: error: post 'a' has no text: add 'text:' or 'thread:'\n");
      REQUIRE(result.calendar);
      CHECK(result.calendar->file == absolute);
    }
    SUBCASE("absolute")
    {
      const LoadResult result = load_calendar(absolute);
      CHECK(result.diagnostics.all().at(0).to_string() ==
            absolute.string() +
              ":2:5: error: post 'a' has no accounts: add 'to:' or 'defaults: to:'");
    }
  }

  TEST_CASE("the file cannot be read")
  {
    TestDir dir;
    const LoadResult result = load_calendar("missing.yaml");
    CHECK(all_messages(result) ==
          "missing.yaml: error: cannot read file: No such file or directory\n");
    CHECK_FALSE(result.calendar);
  }

  TEST_CASE("check_account is called for each account with a platform")
  {
    TestDir dir;
    dir.write("c.yaml", "accounts:\n"
                        "  masto: {platform: mastodon, url: https://example.social}\n"
                        "  outbox: {platform: stub}\n"
                        "  broken: {dir: x}\n");
    std::vector<std::string> seen;
    LoadOptions options;
    options.check_account = [&](const herald::calendar::Account& account,
                                herald::Diagnostics& diagnostics) {
      seen.push_back(account.name + ":" + account.platform);
      if (account.platform == "mastodon") {
        diagnostics.error(account.setting_pos.at("url"), "checked " + account.name);
      }
    };
    const LoadResult result = load_calendar("c.yaml", options);
    CHECK(seen == std::vector<std::string>{ "masto:mastodon", "outbox:stub" });
    CHECK(all_messages(result) == "c.yaml:2:36: error: checked masto\n"
                                  "c.yaml:4:11: error: account 'broken' has no 'platform:'\n");
  }

  TEST_CASE("includes")
  {
    TestDir dir;
    dir.write("main.yaml", "timezone: Europe/Berlin\n"
                           "include: [parts/team.yaml]\n"
                           "defaults: {to: [masto]}\n"
                           "posts:\n"
                           "  - {id: a, at: 2026-12-01 09:00, text: from main}\n");
    dir.write("parts/team.yaml", "include:\n"
                                 "  - more/posts.yaml\n"
                                 "accounts:\n"
                                 "  masto: {platform: mastodon, dir: out}\n"
                                 "posts:\n"
                                 "  - id: b\n"
                                 "    at: 2026-12-01 10:00\n"
                                 "    text: from team\n"
                                 "    media: [{file: img/b.png, alt: A picture}]\n");
    dir.write("parts/more/posts.yaml", "posts:\n"
                                       "  - id: c\n"
                                       "    at: 2026-12-01 11:00\n"
                                       "    txt: typo\n");

    SUBCASE("accounts and posts from every file")
    {
      const LoadResult result = load_calendar("main.yaml", without_media_check());
      CHECK(all_messages(result) ==
            "parts/more/posts.yaml:2:5: error: post 'c' has no text: add 'text:' or "
            "'thread:'\n"
            "parts/more/posts.yaml:4:5: error: unknown key 'txt' in post 'c', did you mean "
            "'text'?\n");
      REQUIRE(result.calendar);
      const auto& calendar = *result.calendar;
      CHECK(calendar.files ==
            std::vector<fs::path>{ dir.path() / "main.yaml", dir.path() / "parts" / "team.yaml",
                                   dir.path() / "parts" / "more" / "posts.yaml" });
      CHECK(calendar.accounts.at("masto").base_dir == dir.path() / "parts");
      CHECK(calendar.accounts.at("masto").pos.file == "parts/team.yaml");
      REQUIRE(calendar.posts.size() == 3);
      CHECK(calendar.posts[0].id == "a");
      CHECK(calendar.posts[1].id == "b");
      CHECK(calendar.posts[1].pos.file == "parts/team.yaml");
      CHECK(calendar.posts[1].to == std::vector<std::string>{ "masto" });
      // Included posts use the main file's zone.
      CHECK(calendar.posts[1].schedule.at == utc("2026-12-01T09:00:00Z"));
      CHECK(calendar.posts[1].parts[0].media[0].path == dir.path() / "parts" / "img" / "b.png");
      CHECK(calendar.posts[2].pos.file == "parts/more/posts.yaml");
    }

    SUBCASE("media is looked up next to the file that names it")
    {
      const LoadResult result = load_calendar("main.yaml");
      CHECK(all_messages(result) ==
            "parts/more/posts.yaml:2:5: error: post 'c' has no text: add 'text:' or "
            "'thread:'\n"
            "parts/more/posts.yaml:4:5: error: unknown key 'txt' in post 'c', did you mean "
            "'text'?\n"
            "parts/team.yaml:9:20: error: media file 'img/b.png' not found (looked in " +
              (dir.path() / "parts" / "img" / "b.png").string() + ")\n");
    }

    SUBCASE("an absolute main path gives absolute include paths")
    {
      const LoadResult result = load_calendar(dir.path() / "main.yaml", without_media_check());
      CHECK(result.diagnostics.all().at(0).pos.file ==
            (dir.path() / "parts" / "more" / "posts.yaml").string());
    }
  }

  TEST_CASE("include errors")
  {
    TestDir dir;
    SUBCASE("a cycle")
    {
      dir.write("main.yaml", "include: [a.yaml]\n");
      dir.write("a.yaml", "include: [b.yaml]\n");
      dir.write("b.yaml", "posts: []\ninclude: [a.yaml, ./main.yaml]\n");
      const LoadResult result = load_calendar("main.yaml");
      CHECK(all_messages(result) ==
            "b.yaml:2:11: error: include cycle: a.yaml -> b.yaml -> a.yaml\n"
            "b.yaml:2:19: error: include cycle: main.yaml -> a.yaml -> b.yaml -> "
            "./main.yaml\n");
      REQUIRE(result.calendar);
      CHECK(result.calendar->files.size() == 3);
    }
    SUBCASE("a file that includes itself")
    {
      dir.write("main.yaml", "include: main.yaml\n");
      CHECK(all_messages(load_calendar("main.yaml")) ==
            "main.yaml:1:10: error: include cycle: main.yaml -> main.yaml\n");
    }
    SUBCASE("the same file twice")
    {
      dir.write("main.yaml", "include:\n  - a.yaml\n  - b.yaml\n");
      dir.write("a.yaml", "accounts: {x: {platform: stub}}\n");
      dir.write("b.yaml", "include: [a.yaml]\n");
      CHECK(all_messages(load_calendar("main.yaml")) ==
            "b.yaml:1:11: error: 'a.yaml' is included more than once (first at "
            "main.yaml:2:5)\n");
    }
    SUBCASE("missing, not a path, a URL")
    {
      dir.write("main.yaml", "include:\n  - nope.yaml\n  - [x]\n  - https://example.org/c.yaml\n");
      CHECK(all_messages(load_calendar("main.yaml")) ==
            "main.yaml:2:5: error: cannot read included file 'nope.yaml': No such file or "
            "directory\n"
            "main.yaml:3:5: error: 'include[1]' must be a file path\n"
            "main.yaml:4:5: error: included files must be local file paths, not URLs\n");
    }
    SUBCASE("keys only the main file may set")
    {
      dir.write("main.yaml", "include: [a.yaml]\n");
      dir.write("a.yaml", "timezone: UTC\ndefaults: {to: [x]}\npost: []\n");
      CHECK(all_messages(load_calendar("main.yaml")) ==
            "a.yaml:1:1: error: 'timezone:' is not allowed in an included file; only "
            "'accounts:', 'posts:' and 'include:' are\n"
            "a.yaml:2:1: error: 'defaults:' is not allowed in an included file; only "
            "'accounts:', 'posts:' and 'include:' are\n"
            "a.yaml:3:1: error: unknown key 'post' at top level, did you mean 'posts'?\n");
    }
    SUBCASE("duplicate accounts and post ids across files")
    {
      dir.write("main.yaml", "include: [a.yaml]\n"
                             "accounts:\n"
                             "  x: {platform: stub}\n"
                             "posts:\n"
                             "  - {id: p, to: x, at: 2026-12-01 09:00, text: hi}\n");
      dir.write("a.yaml", "accounts:\n"
                          "  x: {platform: stub}\n"
                          "posts:\n"
                          "  - {id: p, to: x, at: 2026-12-01 09:00, text: hi}\n");
      CHECK(all_messages(load_calendar("main.yaml")) ==
            "a.yaml:2:3: error: duplicate account 'x' (first defined at main.yaml:3:3)\n"
            "a.yaml:4:10: error: duplicate post id 'p' (first defined at main.yaml:5:10)\n");
    }
    SUBCASE("a broken included file keeps the main calendar")
    {
      dir.write("main.yaml", "include: [a.yaml]\n");
      dir.write("a.yaml", "posts: [\n");
      const LoadResult result = load_calendar("main.yaml");
      CHECK(all_messages(result) ==
            "a.yaml:2:1: error: invalid YAML: end of sequence flow not found\n");
      CHECK(result.calendar);
    }
  }
}
