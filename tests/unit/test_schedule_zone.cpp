#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

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

TimePoint
instant(std::string_view rfc3339)
{
  const auto t = parse_rfc3339(rfc3339);
  REQUIRE_MESSAGE(t, error_of(t));
  return *t;
}

Zone
zone(std::string_view name)
{
  const auto z = Zone::locate(name);
  REQUIRE_MESSAGE(z, error_of(z));
  return *z;
}

chr::local_seconds
local(chr::year_month_day date, chr::seconds time_of_day)
{
  return chr::local_days{ date } + time_of_day;
}

// The instant a written time denotes in `zone_name`, as RFC 3339 UTC, or the error text.
std::string
written_to_utc(std::string_view text, std::string_view zone_name)
{
  const auto written = parse_written_time(text);
  REQUIRE_MESSAGE(written, error_of(written));
  const auto t = to_instant(*written, zone(zone_name));
  return t ? format_utc(*t) : t.error();
}

} // namespace

TEST_SUITE("schedule::Zone")
{
  TEST_CASE("parse_written_time accepts the calendar forms")
  {
    SUBCASE("space or T between date and time")
    {
      for (const std::string text :
           { "2026-12-01 09:00", "2026-12-01T09:00", "2026-12-01t09:00" }) {
        CAPTURE(text);
        const auto w = parse_written_time(text);
        REQUIRE_MESSAGE(w, error_of(w));
        CHECK(w->local == local(2026y / 12 / 1, 9h));
        CHECK_FALSE(w->offset.has_value());
        CHECK_FALSE(w->date_only);
      }
    }
    SUBCASE("seconds")
    {
      const auto w = parse_written_time("2026-12-01 09:00:30");
      REQUIRE(w);
      CHECK(w->local == local(2026y / 12 / 1, 9h + 30s));
    }
    SUBCASE("surrounding whitespace is ignored")
    {
      const auto w = parse_written_time("  2026-12-01 09:00 ");
      REQUIRE(w);
      CHECK(w->local == local(2026y / 12 / 1, 9h));
    }
    SUBCASE("offsets")
    {
      struct Case
      {
        std::string text;
        chr::seconds offset;
      };
      for (const auto& c :
           { Case{ "2026-12-01T09:00Z", 0s }, Case{ "2026-12-01 09:00z", 0s },
             Case{ "2026-12-01 09:00 Z", 0s }, Case{ "2026-12-01 09:00+01:00", 1h },
             Case{ "2026-12-01 09:00 +01:00", 1h }, Case{ "2026-12-01 09:00-0500", -5h },
             Case{ "2026-12-01 09:00 -0500", -5h }, Case{ "2026-12-01 09:00+05:30", 5h + 30min },
             Case{ "2026-12-01 09:00:15+02", 2h } }) {
        CAPTURE(c.text);
        const auto w = parse_written_time(c.text);
        REQUIRE_MESSAGE(w, error_of(w));
        REQUIRE(w->offset.has_value());
        CHECK(*w->offset == c.offset);
        CHECK(chr::floor<chr::minutes>(w->local) == local(2026y / 12 / 1, 9h));
      }
    }
    SUBCASE("date only")
    {
      const auto w = parse_written_time("2027-03-01", true);
      REQUIRE(w);
      CHECK(w->date_only);
      CHECK(w->local == local(2027y / 3 / 1, 0s));
      CHECK_FALSE(w->offset.has_value());

      const auto refused = parse_written_time("2027-03-01");
      REQUIRE_FALSE(refused);
      CHECK(refused.error() ==
            "invalid date-time '2027-03-01': the time of day is missing (e.g. 2027-03-01 09:00)");
    }
    SUBCASE("leap day")
    {
      const auto w = parse_written_time("2028-02-29 10:00");
      REQUIRE(w);
      CHECK(w->local == local(2028y / 2 / 29, 10h));
    }
  }

  TEST_CASE("parse_written_time says what is wrong")
  {
    struct Case
    {
      std::string text;
      std::string message;
    };
    for (const auto& c : {
           Case{ "2026-13-01 09:00",
                 "invalid date-time '2026-13-01 09:00': month 13 is out of range (01-12)" },
           Case{ "2026-00-01 09:00",
                 "invalid date-time '2026-00-01 09:00': month 0 is out of range (01-12)" },
           Case{ "2026-12-32 09:00",
                 "invalid date-time '2026-12-32 09:00': day 32 is out of range (01-31)" },
           Case{ "2026-02-30 09:00", "invalid date-time '2026-02-30 09:00': 2026-02-30 is not a "
                                     "date (February 2026 has 28 days)" },
           Case{ "2027-02-29 09:00", "invalid date-time '2027-02-29 09:00': 2027-02-29 is not a "
                                     "date (February 2027 has 28 days)" },
           Case{ "2026-04-31 09:00", "invalid date-time '2026-04-31 09:00': 2026-04-31 is not a "
                                     "date (April 2026 has 30 days)" },
           Case{ "2026-12-01 24:00",
                 "invalid date-time '2026-12-01 24:00': hour 24 is out of range (00-23)" },
           Case{ "2026-12-01 09:60",
                 "invalid date-time '2026-12-01 09:60': minute 60 is out of range (00-59)" },
           Case{ "2026-12-01 09:00:60",
                 "invalid date-time '2026-12-01 09:00:60': second 60 is out of range (00-59)" },
           Case{ "2026-12-01 9:00",
                 "invalid date-time '2026-12-01 9:00': expected a time like 09:00 after the date" },
           Case{ "tomorrow", "invalid date-time 'tomorrow': expected a date like 2026-12-01" },
           Case{ "2026-12-1 09:00",
                 "invalid date-time '2026-12-1 09:00': expected a date like 2026-12-01" },
           Case{ "2026-12-01 09:00 CET",
                 "invalid date-time '2026-12-01 09:00 CET': unexpected 'CET' after the time" },
           Case{ "2026-12-01 09:00+25:00", "invalid date-time '2026-12-01 09:00+25:00': UTC "
                                           "offset +25:00 is out of range" },
           Case{ "2026-12-01 09:00+1", "invalid date-time '2026-12-01 09:00+1': expected a UTC "
                                       "offset like +01:00, -0500 or Z" },
           Case{ "2026-12-01 09:00:00.5", "invalid date-time '2026-12-01 09:00:00.5': fractions "
                                          "of a second are not supported" },
           Case{ "2026-12-01/09:00", "invalid date-time '2026-12-01/09:00': unexpected '/09:00' "
                                     "after the date (expected e.g. 2026-12-01 09:00)" },
           Case{ "", "invalid date-time '': expected a date like 2026-12-01" },
         }) {
      CAPTURE(c.text);
      const auto w = parse_written_time(c.text, true);
      REQUIRE_FALSE(w);
      CHECK(w.error() == c.message);
    }
  }

  TEST_CASE("to_instant in Europe/Berlin")
  {
    SUBCASE("normal day")
    {
      CHECK(written_to_utc("2026-12-07 10:00", "Europe/Berlin") == "2026-12-07T09:00:00Z");
      CHECK(written_to_utc("2026-07-01 10:00", "Europe/Berlin") == "2026-07-01T08:00:00Z");
      CHECK(written_to_utc("2026-03-29 01:59", "Europe/Berlin") == "2026-03-29T00:59:00Z");
      CHECK(written_to_utc("2026-03-29 03:00", "Europe/Berlin") == "2026-03-29T01:00:00Z");
      CHECK(written_to_utc("2026-10-25 01:59:59", "Europe/Berlin") == "2026-10-24T23:59:59Z");
      CHECK(written_to_utc("2026-10-25 03:00", "Europe/Berlin") == "2026-10-25T02:00:00Z");
    }
    SUBCASE("DST gap")
    {
      CHECK(written_to_utc("2026-03-29 02:30", "Europe/Berlin") ==
            "2026-03-29 02:30 does not exist in Europe/Berlin (the clocks jump forward at 02:00, "
            "+01:00 -> +02:00); write the time you mean, e.g. 2026-03-29 03:30");
      CHECK(written_to_utc("2026-03-29 02:00", "Europe/Berlin") ==
            "2026-03-29 02:00 does not exist in Europe/Berlin (the clocks jump forward at 02:00, "
            "+01:00 -> +02:00); write the time you mean, e.g. 2026-03-29 03:00");
    }
    SUBCASE("DST overlap")
    {
      CHECK(written_to_utc("2026-10-25 02:30", "Europe/Berlin") ==
            "2026-10-25 02:30 happens twice in Europe/Berlin (the clocks go back at 03:00); add "
            "the offset you mean: 2026-10-25 02:30+02:00 (first) or 2026-10-25 02:30+01:00 "
            "(second)");
      CHECK(written_to_utc("2026-10-25 02:00", "Europe/Berlin") ==
            "2026-10-25 02:00 happens twice in Europe/Berlin (the clocks go back at 03:00); add "
            "the offset you mean: 2026-10-25 02:00+02:00 (first) or 2026-10-25 02:00+01:00 "
            "(second)");
    }
    SUBCASE("explicit offset")
    {
      CHECK(written_to_utc("2026-10-25 02:30+02:00", "Europe/Berlin") == "2026-10-25T00:30:00Z");
      CHECK(written_to_utc("2026-10-25 02:30+01:00", "Europe/Berlin") == "2026-10-25T01:30:00Z");
      // Taken as written, even inside the gap and even if the zone never uses it.
      CHECK(written_to_utc("2026-03-29 02:30+01:00", "Europe/Berlin") == "2026-03-29T01:30:00Z");
      CHECK(written_to_utc("2026-12-07 10:00-05:00", "Europe/Berlin") == "2026-12-07T15:00:00Z");
      CHECK(written_to_utc("2026-12-07 10:00Z", "Europe/Berlin") == "2026-12-07T10:00:00Z");
    }
    SUBCASE("date only is midnight")
    {
      const auto w = parse_written_time("2026-12-07", true);
      REQUIRE(w);
      const auto t = to_instant(*w, zone("Europe/Berlin"));
      REQUIRE(t);
      CHECK(format_utc(*t) == "2026-12-06T23:00:00Z");
    }
  }

  TEST_CASE("to_instant in America/New_York")
  {
    SUBCASE("normal day")
    {
      CHECK(written_to_utc("2026-07-04 12:00", "America/New_York") == "2026-07-04T16:00:00Z");
      CHECK(written_to_utc("2026-12-25 12:00", "America/New_York") == "2026-12-25T17:00:00Z");
    }
    SUBCASE("DST gap")
    {
      CHECK(written_to_utc("2026-03-08 02:30", "America/New_York") ==
            "2026-03-08 02:30 does not exist in America/New_York (the clocks jump forward at "
            "02:00, -05:00 -> -04:00); write the time you mean, e.g. 2026-03-08 03:30");
      CHECK(written_to_utc("2026-03-08 03:00", "America/New_York") == "2026-03-08T07:00:00Z");
    }
    SUBCASE("DST overlap")
    {
      CHECK(written_to_utc("2026-11-01 01:30", "America/New_York") ==
            "2026-11-01 01:30 happens twice in America/New_York (the clocks go back at 02:00); "
            "add the offset you mean: 2026-11-01 01:30-04:00 (first) or 2026-11-01 01:30-05:00 "
            "(second)");
    }
    SUBCASE("explicit offset")
    {
      CHECK(written_to_utc("2026-11-01 01:30-04:00", "America/New_York") == "2026-11-01T05:30:00Z");
      CHECK(written_to_utc("2026-11-01 01:30-0500", "America/New_York") == "2026-11-01T06:30:00Z");
    }
  }

  TEST_CASE("to_instant in UTC has neither gaps nor overlaps")
  {
    CHECK(written_to_utc("2026-03-29 02:30", "UTC") == "2026-03-29T02:30:00Z");
    CHECK(written_to_utc("2026-10-25 02:30", "UTC") == "2026-10-25T02:30:00Z");
    CHECK(written_to_utc("2026-10-25 02:30+02:00", "UTC") == "2026-10-25T00:30:00Z");
  }

  TEST_CASE("resolve_local")
  {
    const Zone berlin = zone("Europe/Berlin");
    SUBCASE("normal day")
    {
      const auto r = resolve_local(berlin, local(2026y / 12 / 7, 10h));
      CHECK(r.kind == LocalResolution::Kind::unique);
      CHECK(format_utc(r.first) == "2026-12-07T09:00:00Z");
      CHECK(r.first_offset == 1h);
    }
    SUBCASE("DST gap: first is where the gap ends")
    {
      const auto r = resolve_local(berlin, local(2026y / 3 / 29, 2h + 30min));
      CHECK(r.kind == LocalResolution::Kind::nonexistent);
      CHECK(format_utc(r.first) == "2026-03-29T01:00:00Z");
      CHECK(r.first_offset == 1h);
      CHECK(r.second_offset == 2h);
    }
    SUBCASE("DST overlap: earlier, then later")
    {
      const auto r = resolve_local(berlin, local(2026y / 10 / 25, 2h + 30min));
      CHECK(r.kind == LocalResolution::Kind::ambiguous);
      CHECK(format_utc(r.first) == "2026-10-25T00:30:00Z");
      CHECK(format_utc(r.second) == "2026-10-25T01:30:00Z");
      CHECK(r.first_offset == 2h);
      CHECK(r.second_offset == 1h);
    }
    SUBCASE("UTC")
    {
      const auto r = resolve_local(Zone::utc(), local(2026y / 3 / 29, 2h + 30min));
      CHECK(r.kind == LocalResolution::Kind::unique);
      CHECK(format_utc(r.first) == "2026-03-29T02:30:00Z");
    }
  }

  TEST_CASE("parse_rfc3339")
  {
    SUBCASE("forms of the same instant")
    {
      for (const std::string text :
           { "2026-12-01T08:00:00Z", "2026-12-01T09:00:00+01:00", "2026-12-01T08:00Z",
             "2026-12-01t08:00:00z", "2026-12-01 08:00:00Z", "2026-12-01T08:00:00.999Z",
             "2026-12-01T03:00:00-05:00", "2026-12-01T03:00:00.5-0500" }) {
        CAPTURE(text);
        const auto t = parse_rfc3339(text);
        REQUIRE_MESSAGE(t, error_of(t));
        CHECK(*t == TimePoint{ chr::sys_days{ 2026y / 12 / 1 } + 8h });
        CHECK(format_utc(*t) == "2026-12-01T08:00:00Z");
      }
    }
    SUBCASE("seconds are kept")
    {
      CHECK(format_utc(instant("2026-12-01T08:00:59+00:00")) == "2026-12-01T08:00:59Z");
    }
    SUBCASE("errors")
    {
      struct Case
      {
        std::string text;
        std::string message;
      };
      for (const auto& c : {
             Case{ "2026-12-01T08:00:00", "invalid RFC 3339 time '2026-12-01T08:00:00': the UTC "
                                          "offset is missing (add Z or e.g. +01:00)" },
             Case{ "2026-12-01", "invalid RFC 3339 time '2026-12-01': the time of day is "
                                 "missing (e.g. 2026-12-01 09:00)" },
             Case{ "2026-02-30T08:00:00Z", "invalid RFC 3339 time '2026-02-30T08:00:00Z': "
                                           "2026-02-30 is not a date (February 2026 has 28 days)" },
             Case{ "now", "invalid RFC 3339 time 'now': expected a date like 2026-12-01" },
           }) {
        CAPTURE(c.text);
        const auto t = parse_rfc3339(c.text);
        REQUIRE_FALSE(t);
        CHECK(t.error() == c.message);
      }
    }
  }

  TEST_CASE("format functions")
  {
    const Zone berlin = zone("Europe/Berlin");
    const Zone new_york = zone("America/New_York");
    SUBCASE("format_utc")
    {
      CHECK(format_utc(TimePoint{ chr::sys_days{ 2026y / 12 / 1 } + 8h }) ==
            "2026-12-01T08:00:00Z");
      CHECK(format_utc(TimePoint{}) == "1970-01-01T00:00:00Z");
    }
    SUBCASE("format_local_iso")
    {
      CHECK(format_local_iso(instant("2026-12-07T09:00:00Z"), berlin) == "2026-12-07T10:00+01:00");
      CHECK(format_local_iso(instant("2026-12-07T09:00:30Z"), berlin) ==
            "2026-12-07T10:00:30+01:00");
      CHECK(format_local_iso(instant("2026-07-01T08:00:00Z"), berlin) == "2026-07-01T10:00+02:00");
      CHECK(format_local_iso(instant("2026-12-07T09:00:00Z"), new_york) ==
            "2026-12-07T04:00-05:00");
      CHECK(format_local_iso(instant("2026-12-07T09:00:00Z"), Zone::utc()) ==
            "2026-12-07T09:00+00:00");
      CHECK(format_local_iso(instant("2026-12-07T09:00:00Z"), zone("Asia/Kathmandu")) ==
            "2026-12-07T14:45+05:45");
    }
    SUBCASE("format_local_iso on both sides of the overlap")
    {
      CHECK(format_local_iso(instant("2026-10-25T00:30:00Z"), berlin) == "2026-10-25T02:30+02:00");
      CHECK(format_local_iso(instant("2026-10-25T01:30:00Z"), berlin) == "2026-10-25T02:30+01:00");
    }
    SUBCASE("date, time and day heading cross midnight in the zone")
    {
      const TimePoint t = instant("2026-12-06T23:30:00Z");
      CHECK(format_local_date(t, berlin) == "2026-12-07");
      CHECK(format_local_time(t, berlin) == "00:30");
      CHECK(format_local_day_heading(t, berlin) == "Mon 2026-12-07");
      CHECK(format_local_date(t, Zone::utc()) == "2026-12-06");
      CHECK(format_local_time(t, Zone::utc()) == "23:30");
      CHECK(format_local_day_heading(t, Zone::utc()) == "Sun 2026-12-06");
      CHECK(format_local_time(instant("2026-12-06T23:30:05Z"), berlin) == "00:30:05");
    }
  }

  TEST_CASE("Zone::locate and Zone::utc")
  {
    SUBCASE("known zone")
    {
      const auto z = Zone::locate("Europe/Berlin");
      REQUIRE(z);
      CHECK(z->name() == "Europe/Berlin");
      CHECK(z->tz() != nullptr);
      CHECK(z->offset_at(instant("2026-12-07T09:00:00Z")) == 1h);
      CHECK(z->offset_at(instant("2026-07-01T09:00:00Z")) == 2h);
      CHECK(z->to_local(instant("2026-07-01T09:00:00Z")) == local(2026y / 7 / 1, 11h));
    }
    SUBCASE("UTC needs no database")
    {
      const Zone utc = Zone::utc();
      CHECK(utc.name() == "UTC");
      CHECK(utc.tz() == nullptr);
      CHECK(utc.offset_at(instant("2026-07-01T09:00:00Z")) == 0s);
      CHECK(utc.to_local(instant("2026-07-01T09:00:00Z")) == local(2026y / 7 / 1, 9h));
      const auto located = Zone::locate("UTC");
      REQUIRE(located);
      CHECK(located->tz() == nullptr);
    }
    SUBCASE("typo gets a suggestion")
    {
      const auto z = Zone::locate("Europe/Berln");
      REQUIRE_FALSE(z);
      CHECK(z.error() == "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?");
    }
    SUBCASE("wrong case gets a suggestion")
    {
      const auto z = Zone::locate("utc");
      REQUIRE_FALSE(z);
      CHECK(z.error() == "unknown time zone 'utc'; did you mean 'UTC'?");
      const auto paris = Zone::locate("EUROPE/PARIS");
      REQUIRE_FALSE(paris);
      CHECK(paris.error() == "unknown time zone 'EUROPE/PARIS'; did you mean 'Europe/Paris'?");
    }
    SUBCASE("nothing close")
    {
      const auto z = Zone::locate("Nowhere/Atlantis");
      REQUIRE_FALSE(z);
      CHECK(z.error() == "unknown time zone 'Nowhere/Atlantis'");
    }
  }
}
