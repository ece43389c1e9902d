#include "schedule/cron.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using namespace herald;
using namespace std::chrono_literals;
namespace chr = std::chrono;

namespace {

// The error text, safe to call on success too (doctest evaluates messages when it logs them).
template<typename T>
std::string
error_of(const Result<T>& result)
{
  return result ? std::string() : result.error();
}

std::string
error_of(const Result<CronExpr, CronError>& result)
{
  return result ? std::string() : result.error().message;
}

CronExpr
cron(std::string_view text)
{
  const auto expr = CronExpr::parse(text);
  REQUIRE_MESSAGE(expr, error_of(expr));
  return *expr;
}

Zone
cron_zone(std::string_view name)
{
  const auto z = Zone::locate(name);
  REQUIRE_MESSAGE(z, error_of(z));
  return *z;
}

TimePoint
at(std::string_view rfc3339)
{
  const auto t = parse_rfc3339(rfc3339);
  REQUIRE_MESSAGE(t, error_of(t));
  return *t;
}

// The next `count` occurrences strictly after `after`, as RFC 3339 UTC ("none" once exhausted).
std::vector<std::string>
expand(std::string_view expr_text, std::string_view after, const Zone& zone, size_t count)
{
  const CronExpr expr = cron(expr_text);
  std::vector<std::string> result;
  TimePoint t = at(after);
  for (size_t i = 0; i < count; ++i) {
    const auto next = expr.next_after(t, zone);
    if (!next) {
      result.emplace_back("none");
      break;
    }
    REQUIRE(*next > t);
    result.push_back(format_utc(*next));
    t = *next;
  }
  return result;
}

using Strings = std::vector<std::string>;

struct ParseErrorCase
{
  std::string text;
  std::string message;
  int column;
};

} // namespace

TEST_SUITE("schedule::CronExpr")
{
  TEST_CASE("parse errors carry a message and a column")
  {
    for (const auto& c : {
           ParseErrorCase{ "61 * * * *", "minute 61 is out of range (0-59)", 1 },
           ParseErrorCase{ "0 25 * * *", "hour 25 is out of range (0-23)", 3 },
           ParseErrorCase{ "0 0 0 * *", "day-of-month 0 is out of range (1-31)", 5 },
           ParseErrorCase{ "0 0 * 13 *", "month 13 is out of range (1-12)", 7 },
           ParseErrorCase{ "*/15 9-17 * * 1-5,8", "day-of-week 8 is out of range (0-7)", 19 },
           ParseErrorCase{ "  0 99 * * *", "hour 99 is out of range (0-23)", 5 },
           ParseErrorCase{ "0 9 * *",
                           "expected 5 fields (minute hour day-of-month month day-of-week), got 4",
                           0 },
           ParseErrorCase{ "0 9 * * * 2026",
                           "expected 5 fields (minute hour day-of-month month day-of-week), got 6",
                           11 },
           ParseErrorCase{
             "", "expected 5 fields (minute hour day-of-month month day-of-week), got 0", 0 },
           ParseErrorCase{ "0 9 1 JNU *", "unknown month name 'JNU'; did you mean 'JUN'?", 7 },
           ParseErrorCase{ "0 9 * * MONDAY",
                           "unknown day-of-week name 'MONDAY'; did you mean 'MON'?", 9 },
           ParseErrorCase{ "0 9 * * XYZ", "unknown day-of-week name 'XYZ'", 9 },
           ParseErrorCase{ "0 MON * * *",
                           "unexpected name 'MON' in the hour field (names are for months and days "
                           "of the week)",
                           3 },
           ParseErrorCase{ "*/0 * * * *", "step 0 in the minute field is invalid (use 1 or more)",
                           3 },
           ParseErrorCase{ "*/61 * * * *", "step 61 is out of range (1-60)", 3 },
           ParseErrorCase{ "5-1 * * * *",
                           "range 5-1 in the minute field is reversed (write the smaller value "
                           "first)",
                           1 },
           ParseErrorCase{ "0 9 * * FRI-MON",
                           "range FRI-MON in the day-of-week field is reversed (write the smaller "
                           "value first)",
                           9 },
           ParseErrorCase{ "0 9 * * 1/2", "'1/2' has a step but no range; write 1-7/2 or */2", 9 },
           ParseErrorCase{ "0 9 1,,2 * *", "empty item in the day-of-month field list", 7 },
           ParseErrorCase{ "0 9 1, * *", "empty item in the day-of-month field list", 7 },
           ParseErrorCase{ "0 9-% * * *", "unexpected '%' in the hour field", 5 },
           ParseErrorCase{
             "0 9-x * * *",
             "unexpected name 'x' in the hour field (names are for months and days of the week)",
             5 },
           ParseErrorCase{ "0 9 ? * *", "unexpected '?' in the day-of-month field", 5 },
           ParseErrorCase{ "*/ * * * *", "expected a step number after '/' in the minute field",
                           3 },
           ParseErrorCase{ "99999999999 * * * *", "minute 99999999999 is out of range (0-59)", 1 },
           ParseErrorCase{ "@dialy", "unknown cron macro '@dialy'; did you mean '@daily'?", 1 },
           ParseErrorCase{ "@reboot", "@reboot is not supported (herald has no notion of a boot)",
                           1 },
           ParseErrorCase{ "@daily 09:00", "unexpected '09:00' after @daily", 8 },
         }) {
      CAPTURE(c.text);
      const auto expr = CronExpr::parse(c.text);
      REQUIRE_FALSE(expr);
      CHECK(expr.error().message == c.message);
      CHECK(expr.error().column == c.column);
    }
  }

  TEST_CASE("parse accepts the classic syntax")
  {
    SUBCASE("text is kept")
    {
      CHECK(cron("*/15 9-17 * * 1-5").text() == "*/15 9-17 * * 1-5");
      CHECK(cron("@weekly").text() == "@weekly");
    }
    SUBCASE("names are case-insensitive")
    {
      const CronExpr expr = cron("0 9 * jan-Mar mon-FRI");
      // Monday 2026-01-05 and Friday 2026-03-27 match; Saturday and April do not.
      CHECK(expr.matches(chr::local_days{ 2026y / 1 / 5 } + 9h));
      CHECK(expr.matches(chr::local_days{ 2026y / 3 / 27 } + 9h));
      CHECK_FALSE(expr.matches(chr::local_days{ 2026y / 1 / 3 } + 9h));
      CHECK_FALSE(expr.matches(chr::local_days{ 2026y / 4 / 1 } + 9h));
      CHECK_FALSE(expr.matches(chr::local_days{ 2026y / 1 / 5 } + 9h + 1min));
    }
    SUBCASE("7 is Sunday")
    {
      const Strings sundays = { "2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z" };
      CHECK(expand("0 0 * * 7", "2026-12-01T00:00:00Z", Zone::utc(), 2) == sundays);
      CHECK(expand("0 0 * * 0", "2026-12-01T00:00:00Z", Zone::utc(), 2) == sundays);
      CHECK(expand("0 0 * * SUN", "2026-12-01T00:00:00Z", Zone::utc(), 2) == sundays);
      CHECK(expand("0 0 * * 5-7", "2026-12-01T00:00:00Z", Zone::utc(), 4) ==
            Strings{ "2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z",
                     "2026-12-11T00:00:00Z" });
    }
    SUBCASE("lists, ranges and steps")
    {
      CHECK(expand("5,10-12,50-59/4 * * * *", "2026-12-01T08:00:00Z", Zone::utc(), 8) ==
            Strings{ "2026-12-01T08:05:00Z", "2026-12-01T08:10:00Z", "2026-12-01T08:11:00Z",
                     "2026-12-01T08:12:00Z", "2026-12-01T08:50:00Z", "2026-12-01T08:54:00Z",
                     "2026-12-01T08:58:00Z", "2026-12-01T09:05:00Z" });
    }
  }

  TEST_CASE("next_after: every 15 minutes")
  {
    SUBCASE("UTC, strictly after")
    {
      CHECK(expand("*/15 * * * *", "2026-12-01T08:07:30Z", Zone::utc(), 4) ==
            Strings{ "2026-12-01T08:15:00Z", "2026-12-01T08:30:00Z", "2026-12-01T08:45:00Z",
                     "2026-12-01T09:00:00Z" });
      CHECK(expand("*/15 * * * *", "2026-12-01T08:15:00Z", Zone::utc(), 1) ==
            Strings{ "2026-12-01T08:30:00Z" });
      CHECK(expand("*/15 * * * *", "2026-12-31T23:59:59Z", Zone::utc(), 1) ==
            Strings{ "2027-01-01T00:00:00Z" });
    }
    SUBCASE("Europe/Berlin, normal day")
    {
      CHECK(expand("*/15 * * * *", "2026-12-01T08:07:00Z", cron_zone("Europe/Berlin"), 2) ==
            Strings{ "2026-12-01T08:15:00Z", "2026-12-01T08:30:00Z" });
    }
    SUBCASE("Europe/Berlin, DST gap: the skipped hour fires once at its end")
    {
      CHECK(expand("*/15 * * * *", "2026-03-29T00:30:00Z", cron_zone("Europe/Berlin"), 4) ==
            Strings{ "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z",
                     "2026-03-29T01:30:00Z" });
    }
    SUBCASE("Europe/Berlin, DST overlap: the repeated hour runs once")
    {
      CHECK(expand("*/15 * * * *", "2026-10-25T00:30:00Z", cron_zone("Europe/Berlin"), 3) ==
            Strings{ "2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z" });
    }
  }

  TEST_CASE("next_after: weekly 0 10 * * MON keeps 10:00 local across DST")
  {
    const Zone berlin = cron_zone("Europe/Berlin");
    SUBCASE("normal weeks")
    {
      CHECK(expand("0 10 * * MON", "2026-12-01T00:00:00Z", berlin, 2) ==
            Strings{ "2026-12-07T09:00:00Z", "2026-12-14T09:00:00Z" });
    }
    SUBCASE("autumn change on 2026-10-25")
    {
      CHECK(expand("0 10 * * MON", "2026-10-12T08:00:00Z", berlin, 3) ==
            Strings{ "2026-10-19T08:00:00Z", "2026-10-26T09:00:00Z", "2026-11-02T09:00:00Z" });
    }
    SUBCASE("spring change on 2026-03-29")
    {
      CHECK(expand("0 10 * * MON", "2026-03-16T09:00:00Z", berlin, 3) ==
            Strings{ "2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z" });
    }
    SUBCASE("America/New_York")
    {
      // The US changes a week later, on 2026-11-01.
      CHECK(expand("0 10 * * MON", "2026-10-20T00:00:00Z", cron_zone("America/New_York"), 2) ==
            Strings{ "2026-10-26T14:00:00Z", "2026-11-02T15:00:00Z" });
    }
  }

  TEST_CASE("next_after: daily 02:30")
  {
    const Zone berlin = cron_zone("Europe/Berlin");
    SUBCASE("normal day")
    {
      CHECK(expand("30 2 * * *", "2026-12-01T00:00:00Z", berlin, 2) ==
            Strings{ "2026-12-01T01:30:00Z", "2026-12-02T01:30:00Z" });
    }
    SUBCASE("DST gap: fires at 03:00 local, where the gap ends")
    {
      CHECK(expand("30 2 * * *", "2026-03-28T01:30:00Z", berlin, 2) ==
            Strings{ "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z" });
      CHECK(expand("30 2 * * *", "2026-03-07T07:30:00Z", cron_zone("America/New_York"), 2) ==
            Strings{ "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z" });
    }
    SUBCASE("DST overlap: fires once, at the first 02:30")
    {
      CHECK(expand("30 2 * * *", "2026-10-24T00:30:00Z", berlin, 2) ==
            Strings{ "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z" });
      // Asked from inside the repeated hour, the first 02:30 is past and the second never fires.
      CHECK(expand("30 2 * * *", "2026-10-25T01:00:00Z", berlin, 1) ==
            Strings{ "2026-10-26T01:30:00Z" });
    }
  }

  TEST_CASE("next_after: hourly")
  {
    const Zone berlin = cron_zone("Europe/Berlin");
    SUBCASE("normal day")
    {
      CHECK(expand("0 * * * *", "2026-12-01T08:59:59Z", berlin, 2) ==
            Strings{ "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z" });
    }
    SUBCASE("DST gap: 02:00 and 03:00 local are one instant, fired once")
    {
      CHECK(expand("0 * * * *", "2026-03-28T23:30:00Z", berlin, 3) ==
            Strings{ "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z" });
    }
    SUBCASE("DST overlap: 02:00 local fires once, no duplicate")
    {
      CHECK(expand("0 * * * *", "2026-10-24T22:30:00Z", berlin, 4) ==
            Strings{ "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z",
                     "2026-10-25T03:00:00Z" });
      CHECK(expand("0 * * * *", "2026-10-25T01:10:00Z", berlin, 1) ==
            Strings{ "2026-10-25T02:00:00Z" });
    }
    SUBCASE("a whole year in Europe/Berlin")
    {
      // 8760 local hours in 2026, less the 02:00 that the spring gap merges into 03:00.
      const CronExpr hourly = cron("0 * * * *");
      const TimePoint end = at("2026-12-31T23:00:00Z");
      TimePoint t = at("2025-12-31T22:30:00Z");
      int count = 0;
      bool increasing = true;
      std::optional<TimePoint> next;
      // One assertion per property rather than per occurrence.
      while ((next = hourly.next_after(t, berlin)) && *next < end) {
        increasing = increasing && *next > t;
        t = *next;
        ++count;
      }
      CHECK(increasing);
      REQUIRE(next);
      CHECK(format_utc(*next) == "2026-12-31T23:00:00Z");
      CHECK(count == 8759);
    }
  }

  TEST_CASE("next_after: impossible and rare dates")
  {
    CHECK(expand("0 0 30 2 *", "2026-01-01T00:00:00Z", Zone::utc(), 1) == Strings{ "none" });
    CHECK(expand("0 0 30 2 *", "2026-01-01T00:00:00Z", cron_zone("Europe/Berlin"), 1) ==
          Strings{ "none" });
    CHECK(expand("0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z", Zone::utc(), 1) == Strings{ "none" });
    CHECK(expand("0 0 29 2 *", "2026-01-01T00:00:00Z", Zone::utc(), 2) ==
          Strings{ "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z" });
    CHECK(expand("0 12 31 * *", "2026-01-31T12:00:00Z", Zone::utc(), 2) ==
          Strings{ "2026-03-31T12:00:00Z", "2026-05-31T12:00:00Z" });
  }

  TEST_CASE("next_after: day-of-month and day-of-week")
  {
    SUBCASE("both restricted: either matches")
    {
      // Fridays in February 2026 are the 6th, 13th, 20th and 27th; the 15th is a Sunday.
      CHECK(expand("0 12 15 * FRI", "2026-02-01T00:00:00Z", Zone::utc(), 5) ==
            Strings{ "2026-02-06T12:00:00Z", "2026-02-13T12:00:00Z", "2026-02-15T12:00:00Z",
                     "2026-02-20T12:00:00Z", "2026-02-27T12:00:00Z" });
      // Not "the first Monday": days 1-7 or any Monday (2026-06-01 is a Monday).
      CHECK(expand("0 12 1-7 * MON", "2026-06-06T13:00:00Z", Zone::utc(), 3) ==
            Strings{ "2026-06-07T12:00:00Z", "2026-06-08T12:00:00Z", "2026-06-15T12:00:00Z" });
      // A step restricts the field too.
      CHECK(expand("0 12 */10 * SAT", "2026-02-01T13:00:00Z", Zone::utc(), 3) ==
            Strings{ "2026-02-07T12:00:00Z", "2026-02-11T12:00:00Z", "2026-02-14T12:00:00Z" });
    }
    SUBCASE("only day-of-month restricted")
    {
      CHECK(expand("0 12 15 * *", "2026-02-01T00:00:00Z", Zone::utc(), 2) ==
            Strings{ "2026-02-15T12:00:00Z", "2026-03-15T12:00:00Z" });
    }
    SUBCASE("only day-of-week restricted")
    {
      CHECK(expand("0 12 * * FRI", "2026-02-01T00:00:00Z", Zone::utc(), 2) ==
            Strings{ "2026-02-06T12:00:00Z", "2026-02-13T12:00:00Z" });
    }
  }

  TEST_CASE("next_after: macros")
  {
    SUBCASE("@weekly is Sunday midnight")
    {
      CHECK(expand("@weekly", "2026-12-01T00:00:00Z", Zone::utc(), 2) ==
            Strings{ "2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z" });
      CHECK(expand("@WEEKLY", "2026-12-01T00:00:00Z", cron_zone("Europe/Berlin"), 1) ==
            Strings{ "2026-12-05T23:00:00Z" });
    }
    SUBCASE("the others")
    {
      CHECK(expand("@hourly", "2026-12-01T08:30:00Z", Zone::utc(), 1) ==
            Strings{ "2026-12-01T09:00:00Z" });
      CHECK(expand("@daily", "2026-12-01T08:30:00Z", Zone::utc(), 1) ==
            Strings{ "2026-12-02T00:00:00Z" });
      CHECK(expand("@midnight", "2026-12-01T08:30:00Z", Zone::utc(), 1) ==
            Strings{ "2026-12-02T00:00:00Z" });
      CHECK(expand("@monthly", "2026-12-01T08:30:00Z", Zone::utc(), 1) ==
            Strings{ "2027-01-01T00:00:00Z" });
      CHECK(expand("@yearly", "2026-06-01T00:00:00Z", Zone::utc(), 1) ==
            Strings{ "2027-01-01T00:00:00Z" });
      CHECK(expand("@annually", "2026-06-01T00:00:00Z", cron_zone("Europe/Berlin"), 1) ==
            Strings{ "2026-12-31T23:00:00Z" });
    }
  }
}
