#pragma once

#include "clock.hpp"

#include "util/expected.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace herald {

// An IANA time zone from the system tz database (tzdata). Cheap to copy.
class Zone
{
public:
  // Error text: "unknown time zone 'Europe/Berln'" plus, when one is close, "; did you mean
  // 'Europe/Berlin'?".
  static Result<Zone> locate(std::string_view name);
  static Zone utc();

  const std::string& name() const { return m_name; }
  const date::time_zone* tz() const { return m_tz; }

  // The local wall-clock time of an instant.
  std::chrono::local_seconds to_local(TimePoint t) const;
  // The UTC offset in force at an instant.
  std::chrono::seconds offset_at(TimePoint t) const;

private:
  Zone(std::string name, const date::time_zone* tz)
    : m_name(std::move(name))
    , m_tz(tz)
  {
  }
  std::string m_name;
  const date::time_zone* m_tz = nullptr; // null means UTC
};

// How a local wall-clock time maps onto real instants in a zone.
struct LocalResolution
{
  enum class Kind
  {
    unique,      // exactly one instant: `first`
    nonexistent, // skipped by a DST gap; `first` is the instant the gap ends
    ambiguous,   // repeated by a DST overlap; `first` is the earlier, `second` the later instant
  };
  Kind kind = Kind::unique;
  TimePoint first;
  TimePoint second;
  // The offsets in force before and after a transition, for error messages.
  std::chrono::seconds first_offset{ 0 };
  std::chrono::seconds second_offset{ 0 };
};

LocalResolution resolve_local(const Zone& zone, std::chrono::local_seconds local);

// A date-time as written in a calendar: a local wall time plus an optional explicit UTC offset.
struct WrittenTime
{
  std::chrono::local_seconds local;
  std::optional<std::chrono::seconds> offset; // present for "Z" or "+01:00"
  bool date_only = false;                     // "2027-03-01" (time 00:00 filled in)
};

// Accepts "2026-12-01 09:00", "2026-12-01T09:00", optional ":SS", optional "Z" / "+01:00" /
// "-0500" (with or without a space before it), and, when `allow_date_only`, "2026-12-01".
// Rejects impossible dates (2026-02-30) and out-of-range fields with a message saying which.
Result<WrittenTime> parse_written_time(std::string_view text, bool allow_date_only = false);

// Turns a written time into an instant in `zone`. An explicit offset wins and is taken as is
// (local - offset), even one the zone does not use at that moment.
// A local time in a DST gap or overlap is an error whose message names the choices, e.g.
// "2026-03-29 02:30 does not exist in Europe/Berlin (the clocks jump forward at 02:00, ..."
Result<TimePoint> to_instant(const WrittenTime& written, const Zone& zone);

// RFC 3339 with a mandatory offset or Z: "2026-12-01T08:00:00Z", "2026-12-01T09:00:00+01:00"
// (seconds optional, fraction ignored). Used by --now, --from, --until.
Result<TimePoint> parse_rfc3339(std::string_view text);

// "2026-12-01T08:00:00Z"
std::string format_utc(TimePoint t);
// "2026-12-07T10:00+01:00" (seconds shown only when non-zero) - also the occurrence part of job
// ids.
std::string format_local_iso(TimePoint t, const Zone& zone);
// "2026-12-07T10:00:00+01:00": strict RFC 3339 (seconds always), for machine-read output.
std::string format_local_rfc3339(TimePoint t, const Zone& zone);
// "2026-12-07" and "10:00" in the zone, for grouped output.
std::string format_local_date(TimePoint t, const Zone& zone);
std::string format_local_time(TimePoint t, const Zone& zone);
// "Mon 2026-12-07"
std::string format_local_day_heading(TimePoint t, const Zone& zone);

} // namespace herald
