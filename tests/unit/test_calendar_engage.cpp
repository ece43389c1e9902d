#include "testutil.hpp"

#include "calendar/loader.hpp"

#include <doctest/doctest.h>

using herald::calendar::load_calendar;
using herald::test::all_messages;
using herald::test::TestDir;

TEST_SUITE("calendar::engage")
{
  TEST_CASE("engage: ignore, lookback and bots")
  {
    TestDir dir;
    dir.write("c.yaml", "engage:\n"
                        "  ignore: ['@spammer@example.social', newsbot.bsky.social]\n"
                        "  lookback: 36h\n"
                        "  bots: true\n");
    const auto result = load_calendar("c.yaml");
    CHECK(all_messages(result) == "");
    REQUIRE(result.calendar);
    const auto& engage = result.calendar->engage;
    CHECK(engage.ignore ==
          std::vector<std::string>{ "@spammer@example.social", "newsbot.bsky.social" });
    CHECK(engage.lookback == std::chrono::hours(36));
    CHECK_FALSE(engage.ignore_bots);
  }

  TEST_CASE("defaults: a week back, bots left out")
  {
    TestDir dir;
    dir.write("c.yaml", "timezone: UTC\n");
    const auto result = load_calendar("c.yaml");
    REQUIRE(result.calendar);
    CHECK(result.calendar->engage.lookback == std::chrono::hours(24 * 7));
    CHECK(result.calendar->engage.ignore_bots);
    CHECK(result.calendar->engage.ignore.empty());
  }

  TEST_CASE("mistakes are reported where they are")
  {
    TestDir dir;
    dir.write("c.yaml", "engage:\n"
                        "  ignor: [a]\n"
                        "  lookback: soon\n"
                        "  bots: yes\n"
                        "  ignore: [{a: b}]\n");
    CHECK(all_messages(load_calendar("c.yaml")) ==
          "c.yaml:2:3: error: unknown key 'ignor' in engage, did you mean 'ignore'?\n"
          "c.yaml:3:13: error: 'engage.lookback': invalid duration 'soon' (expected e.g. 30m, "
          "1h, 2d)\n"
          "c.yaml:4:9: error: 'engage.bots' must be true (list bots) or false (leave them out)\n"
          "c.yaml:5:12: error: 'engage.ignore' must be a list of handles, like "
          "@bot@example.social\n");
  }
}
