#pragma once

#include "clock.hpp"
#include "zone.hpp"

#include "util/expected.hpp"

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

namespace herald {

struct CronError
{
  std::string message;
  int column = 0; // 1-based column inside the expression, 0 if not known
};

// A classic 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in a
// time zone. Supports `*`, lists, ranges, steps (`*/15`, `1-30/2`), month and weekday names
// (JAN, MON), 0 and 7 both for Sunday, and the macros @hourly @daily @weekly @monthly @yearly
// (@annually). As in Vixie cron, when both day fields are restricted a day matches if either does.
//
// Around DST changes (documented in herald-calendar(5)):
// - a matching local time that a gap skips fires once, at the instant the gap ends;
// - a matching local time that an overlap repeats fires once, at its first (earlier) instant.
class CronExpr
{
public:
  static Result<CronExpr, CronError> parse(std::string_view text);

  // The first occurrence strictly after `after`, or nothing if none exists within ~5 years
  // (e.g. "0 0 30 2 *").
  std::optional<TimePoint> next_after(TimePoint after, const Zone& zone) const;

  const std::string& text() const { return m_text; }

  // Whether a local minute matches the fields (exposed for tests).
  bool matches(std::chrono::local_seconds local) const;

private:
  std::string m_text;
  std::bitset<60> m_minutes;
  std::bitset<24> m_hours;
  std::bitset<32> m_days;    // 1..31
  std::bitset<13> m_months;  // 1..12
  std::bitset<7> m_weekdays; // 0 = Sunday
  bool m_days_restricted = false;
  bool m_weekdays_restricted = false;
};

} // namespace herald
