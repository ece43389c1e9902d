#include "testutil.hpp"

#include "calendar/loader.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::LoadResult;
using herald::test::all_messages;
using herald::test::TestDir;

namespace {

// Lines 1-6; the first post starts on line 7.
const char* const k_prelude = "timezone: Europe/Berlin\n"
                              "accounts:\n"
                              "  masto: {platform: mastodon}\n"
                              "  sky: {platform: bluesky}\n"
                              "defaults: {to: [masto]}\n"
                              "posts:\n";

LoadResult
load_text(const TestDir& dir, std::string_view text, bool check_media = false)
{
  dir.write("c.yaml", text);
  LoadOptions options;
  options.check_media = check_media;
  return load_calendar("c.yaml", options);
}

std::string
messages_for_posts(const TestDir& dir, std::string_view posts)
{
  return all_messages(load_text(dir, std::string(k_prelude) + std::string(posts)));
}

} // namespace

TEST_SUITE("calendar::Validation")
{
  TEST_CASE("unknown keys get a suggestion when one is close")
  {
    TestDir dir;
    SUBCASE("in a post")
    {
      CHECK(messages_for_posts(dir, "  - id: a\n"
                                    "    at: 2026-12-01 09:00\n"
                                    "    to: [masto]\n"
                                    "    txt: hi\n"
                                    "    zzz: 1\n") ==
            "c.yaml:7:5: error: post 'a' has no text: add 'text:' or 'thread:'\n"
            "c.yaml:10:5: error: unknown key 'txt' in post 'a', did you mean 'text'?\n"
            "c.yaml:11:5: error: unknown key 'zzz' in post 'a'\n");
    }
    SUBCASE("at top level and in defaults")
    {
      CHECK(all_messages(load_text(dir, "timezone: UTC\n"
                                        "defaults: {to: [masto], grase: 1h}\n"
                                        "accounts: {masto: {platform: mastodon}}\n"
                                        "post: []\n")) ==
            "c.yaml:2:25: error: unknown key 'grase' in defaults, did you mean 'grace'?\n"
            "c.yaml:4:1: error: unknown key 'post' at top level, did you mean 'posts'?\n");
    }
  }

  TEST_CASE("type errors name the key path")
  {
    TestDir dir;
    CHECK(all_messages(load_text(dir, "accounts: [masto]\n"
                                      "defaults: {to: {a: b}, grace: [1h]}\n"
                                      "posts:\n"
                                      "  - id: a\n"
                                      "    to: {masto: true}\n"
                                      "    at: [2026]\n"
                                      "    text: [hi]\n"
                                      "    enabled: yes\n"
                                      "    grace: 5x\n"
                                      "    media: pic.png\n"
                                      "    variants: [sky]\n"
                                      "    utm: nope\n"
                                      "  - just a string\n"
                                      "  - id: b\n"
                                      "    cron: 0 10 * * MON\n"
                                      "    count: 0\n"
                                      "    thread: hello\n")) ==
          "c.yaml:1:11: error: 'accounts' must be a map of account names to their settings\n"
          "c.yaml:2:16: error: 'defaults.to' must be a list of account names\n"
          "c.yaml:2:31: error: 'defaults.grace' must be a duration, like 1h or 30m\n"
          "c.yaml:5:9: error: 'posts[0].to' must be a list of account names\n"
          "c.yaml:6:9: error: 'posts[0].at' must be a date and time, like 2026-12-01 09:00\n"
          "c.yaml:7:11: error: 'posts[0].text' must be a string\n"
          "c.yaml:8:14: error: 'posts[0].enabled' must be true or false\n"
          "c.yaml:9:12: error: 'posts[0].grace': invalid duration unit 'x' in '5x' (use s, "
          "m, h, d or w)\n"
          "c.yaml:10:12: error: 'posts[0].media' must be a list of {file:, alt:} items\n"
          "c.yaml:11:15: error: 'posts[0].variants' must be a map of account names to "
          "overrides\n"
          "c.yaml:12:10: error: 'posts[0].utm' must be true, false or a map with source, "
          "medium, campaign, content or exclude\n"
          "c.yaml:13:5: error: 'posts[1]' must be a map with 'id:', 'text:' and 'at:' or "
          "'cron:'\n"
          "c.yaml:14:5: error: post 'b' has no accounts: add 'to:' or 'defaults: to:'\n"
          "c.yaml:16:12: error: 'posts[2].count' must be a positive whole number\n"
          "c.yaml:17:13: error: 'posts[2].thread' must be a list of parts, each with "
          "'text:'\n");
  }

  TEST_CASE("an unknown time zone")
  {
    TestDir dir;
    CHECK(all_messages(load_text(dir, "timezone: Europe/Berln\n")) ==
          "c.yaml:1:11: error: unknown time zone 'Europe/Berln'; did you mean "
          "'Europe/Berlin'?\n");
  }

  TEST_CASE("posting slots and queued posts")
  {
    TestDir dir;
    const std::string head = "timezone: UTC\n"
                             "accounts: {masto: {platform: mastodon}, sky: {platform: bluesky}}\n"
                             "defaults: {to: [masto]}\n";
    SUBCASE("valid: weekdays by short or full name, times, accounts")
    {
      const auto result = load_text(dir, head + "slots:\n"
                                                "  - days: [mon, Wednesday]\n"
                                                "    times: [\"09:30\", \"16:00\"]\n"
                                                "  - times: \"12:00\"\n"
                                                "    to: sky\n"
                                                "posts:\n"
                                                "  - id: a\n"
                                                "    queue: true\n"
                                                "    to: [masto, sky]\n"
                                                "    text: hi\n");
      CHECK(all_messages(result) == "");
      REQUIRE(result.calendar);
      const auto& cal = *result.calendar;
      REQUIRE(cal.slots.size() == 2);
      CHECK(cal.slots[0].times.size() == 2);
      CHECK(cal.slots[0].times[0].text() == "30 9 * * MON,WED");
      CHECK(cal.slots[1].times[0].text() == "0 12 * * *");
      CHECK(cal.slots[1].to == std::vector<std::string>{ "sky" });
      CHECK(cal.has_slots_for("masto"));
      CHECK(cal.posts[0].schedule.kind == herald::calendar::Schedule::Kind::queue);
    }
    SUBCASE("mistakes say where")
    {
      CHECK(all_messages(load_text(dir, head + "slots:\n"
                                               "  - days: [mon, fun]\n"
                                               "    times: [\"9:30\", \"25:00\", 930]\n"
                                               "    to: [mastodon]\n"
                                               "  - days: [tue]\n"
                                               "posts:\n"
                                               "  - id: a\n"
                                               "    queue: true\n"
                                               "    at: 2026-12-01 09:00\n"
                                               "    text: hi\n"
                                               "  - id: b\n"
                                               "    queue: yes\n"
                                               "    text: hi\n")) ==
            "c.yaml:5:17: error: 'slots[0].days': 'fun' is not a weekday; use mon, tue, wed, "
            "thu, fri, sat or sun\n"
            "c.yaml:6:21: error: 'slots[0].times': '25:00' is not a time of day; write it as "
            "HH:MM, like \"09:30\"\n"
            "c.yaml:6:30: error: 'slots[0].times': '930' is not a time of day; write it as "
            "HH:MM, like \"09:30\"\n"
            "c.yaml:7:10: error: unknown account 'mastodon' in 'slots[0]'\n"
            "c.yaml:8:5: error: 'slots[1]' has no 'times:'\n"
            "c.yaml:11:12: error: post 'a' has 'queue: true' and 'at:'; a queued post takes its "
            "time from the posting slots, so use one\n"
            "c.yaml:14:5: error: post 'b' has no time: add 'at:', 'cron:' or 'queue: true'\n"
            "c.yaml:15:12: error: 'posts[1].queue' must be true or false\n");
    }
    SUBCASE("a queued post needs a slot on each of its accounts")
    {
      CHECK(all_messages(load_text(dir, head + "slots:\n"
                                               "  - times: [\"09:30\"]\n"
                                               "    to: [masto]\n"
                                               "posts:\n"
                                               "  - id: a\n"
                                               "    queue: true\n"
                                               "    to: [masto, sky]\n"
                                               "    text: hi\n")) ==
            "c.yaml:9:12: error: post 'a' is queued, but account 'sky' has no posting slots: add "
            "a 'slots:' entry for it, or give the post an 'at:'\n");
    }
  }

  TEST_CASE("accounts")
  {
    TestDir dir;
    const LoadResult result = load_text(dir, "accounts:\n"
                                             "  masto:\n"
                                             "    platform: mastodon\n"
                                             "    token: tok-abc123\n"
                                             "    Password: hunter2\n"
                                             "    auth: {client_secret: xyz789, user: me}\n"
                                             "  sky:\n"
                                             "    handle: x\n"
                                             "  \"my acct\": {platform: stub}\n"
                                             "  plat: {platform: [a]}\n"
                                             "  str: nope\n");
    CHECK(all_messages(result) ==
          "c.yaml:4:5: error: account 'masto': 'token' holds a secret in the calendar; put "
          "it in an environment variable and name it with 'token_env: MASTODON_TOKEN'\n"
          "c.yaml:5:5: error: account 'masto': 'Password' holds a secret in the calendar; "
          "put it in an environment variable and name it with 'Password_env: "
          "MASTODON_PASSWORD'\n"
          "c.yaml:6:12: error: account 'masto': 'auth.client_secret' holds a secret in the "
          "calendar; put it in an environment variable and name it with "
          "'client_secret_env: MASTODON_CLIENT_SECRET'\n"
          "c.yaml:8:5: error: account 'sky' has no 'platform:'\n"
          "c.yaml:9:3: error: account name 'my acct' may only contain letters, digits, '_', "
          "'.' and '-'\n"
          "c.yaml:10:20: error: 'accounts.plat.platform' must be a platform name, like "
          "mastodon\n"
          "c.yaml:11:8: error: 'accounts.str' must be a map with 'platform:' and the "
          "platform's settings\n");
    for (const char* secret : { "tok-abc123", "hunter2", "xyz789" }) {
      CHECK(all_messages(result).find(secret) == std::string::npos);
    }
    REQUIRE(result.calendar);
    // Secrets never reach the settings that adapters and logs see.
    CHECK(result.calendar->accounts.at("masto").settings.dump() == R"({"auth":{"user":"me"}})");
    CHECK(result.calendar->accounts.count("str") == 1);
  }

  TEST_CASE("a secret in an exec plugin's options says to pass it with env:")
  {
    TestDir dir;
    const auto result = load_text(dir, "accounts:\n"
                                       "  chat:\n"
                                       "    platform: exec\n"
                                       "    command: [./plugin]\n"
                                       "    options: {token: abc123}\n");
    CHECK(all_messages(result) ==
          "c.yaml:5:15: error: account 'chat': 'options.token' holds a secret in the "
          "calendar; put it in an environment variable and pass it to the plugin with 'env: "
          "[EXEC_TOKEN]'\n");
  }

  TEST_CASE("post ids")
  {
    TestDir dir;
    CHECK(messages_for_posts(dir, "  - text: no id\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: \"\"\n"
                                  "    text: empty id\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: a/b@c\n"
                                  "    text: x\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: dup\n"
                                  "    text: x\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: dup\n"
                                  "    text: y\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: [x]\n"
                                  "    text: z\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: ok_1.2:3-x\n"
                                  "    text: fine\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: \"..\"\n"
                                  "    text: dots\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "  - id: \"a\\nb\\e[2J\"\n"
                                  "    text: control\n"
                                  "    at: 2026-12-01 09:00\n") ==
          "c.yaml:7:5: error: posts[0] has no 'id:'; every post needs a unique, stable id\n"
          "c.yaml:9:9: error: 'posts[1].id' must not be empty\n"
          "c.yaml:12:9: error: post id 'a/b@c' may only contain letters, digits, '_', '.', "
          "':' and '-'\n"
          "c.yaml:18:9: error: duplicate post id 'dup' (first defined at c.yaml:15:9)\n"
          "c.yaml:21:9: error: 'posts[5].id' must be a string\n"
          "c.yaml:27:9: error: post id '..' needs at least one letter or digit\n"
          "c.yaml:30:9: error: post id 'a\\x0ab\\x1b[2J' may only contain letters, digits, '_', "
          "'.', ':' and '-'\n");
  }

  TEST_CASE("account names in to, variants and defaults")
  {
    TestDir dir;
    SUBCASE("to and variants")
    {
      CHECK(messages_for_posts(dir, "  - id: a\n"
                                    "    at: 2026-12-01 09:00\n"
                                    "    to: [mastodn, sky, sky]\n"
                                    "    text: hi\n"
                                    "    variants:\n"
                                    "      skyy: {text: x}\n"
                                    "      masto: {text: y}\n"
                                    "      sky: {txt: z}\n") ==
            "c.yaml:9:10: error: unknown account 'mastodn' in post 'a', did you mean "
            "'masto'?\n"
            "c.yaml:9:24: warning: account 'sky' is listed twice in post 'a'\n"
            "c.yaml:12:7: error: unknown account 'skyy' in variants of post 'a', did you "
            "mean 'sky'?\n"
            "c.yaml:13:7: warning: post 'a' has a variant for account 'masto', but does not "
            "publish to it\n"
            "c.yaml:14:13: error: unknown key 'txt' in variant 'sky' of post 'a', did you "
            "mean 'text'?\n");
    }
    SUBCASE("defaults")
    {
      CHECK(all_messages(load_text(dir, "accounts: {masto: {platform: x}}\n"
                                        "defaults: {to: [mastoo]}\n")) ==
            "c.yaml:2:17: error: unknown account 'mastoo' in defaults, did you mean "
            "'masto'?\n");
    }
    SUBCASE("no accounts at all")
    {
      CHECK(all_messages(load_text(dir, "accounts: {masto: {platform: x}}\n"
                                        "posts:\n"
                                        "  - {id: a, at: 2026-12-01 09:00, text: x}\n"
                                        "  - {id: b, to: [], at: 2026-12-01 09:00, text: x}\n")) ==
            "c.yaml:3:5: error: post 'a' has no accounts: add 'to:' or 'defaults: to:'\n"
            "c.yaml:4:17: error: post 'b' has no accounts: add 'to:' or 'defaults: to:'\n");
    }
  }

  TEST_CASE("schedules")
  {
    TestDir dir;
    CHECK(messages_for_posts(dir, "  - id: both\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    cron: 0 10 * * *\n"
                                  "    text: x\n"
                                  "  - id: neither\n"
                                  "    text: x\n"
                                  "  - id: bad-at\n"
                                  "    at: 2026-12-01\n"
                                  "    text: x\n"
                                  "  - id: bad-date\n"
                                  "    at: 2026-02-30 09:00\n"
                                  "    text: x\n"
                                  "  - id: bad-cron\n"
                                  "    cron: 0 25 * * *\n"
                                  "    text: x\n"
                                  "  - id: quoted-cron\n"
                                  "    cron: \"0 10 * * FOO\"\n"
                                  "    text: x\n"
                                  "  - id: until-no-cron\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    until: 2027-01-01\n"
                                  "    count: 3\n"
                                  "    text: x\n"
                                  "  - id: start-after-until\n"
                                  "    cron: 0 10 * * *\n"
                                  "    start: 2027-02-01\n"
                                  "    until: 2027-01-01\n"
                                  "    text: x\n"
                                  "  - id: bad-count\n"
                                  "    cron: 0 10 * * *\n"
                                  "    count: -1\n"
                                  "    text: x\n") ==
          "c.yaml:7:5: error: post 'both' has both 'at:' and 'cron:'; use one\n"
          "c.yaml:11:5: error: post 'neither' has no time: add 'at:', 'cron:' or 'queue: "
          "true'\n"
          "c.yaml:14:9: error: 'posts[2].at': invalid date-time '2026-12-01': the time of "
          "day is missing (e.g. 2026-12-01 09:00)\n"
          "c.yaml:17:9: error: 'posts[3].at': invalid date-time '2026-02-30 09:00': "
          "2026-02-30 is not a date (February 2026 has 28 days)\n"
          "c.yaml:20:13: error: 'posts[4].cron': hour 25 is out of range (0-23)\n"
          "c.yaml:23:21: error: 'posts[5].cron': unknown day-of-week name 'FOO'\n"
          "c.yaml:27:5: error: post 'until-no-cron' has 'until:' but no 'cron:'; 'until:' "
          "only applies to repeating posts\n"
          "c.yaml:28:5: error: post 'until-no-cron' has 'count:' but no 'cron:'; 'count:' "
          "only applies to repeating posts\n"
          "c.yaml:32:12: error: post 'start-after-until' has 'start:' after 'until:'\n"
          "c.yaml:37:12: error: 'posts[8].count' must be a positive whole number\n");
  }

  TEST_CASE("local times around DST changes in Europe/Berlin")
  {
    TestDir dir;
    const LoadResult result =
      load_text(dir, std::string(k_prelude) + "  - id: gap\n"
                                              "    at: 2026-03-29 02:30\n"
                                              "    text: x\n"
                                              "  - id: overlap\n"
                                              "    at: 2026-10-25 02:30\n"
                                              "    text: x\n"
                                              "  - id: overlap-first\n"
                                              "    at: 2026-10-25 02:30+02:00\n"
                                              "    text: x\n"
                                              "  - id: overlap-second\n"
                                              "    at: 2026-10-25 02:30+01:00\n"
                                              "    text: x\n"
                                              "  - id: normal\n"
                                              "    at: 2026-10-26 02:30\n"
                                              "    text: x\n");
    CHECK(all_messages(result) ==
          "c.yaml:8:9: error: 'posts[0].at': 2026-03-29 02:30 does not exist in Europe/Berlin "
          "(the clocks jump forward at 02:00, +01:00 -> +02:00); write the time you mean, "
          "e.g. 2026-03-29 03:30\n"
          "c.yaml:11:9: error: 'posts[1].at': 2026-10-25 02:30 happens twice in Europe/Berlin "
          "(the clocks go back at 03:00); add the offset you mean: 2026-10-25 02:30+02:00 "
          "(first) or 2026-10-25 02:30+01:00 (second)\n");
    REQUIRE(result.calendar);
    const auto& posts = result.calendar->posts;
    REQUIRE(posts.size() == 5);
    CHECK(herald::format_utc(posts[2].schedule.at) == "2026-10-25T00:30:00Z");
    CHECK(herald::format_utc(posts[3].schedule.at) == "2026-10-25T01:30:00Z");
    CHECK(herald::format_utc(posts[4].schedule.at) == "2026-10-26T01:30:00Z");
  }

  TEST_CASE("text and threads")
  {
    TestDir dir;
    CHECK(messages_for_posts(dir, "  - id: empty\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    text: \"   \"\n"
                                  "  - id: both\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    text: x\n"
                                  "    thread:\n"
                                  "      - text: one\n"
                                  "      - text: two\n"
                                  "  - id: short-thread\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    thread:\n"
                                  "      - text: only one\n"
                                  "  - id: thread-parts\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    thread:\n"
                                  "      - text: one\n"
                                  "      - text: \"\"\n"
                                  "      - media: [{file: a.png, alt: A}]\n"
                                  "      - just text\n"
                                  "      - {text: x, txt: y}\n"
                                  "  - id: null-text\n"
                                  "    at: 2026-12-01 09:00\n"
                                  "    text:\n") ==
          "c.yaml:9:11: error: post 'empty' has empty text\n"
          "c.yaml:10:5: error: post 'both' has both 'text:' and 'thread:'; use one\n"
          "c.yaml:19:7: error: the thread of post 'short-thread' has only 1 part; a thread "
          "needs at least 2 (use 'text:' for a single post)\n"
          "c.yaml:24:15: error: thread part 2 of post 'thread-parts' has empty text\n"
          "c.yaml:25:9: error: thread part 3 of post 'thread-parts' has no 'text:'\n"
          "c.yaml:26:9: error: 'posts[3].thread[3]' must be a map with 'text:' and optional "
          "'media:'\n"
          "c.yaml:27:19: error: unknown key 'txt' in thread part 5 of post 'thread-parts', "
          "did you mean 'text'?\n"
          "c.yaml:30:5: error: post 'null-text' has empty text\n");
  }

  TEST_CASE("media")
  {
    TestDir dir;
    SUBCASE("shape, alt text and URLs")
    {
      CHECK(messages_for_posts(dir, "  - id: m\n"
                                    "    at: 2026-12-01 09:00\n"
                                    "    text: x\n"
                                    "    media:\n"
                                    "      - pic.png\n"
                                    "      - file: noalt.png\n"
                                    "      - file: emptyalt.png\n"
                                    "        alt: \"  \"\n"
                                    "      - alt: no file\n"
                                    "      - file: https://example.org/a.png\n"
                                    "        alt: remote\n"
                                    "      - file: file:///tmp/a.png\n"
                                    "        alt: local url\n"
                                    "      - {file: a.png, alt: ok, caption: x}\n") ==
            "c.yaml:11:9: error: media 'pic.png' in post 'm' must be written as {file: "
            "pic.png, alt: ...}; alt text is required\n"
            "c.yaml:12:9: error: media 'noalt.png' in post 'm' has no alt text\n"
            "c.yaml:14:14: error: media 'emptyalt.png' in post 'm' has no alt text\n"
            "c.yaml:15:9: error: media in post 'm' has no 'file:'\n"
            "c.yaml:16:15: error: media in post 'm' must be a local file path, not a URL\n"
            "c.yaml:18:15: error: media in post 'm' must be a local file path, not a URL\n"
            "c.yaml:20:32: error: unknown key 'caption' in media of post 'm'\n");
    }
    SUBCASE("files must exist when checked")
    {
      dir.write("media/here.png", "\x89PNG");
      const LoadResult result =
        load_text(dir,
                  std::string(k_prelude) +
                    "  - id: m\n"
                    "    at: 2026-12-01 09:00\n"
                    "    text: x\n"
                    "    media:\n"
                    "      - {file: media/here.png, alt: here}\n"
                    "      - {file: media/v2.png, alt: missing}\n"
                    "      - {file: media, alt: a directory}\n"
                    "      - {file: " +
                    (dir.path() / "media" / "here.png").string() + ", alt: absolute}\n",
                  true);
      CHECK(all_messages(result) ==
            "c.yaml:12:16: error: media file 'media/v2.png' not found (looked in " +
              (dir.path() / "media" / "v2.png").string() +
              ")\n"
              "c.yaml:13:16: error: media file 'media' is not a regular file (" +
              (dir.path() / "media").string() + ")\n");
    }
    SUBCASE("media stay inside the calendar's directory and are what their names say")
    {
      namespace fs = std::filesystem;
      const fs::path outside_dir =
        dir.path().parent_path() / (dir.path().filename().string() + "-x");
      fs::create_directories(outside_dir);
      const auto outside = outside_dir / "key.png";
      {
        std::ofstream(outside) << "\x89PNG outside";
      }
      dir.write("ok.jpg", "\xFF\xD8\xFF\xE0 jpeg");
      dir.write("lies.png", "\xFF\xD8\xFF\xE0 jpeg");
      dir.write("notes.png", "just text");
      dir.write("clip.mp4", std::string("\0\0\0\x18"
                                        "ftypqt  ",
                                        12));
      fs::create_symlink(outside, dir.path() / "link.png");
      const LoadResult result = load_text(dir,
                                          std::string(k_prelude) +
                                            "  - id: m\n"
                                            "    at: 2026-12-01 09:00\n"
                                            "    text: x\n"
                                            "    media:\n"
                                            "      - {file: ok.jpg, alt: fine}\n"
                                            "      - {file: ../" +
                                            outside_dir.filename().string() +
                                            "/key.png, alt: up}\n"
                                            "      - {file: " +
                                            outside.string() +
                                            ", alt: absolute}\n"
                                            "      - {file: link.png, alt: a link out}\n"
                                            "      - {file: lies.png, alt: a jpeg}\n"
                                            "      - {file: notes.png, alt: text}\n"
                                            "      - {file: clip.mp4, alt: a movie named mp4}\n"
                                            "  - id: allowed\n"
                                            "    at: 2026-12-01 09:00\n"
                                            "    text: x\n"
                                            "    media_dir: ../" +
                                            outside_dir.filename().string() +
                                            "\n"
                                            "    media: [{file: link.png, alt: allowed}]\n"
                                            "  - id: no-dir\n"
                                            "    at: 2026-12-01 09:00\n"
                                            "    text: x\n"
                                            "    media_dir: nowhere\n",
                                          true);
      const std::string how = "allow another directory with 'media_dir:' on the post or in "
                              "'defaults:'\n";
      const std::string cal = "(" + dir.path().string() + ")";
      CHECK(all_messages(result) ==
            "c.yaml:12:16: error: media file '../" + outside_dir.filename().string() +
              "/key.png' is outside the calendar's directory " + cal + "; " + how +
              "c.yaml:13:16: error: media file '" + outside.string() +
              "' is outside the calendar's directory " + cal + "; " + how +
              "c.yaml:14:16: error: media file 'link.png' is a symbolic link to " +
              fs::canonical(outside).string() + ", outside the calendar's directory " + cal + "; " +
              how +
              "c.yaml:15:16: error: media file 'lies.png' is named as image/png but its content "
              "is image/jpeg\n"
              "c.yaml:16:16: error: media file 'notes.png' is not an image, video or audio file "
              "by its content (herald knows PNG, JPEG, GIF, WebP, MP4, MOV, M4A, WebM and MP3)\n"
              "c.yaml:26:16: error: 'posts[2].media_dir' is not a directory (" +
              (dir.path() / "nowhere").string() + ")\n");
      fs::remove_all(outside_dir);
    }
    SUBCASE("a thread's media goes on its parts")
    {
      CHECK(messages_for_posts(dir, "  - id: t\n"
                                    "    at: 2026-12-01 09:00\n"
                                    "    media: [{file: a.png, alt: A}]\n"
                                    "    thread: [{text: one}, {text: two}]\n") ==
            "c.yaml:9:5: error: post 't' is a thread: put 'media:' on its parts\n");
    }
  }

  TEST_CASE("every problem is reported at once")
  {
    TestDir dir;
    const LoadResult result = load_text(dir, "timezone: Mars/Base\n"
                                             "accounts:\n"
                                             "  masto: {platform: mastodon, token: SECRETabc}\n"
                                             "defaults: {to: [masto], grace: soon}\n"
                                             "posts:\n"
                                             "  - id: a\n"
                                             "    at: 2026-13-01 09:00\n"
                                             "    to: [mastod]\n"
                                             "    text: \"\"\n"
                                             "  - id: a\n"
                                             "    cron: \"61 * * * *\"\n"
                                             "    text: x\n"
                                             "    media: [x.png]\n");
    CHECK(all_messages(result) ==
          "c.yaml:1:11: error: unknown time zone 'Mars/Base'\n"
          "c.yaml:3:31: error: account 'masto': 'token' holds a secret in the calendar; put "
          "it in an environment variable and name it with 'token_env: MASTODON_TOKEN'\n"
          "c.yaml:4:32: error: 'defaults.grace': invalid duration 'soon' (expected e.g. 30m, "
          "1h, 2d)\n"
          "c.yaml:7:9: error: 'posts[0].at': invalid date-time '2026-13-01 09:00': month 13 "
          "is out of range (01-12)\n"
          "c.yaml:8:10: error: unknown account 'mastod' in post 'a', did you mean 'masto'?\n"
          "c.yaml:9:11: error: post 'a' has empty text\n"
          "c.yaml:10:9: error: duplicate post id 'a' (first defined at c.yaml:6:9)\n"
          "c.yaml:11:12: error: 'posts[1].cron': minute 61 is out of range (0-59)\n"
          "c.yaml:13:13: error: media 'x.png' in post 'a' must be written as {file: x.png, "
          "alt: ...}; alt text is required\n");
    CHECK(all_messages(result).find("SECRETabc") == std::string::npos);
    CHECK(result.diagnostics.error_count() == 9);
    REQUIRE(result.calendar);
    CHECK(result.calendar->posts.size() == 2);
  }
}
