#include "zone.hpp"

#include "util/edit_distance.hpp"

#include <date/tz.h>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace herald {

namespace chr = std::chrono;

namespace {

date::local_seconds
to_date_local(chr::local_seconds local)
{
  return date::local_seconds{ local.time_since_epoch() };
}

chr::local_seconds
local_of(TimePoint t, chr::seconds offset)
{
  return chr::local_seconds{ t.time_since_epoch() + offset };
}

// One tz lookup for both the wall clock and the offset: format_local_iso needs both.
struct LocalAndOffset
{
  chr::local_seconds local;
  chr::seconds offset{ 0 };
};

LocalAndOffset
local_and_offset(TimePoint t, const Zone& zone)
{
  const chr::seconds offset = zone.offset_at(t);
  return { local_of(t, offset), offset };
}

struct Civil
{
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

Civil
civil(chr::local_seconds local)
{
  const auto days = chr::floor<chr::days>(local);
  const chr::year_month_day ymd{ days };
  const long long secs = (local - days).count();
  return { int(ymd.year()),  unsigned(ymd.month()), unsigned(ymd.day()),
           int(secs / 3600), int(secs % 3600 / 60), int(secs % 60) };
}

std::string
format_date(const Civil& c)
{
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// "09:00", or "09:00:30" when the seconds matter.
std::string
format_hm(const Civil& c)
{
  return c.second != 0 ? fmt::format("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
                       : fmt::format("{:02}:{:02}", c.hour, c.minute);
}

// "2026-03-29 02:30", as a user would write it in a calendar.
std::string
format_written(chr::local_seconds local)
{
  const Civil c = civil(local);
  return format_date(c) + " " + format_hm(c);
}

// "+01:00", "-05:00", "+05:45"; historic LMT offsets keep their seconds.
std::string
format_offset(chr::seconds offset)
{
  const char sign = offset < chr::seconds{ 0 } ? '-' : '+';
  const long long s = offset.count() < 0 ? -offset.count() : offset.count();
  if (s % 60 != 0) {
    return fmt::format("{}{:02}:{:02}:{:02}", sign, s / 3600, s % 3600 / 60, s % 60);
  }
  return fmt::format("{}{:02}:{:02}", sign, s / 3600, s % 3600 / 60);
}

constexpr std::array<std::string_view, 12> k_month_names = {
  "January", "February", "March",     "April",   "May",      "June",
  "July",    "August",   "September", "October", "November", "December",
};

constexpr std::array<std::string_view, 7> k_weekday_abbrevs = { "Sun", "Mon", "Tue", "Wed",
                                                                "Thu", "Fri", "Sat" };

class Scanner
{
public:
  explicit Scanner(std::string_view text)
    : m_text(text)
  {
  }

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
  bool peek_digit() const { return !at_end() && is_digit(m_text[m_pos]); }
  std::string_view rest() const { return m_text.substr(std::min(m_pos, m_text.size())); }

  bool eat(char c)
  {
    if (peek() == c && !at_end()) {
      ++m_pos;
      return true;
    }
    return false;
  }

  void skip_spaces()
  {
    while (peek() == ' ' || peek() == '\t') {
      ++m_pos;
    }
  }

  // Exactly `count` digits.
  std::optional<int> digits(size_t count)
  {
    if (m_pos + count > m_text.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = m_text[m_pos + i];
      if (!is_digit(c)) {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    m_pos += count;
    return value;
  }

  size_t skip_digits()
  {
    const size_t start = m_pos;
    while (peek_digit()) {
      ++m_pos;
    }
    return m_pos - start;
  }

private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  std::string_view m_text;
  size_t m_pos = 0;
};

std::string_view
trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

struct ParseOptions
{
  bool allow_date_only = false;
  bool allow_fraction = false;
  bool require_offset = false;
};

// Shared by calendar times and RFC 3339; returns the reason only, the caller adds the context.
Result<WrittenTime>
parse_time_impl(std::string_view text, const ParseOptions& options)
{
  Scanner in(text);
  const std::string expected_date = "expected a date like 2026-12-01";

  const auto y = in.digits(4);
  if (!y || !in.eat('-')) {
    return unexpected(expected_date);
  }
  const auto mo = in.digits(2);
  if (!mo || !in.eat('-')) {
    return unexpected(expected_date);
  }
  const auto d = in.digits(2);
  if (!d || in.peek_digit()) {
    return unexpected(expected_date);
  }
  if (*mo < 1 || *mo > 12) {
    return unexpected(fmt::format("month {} is out of range (01-12)", *mo));
  }
  if (*d < 1 || *d > 31) {
    return unexpected(fmt::format("day {} is out of range (01-31)", *d));
  }
  const chr::year_month_day ymd{ chr::year{ *y }, chr::month{ unsigned(*mo) },
                                 chr::day{ unsigned(*d) } };
  if (!ymd.ok()) {
    const chr::year_month_day_last last{ ymd.year(), chr::month_day_last{ ymd.month() } };
    return unexpected(fmt::format("{:04}-{:02}-{:02} is not a date ({} {:04} has {} days)", *y, *mo,
                                  *d, k_month_names[*mo - 1], *y, unsigned(last.day())));
  }

  WrittenTime written;
  written.local = chr::local_seconds{ chr::local_days{ ymd }.time_since_epoch() };
  if (in.at_end()) {
    if (!options.allow_date_only) {
      return unexpected(fmt::format("the time of day is missing (e.g. {} 09:00)", text));
    }
    written.date_only = true;
    return written;
  }

  if (!in.eat('T') && !in.eat('t') && !in.eat(' ')) {
    return unexpected(fmt::format("unexpected '{}' after the date (expected e.g. {} 09:00)",
                                  in.rest(), text.substr(0, 10)));
  }
  in.skip_spaces();
  const std::string expected_time = "expected a time like 09:00 after the date";
  const auto h = in.digits(2);
  if (!h || !in.eat(':')) {
    return unexpected(expected_time);
  }
  const auto mi = in.digits(2);
  if (!mi || in.peek_digit()) {
    return unexpected(expected_time);
  }
  if (*h > 23) {
    return unexpected(fmt::format("hour {} is out of range (00-23)", *h));
  }
  if (*mi > 59) {
    return unexpected(fmt::format("minute {} is out of range (00-59)", *mi));
  }
  int s = 0;
  if (in.eat(':')) {
    const auto sec = in.digits(2);
    if (!sec || in.peek_digit()) {
      return unexpected(std::string("expected two-digit seconds after the minutes"));
    }
    if (*sec > 59) {
      return unexpected(fmt::format("second {} is out of range (00-59)", *sec));
    }
    s = *sec;
    if (in.peek() == '.' || in.peek() == ',') {
      if (!options.allow_fraction) {
        return unexpected(std::string("fractions of a second are not supported"));
      }
      in.eat(in.peek());
      if (in.skip_digits() == 0) {
        return unexpected(std::string("expected digits after the decimal point"));
      }
    }
  }
  written.local += chr::hours{ *h } + chr::minutes{ *mi } + chr::seconds{ s };

  in.skip_spaces();
  if (in.at_end()) {
    if (options.require_offset) {
      return unexpected(std::string("the UTC offset is missing (add Z or e.g. +01:00)"));
    }
    return written;
  }
  if (in.eat('Z') || in.eat('z')) {
    written.offset = chr::seconds{ 0 };
  } else if (in.peek() == '+' || in.peek() == '-') {
    const bool negative = in.peek() == '-';
    in.eat(in.peek());
    const std::string expected_offset = "expected a UTC offset like +01:00, -0500 or Z";
    const auto oh = in.digits(2);
    if (!oh) {
      return unexpected(expected_offset);
    }
    std::optional<int> om = 0;
    if (in.eat(':')) {
      om = in.digits(2);
    } else if (in.peek_digit()) {
      om = in.digits(2);
    }
    if (!om || in.peek_digit()) {
      return unexpected(expected_offset);
    }
    if (*oh > 23 || *om > 59) {
      return unexpected(
        fmt::format("UTC offset {}{:02}:{:02} is out of range", negative ? '-' : '+', *oh, *om));
    }
    const chr::seconds offset = chr::hours{ *oh } + chr::minutes{ *om };
    written.offset = negative ? -offset : offset;
  } else {
    return unexpected(fmt::format("unexpected '{}' after the time", in.rest()));
  }
  if (!in.at_end()) {
    return unexpected(fmt::format("unexpected '{}' after the UTC offset", in.rest()));
  }
  return written;
}

bool
equal_ignoring_case(std::string_view a, std::string_view b)
{
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

bool
is_utc_name(std::string_view name)
{
  return name == "UTC" || name == "Etc/UTC";
}

} // namespace

Result<Zone>
Zone::locate(std::string_view name)
{
  // Spares the tz database (tens of milliseconds to load) for the common UTC case.
  if (is_utc_name(name)) {
    return Zone(std::string(name), nullptr);
  }
  if (name.empty()) {
    return unexpected(std::string("empty time zone name (use e.g. Europe/Berlin or UTC)"));
  }
  try {
    return Zone(std::string(name), date::locate_zone(name));
  } catch (const std::runtime_error&) {
    // The error path only: suggestions scan every zone name.
  }
  std::string message = fmt::format("unknown time zone '{}'", name);
  try {
    const auto& zones = date::get_tzdb().zones;
    std::vector<std::string_view> names;
    names.reserve(zones.size() + 1);
    names.emplace_back("UTC");
    for (const auto& zone : zones) {
      names.emplace_back(zone.name());
    }
    // Case slips ("utc", "europe/paris") are too many edits for closest_match.
    std::optional<std::string> suggestion;
    for (const auto candidate : names) {
      if (equal_ignoring_case(candidate, name)) {
        suggestion = std::string(candidate);
        break;
      }
    }
    if (!suggestion) {
      suggestion = closest_match(name, names);
    }
    if (suggestion) {
      message += fmt::format("; did you mean '{}'?", *suggestion);
    }
  } catch (const std::exception& e) {
    message += fmt::format(" (the time zone database could not be read: {})", e.what());
  }
  return unexpected(message);
}

Zone
Zone::utc()
{
  return Zone("UTC", nullptr);
}

chr::local_seconds
Zone::to_local(TimePoint t) const
{
  return local_of(t, offset_at(t));
}

chr::seconds
Zone::offset_at(TimePoint t) const
{
  if (m_tz == nullptr) {
    return chr::seconds{ 0 };
  }
  return m_tz->get_info(t).offset;
}

LocalResolution
resolve_local(const Zone& zone, chr::local_seconds local)
{
  LocalResolution result;
  if (zone.tz() == nullptr) {
    result.first = TimePoint{ local.time_since_epoch() };
    result.second = result.first;
    return result;
  }
  const date::local_info info = zone.tz()->get_info(to_date_local(local));
  result.first_offset = info.first.offset;
  result.second_offset = info.first.offset;
  switch (info.result) {
  case date::local_info::unique:
    result.kind = LocalResolution::Kind::unique;
    result.first = TimePoint{ local.time_since_epoch() - info.first.offset };
    result.second = result.first;
    break;
  case date::local_info::nonexistent:
    // The gap ends at the transition: the first instant of the later offset.
    result.kind = LocalResolution::Kind::nonexistent;
    result.first = info.second.begin;
    result.second = info.second.begin;
    result.second_offset = info.second.offset;
    break;
  case date::local_info::ambiguous:
    result.kind = LocalResolution::Kind::ambiguous;
    result.first = TimePoint{ local.time_since_epoch() - info.first.offset };
    result.second = TimePoint{ local.time_since_epoch() - info.second.offset };
    result.second_offset = info.second.offset;
    break;
  }
  return result;
}

Result<WrittenTime>
parse_written_time(std::string_view text, bool allow_date_only)
{
  const std::string_view trimmed = trim(text);
  auto written = parse_time_impl(trimmed, { allow_date_only, false, false });
  if (!written) {
    return unexpected(fmt::format("invalid date-time '{}': {}", trimmed, written.error()));
  }
  return written;
}

Result<TimePoint>
to_instant(const WrittenTime& written, const Zone& zone)
{
  if (written.offset) {
    return TimePoint{ written.local.time_since_epoch() - *written.offset };
  }
  const LocalResolution r = resolve_local(zone, written.local);
  switch (r.kind) {
  case LocalResolution::Kind::unique:
    return r.first;
  case LocalResolution::Kind::nonexistent: {
    const chr::local_seconds gap_start = local_of(r.first, r.first_offset);
    // The same elapsed time read on the clock after the jump.
    const chr::local_seconds meant = written.local + (r.second_offset - r.first_offset);
    return unexpected(fmt::format(
      "{} does not exist in {} (the clocks jump forward at {}, {} -> {}); write the time you "
      "mean, e.g. {}",
      format_written(written.local), zone.name(), format_hm(civil(gap_start)),
      format_offset(r.first_offset), format_offset(r.second_offset), format_written(meant)));
  }
  case LocalResolution::Kind::ambiguous: {
    // r.second lies in the later offset's period, which began at the transition.
    const std::string when = format_written(written.local);
    const TimePoint transition_at = zone.tz()->get_info(r.second).begin;
    const chr::local_seconds transition = local_of(transition_at, r.first_offset);
    return unexpected(fmt::format("{} happens twice in {} (the clocks go back at {}); add the "
                                  "offset you mean: {}{} (first) or {}{} (second)",
                                  when, zone.name(), format_hm(civil(transition)), when,
                                  format_offset(r.first_offset), when,
                                  format_offset(r.second_offset)));
  }
  }
  return r.first;
}

Result<TimePoint>
parse_rfc3339(std::string_view text)
{
  const std::string_view trimmed = trim(text);
  auto written = parse_time_impl(trimmed, { false, true, true });
  if (!written) {
    return unexpected(fmt::format("invalid RFC 3339 time '{}': {}", trimmed, written.error()));
  }
  return TimePoint{ written->local.time_since_epoch() - *written->offset };
}

std::string
format_utc(TimePoint t)
{
  const Civil c = civil(local_of(t, chr::seconds{ 0 }));
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(c), c.hour, c.minute, c.second);
}

std::string
format_local_iso(TimePoint t, const Zone& zone)
{
  const LocalAndOffset lo = local_and_offset(t, zone);
  const Civil c = civil(lo.local);
  return fmt::format("{}T{}{}", format_date(c), format_hm(c), format_offset(lo.offset));
}

std::string
format_local_rfc3339(TimePoint t, const Zone& zone)
{
  const LocalAndOffset lo = local_and_offset(t, zone);
  const Civil c = civil(lo.local);
  return fmt::format("{}T{:02}:{:02}:{:02}{}", format_date(c), c.hour, c.minute, c.second,
                     format_offset(lo.offset));
}

std::string
format_local_date(TimePoint t, const Zone& zone)
{
  return format_date(civil(zone.to_local(t)));
}

std::string
format_local_time(TimePoint t, const Zone& zone)
{
  return format_hm(civil(zone.to_local(t)));
}

std::string
format_local_day_heading(TimePoint t, const Zone& zone)
{
  const chr::local_seconds local = zone.to_local(t);
  const chr::weekday wd{ chr::floor<chr::days>(local) };
  return fmt::format("{} {}", k_weekday_abbrevs[wd.c_encoding()], format_date(civil(local)));
}

} // namespace herald
