#include "cron.hpp"

#include "util/edit_distance.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace herald {

namespace chr = std::chrono;

namespace {

constexpr std::array<std::string_view, 12> k_month_names = { "JAN", "FEB", "MAR", "APR",
                                                             "MAY", "JUN", "JUL", "AUG",
                                                             "SEP", "OCT", "NOV", "DEC" };
constexpr std::array<std::string_view, 7> k_weekday_names = { "SUN", "MON", "TUE", "WED",
                                                              "THU", "FRI", "SAT" };

struct FieldSpec
{
  std::string_view name;
  int min;
  int max;
  std::span<const std::string_view> names; // names[i] means name_base + i
  int name_base;
  bool weekday; // 7 is another Sunday
};

constexpr std::array<FieldSpec, 5> k_fields = { {
  { "minute", 0, 59, {}, 0, false },
  { "hour", 0, 23, {}, 0, false },
  { "day-of-month", 1, 31, {}, 0, false },
  { "month", 1, 12, k_month_names, 1, false },
  { "day-of-week", 0, 7, k_weekday_names, 0, true },
} };

struct Macro
{
  std::string_view name;
  std::string_view expansion;
};

constexpr std::array<Macro, 7> k_macros = { {
  { "@hourly", "0 * * * *" },
  { "@daily", "0 0 * * *" },
  { "@midnight", "0 0 * * *" },
  { "@weekly", "0 0 * * 0" },
  { "@monthly", "0 0 1 * *" },
  { "@yearly", "0 0 1 1 *" },
  { "@annually", "0 0 1 1 *" },
} };

bool
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

bool
is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string
to_upper(std::string_view text)
{
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') {
      c = char(c - 'a' + 'A');
    }
  }
  return result;
}

std::string
to_lower(std::string_view text)
{
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') {
      c = char(c - 'A' + 'a');
    }
  }
  return result;
}

struct Word
{
  std::string_view text;
  size_t offset; // 0-based, within the whole expression
};

std::vector<Word>
split_words(std::string_view text)
{
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && !is_space(text[i])) {
      ++i;
    }
    if (i > start) {
      words.push_back({ text.substr(start, i - start), start });
    }
  }
  return words;
}

CronError
error_at(size_t offset, std::string message)
{
  return { std::move(message), int(offset) + 1 };
}

// Parses one field into a bit mask; `offset` is where the field starts in the expression.
class FieldParser
{
public:
  FieldParser(const FieldSpec& spec, std::string_view text, size_t offset)
    : m_spec(spec)
    , m_text(text)
    , m_offset(offset)
  {
  }

  Result<uint64_t, CronError> parse()
  {
    uint64_t mask = 0;
    size_t items = 0;
    while (true) {
      auto item = parse_item();
      if (!item) {
        return unexpected(item.error());
      }
      mask |= *item;
      ++items;
      if (at_end()) {
        break;
      }
      if (m_text[m_pos] != ',') {
        return unexpected(error_at(m_offset + m_pos, fmt::format("unexpected '{}' in the {} field",
                                                                 m_text[m_pos], m_spec.name)));
      }
      ++m_pos;
    }
    m_restricted = !(items == 1 && m_plain_star);
    return mask;
  }

  // Whether the field limits the values at all ("*" does not, "*/2" does).
  bool restricted() const { return m_restricted; }

private:
  bool at_end() const { return m_pos >= m_text.size(); }
  size_t column_offset() const { return m_offset + m_pos; }

  Result<uint64_t, CronError> parse_item()
  {
    const size_t item_start = m_pos;
    if (at_end() || m_text[m_pos] == ',') {
      return unexpected(
        error_at(column_offset(), fmt::format("empty item in the {} field list", m_spec.name)));
    }
    int lo = m_spec.min;
    int hi = m_spec.max;
    bool star = false;
    bool range = false;
    if (m_text[m_pos] == '*') {
      star = true;
      ++m_pos;
      if (m_spec.weekday) {
        hi = 6;
      }
    } else {
      const size_t lo_offset = column_offset();
      auto first = parse_value();
      if (!first) {
        return unexpected(first.error());
      }
      lo = hi = *first;
      if (!at_end() && m_text[m_pos] == '-') {
        ++m_pos;
        auto second = parse_value();
        if (!second) {
          return unexpected(second.error());
        }
        hi = *second;
        range = true;
        if (hi < lo) {
          const std::string_view written = m_text.substr(item_start, m_pos - item_start);
          return unexpected(error_at(lo_offset, fmt::format("range {} in the {} field is reversed "
                                                            "(write the smaller value first)",
                                                            written, m_spec.name)));
        }
      }
    }
    int step = 1;
    if (!at_end() && m_text[m_pos] == '/') {
      ++m_pos;
      const size_t step_offset = column_offset();
      if (at_end() || !is_digit(m_text[m_pos])) {
        return unexpected(error_at(step_offset, fmt::format("expected a step number after '/' "
                                                            "in the {} field",
                                                            m_spec.name)));
      }
      const auto value = read_number();
      const int span = m_spec.max - m_spec.min + (m_spec.weekday ? 0 : 1);
      if (value == 0) {
        return unexpected(
          error_at(step_offset,
                   fmt::format("step 0 in the {} field is invalid (use 1 or more)", m_spec.name)));
      }
      if (value > span) {
        return unexpected(
          error_at(step_offset, fmt::format("step {} is out of range (1-{})", value, span)));
      }
      if (!star && !range) {
        const std::string_view written = m_text.substr(item_start, m_pos - item_start);
        return unexpected(error_at(
          m_offset + item_start, fmt::format("'{}' has a step but no range; write {}-{}/{} or */{}",
                                             written, lo, m_spec.max, value, value)));
      }
      step = int(value);
    }
    if (!at_end() && m_text[m_pos] != ',') {
      return unexpected(error_at(column_offset(), fmt::format("unexpected '{}' in the {} field",
                                                              m_text[m_pos], m_spec.name)));
    }
    m_plain_star = star && step == 1;
    uint64_t mask = 0;
    for (int v = lo; v <= hi; v += step) {
      const int bit = m_spec.weekday ? v % 7 : v;
      mask |= uint64_t{ 1 } << bit;
    }
    return mask;
  }

  // Reads digits, saturating so that huge numbers still report as out of range.
  long long read_number()
  {
    long long value = 0;
    while (!at_end() && is_digit(m_text[m_pos])) {
      value = std::min(value * 10 + (m_text[m_pos] - '0'), 1'000'000'000LL);
      ++m_pos;
    }
    return value;
  }

  Result<int, CronError> parse_value()
  {
    const size_t start = m_pos;
    if (!at_end() && is_digit(m_text[m_pos])) {
      const long long value = read_number();
      if (value < m_spec.min || value > m_spec.max) {
        return unexpected(
          error_at(m_offset + start,
                   fmt::format("{} {} is out of range ({}-{})", m_spec.name,
                               m_text.substr(start, m_pos - start), m_spec.min, m_spec.max)));
      }
      return int(value);
    }
    if (!at_end() && is_alpha(m_text[m_pos])) {
      while (!at_end() && is_alpha(m_text[m_pos])) {
        ++m_pos;
      }
      return lookup_name(m_text.substr(start, m_pos - start), m_offset + start);
    }
    if (at_end()) {
      return unexpected(error_at(m_offset + start, fmt::format("expected a value at the end of "
                                                               "the {} field",
                                                               m_spec.name)));
    }
    return unexpected(error_at(m_offset + start, fmt::format("unexpected '{}' in the {} field",
                                                             m_text[start], m_spec.name)));
  }

  Result<int, CronError> lookup_name(std::string_view word, size_t offset) const
  {
    if (m_spec.names.empty()) {
      return unexpected(error_at(offset, fmt::format("unexpected name '{}' in the {} field (names "
                                                     "are for months and days of the week)",
                                                     word, m_spec.name)));
    }
    const std::string upper = to_upper(word);
    for (size_t i = 0; i < m_spec.names.size(); ++i) {
      if (upper == m_spec.names[i]) {
        return m_spec.name_base + int(i);
      }
    }
    std::string message = fmt::format("unknown {} name '{}'", m_spec.name, word);
    std::optional<std::string> suggestion;
    if (upper.size() > 3) {
      // "MONDAY" or "January": cron only knows the three-letter names.
      for (const auto name : m_spec.names) {
        if (upper.compare(0, 3, name) == 0) {
          suggestion = std::string(name);
        }
      }
    }
    if (!suggestion) {
      suggestion = closest_match(upper, m_spec.names);
    }
    if (suggestion) {
      message += fmt::format("; did you mean '{}'?", *suggestion);
    }
    return unexpected(error_at(offset, std::move(message)));
  }

  const FieldSpec& m_spec;
  std::string_view m_text;
  size_t m_offset;
  size_t m_pos = 0;
  bool m_plain_star = false;
  bool m_restricted = true;
};

// The first set bit at or after `from`, or -1.
template<size_t N>
int
next_set(const std::bitset<N>& bits, int from)
{
  for (int i = from; i < int(N); ++i) {
    if (bits[size_t(i)]) {
      return i;
    }
  }
  return -1;
}

} // namespace

Result<CronExpr, CronError>
CronExpr::parse(std::string_view text)
{
  std::string_view fields_text = text;
  std::optional<size_t> macro_offset;
  const std::vector<Word> words = split_words(text);
  if (!words.empty() && words[0].text.front() == '@') {
    const std::string lower = to_lower(words[0].text);
    const Macro* macro = nullptr;
    for (const auto& m : k_macros) {
      if (m.name == lower) {
        macro = &m;
      }
    }
    if (macro == nullptr) {
      std::string message = fmt::format("unknown cron macro '{}'", words[0].text);
      if (lower == "@reboot") {
        message = "@reboot is not supported (herald has no notion of a boot)";
      } else {
        std::array<std::string_view, k_macros.size()> names;
        for (size_t i = 0; i < k_macros.size(); ++i) {
          names[i] = k_macros[i].name;
        }
        if (const auto suggestion = closest_match(lower, names)) {
          message += fmt::format("; did you mean '{}'?", *suggestion);
        }
      }
      return unexpected(error_at(words[0].offset, std::move(message)));
    }
    if (words.size() > 1) {
      return unexpected(error_at(
        words[1].offset, fmt::format("unexpected '{}' after {}", words[1].text, macro->name)));
    }
    fields_text = macro->expansion;
    macro_offset = words[0].offset;
  }

  const std::vector<Word> fields = macro_offset ? split_words(fields_text) : words;
  if (fields.size() != 5) {
    const std::string message = fmt::format(
      "expected 5 fields (minute hour day-of-month month day-of-week), got {}", fields.size());
    return unexpected(fields.size() > 5 ? error_at(fields[5].offset, message)
                                        : CronError{ message, 0 });
  }

  CronExpr expr;
  expr.m_text = std::string(text);
  std::array<uint64_t, 5> masks{};
  std::array<bool, 5> restricted{};
  for (size_t i = 0; i < 5; ++i) {
    // A macro's expansion cannot fail; its fields would point at the macro.
    const size_t offset = macro_offset ? *macro_offset : fields[i].offset;
    FieldParser parser(k_fields[i], fields[i].text, offset);
    auto mask = parser.parse();
    if (!mask) {
      return unexpected(mask.error());
    }
    masks[i] = *mask;
    restricted[i] = parser.restricted();
  }
  expr.m_minutes = std::bitset<60>(masks[0]);
  expr.m_hours = std::bitset<24>(masks[1]);
  expr.m_days = std::bitset<32>(masks[2]);
  expr.m_months = std::bitset<13>(masks[3]);
  expr.m_weekdays = std::bitset<7>(masks[4]);
  expr.m_days_restricted = restricted[2];
  expr.m_weekdays_restricted = restricted[4];
  return expr;
}

namespace {

struct DayFields
{
  unsigned day;
  unsigned month;
  unsigned weekday;
};

DayFields
day_fields(chr::local_days day)
{
  const chr::year_month_day ymd{ day };
  return { unsigned(ymd.day()), unsigned(ymd.month()), chr::weekday{ day }.c_encoding() };
}

} // namespace

bool
CronExpr::matches(chr::local_seconds local) const
{
  const auto day = chr::floor<chr::days>(local);
  const DayFields f = day_fields(day);
  const long long minute_of_day = chr::floor<chr::minutes>(local - day).count();
  if (!m_months[f.month] || !m_hours[size_t(minute_of_day / 60)] ||
      !m_minutes[size_t(minute_of_day % 60)]) {
    return false;
  }
  const bool dom = m_days[f.day];
  const bool dow = m_weekdays[f.weekday];
  // Vixie cron: with both day fields restricted either may match.
  return m_days_restricted && m_weekdays_restricted ? dom || dow : dom && dow;
}

std::optional<TimePoint>
CronExpr::next_after(TimePoint after, const Zone& zone) const
{
  const bool utc = zone.tz() == nullptr;
  // Local minutes before this one map to instants at or before `after` (the mapping from local
  // minutes to instants is monotonic), so the search can start here.
  chr::local_time<chr::minutes> t = chr::floor<chr::minutes>(zone.to_local(after));
  const chr::local_days limit = chr::floor<chr::days>(t) + chr::days{ 5 * 366 };

  while (true) {
    const chr::local_days day = chr::floor<chr::days>(t);
    if (day > limit) {
      return std::nullopt;
    }
    const chr::year_month_day ymd{ day };
    if (!m_months[unsigned(ymd.month())]) {
      const chr::year_month next = chr::year_month{ ymd.year(), ymd.month() } + chr::months{ 1 };
      t = chr::local_days{ next / chr::day{ 1 } };
      continue;
    }
    const bool dom = m_days[unsigned(ymd.day())];
    const bool dow = m_weekdays[chr::weekday{ day }.c_encoding()];
    const bool day_ok = m_days_restricted && m_weekdays_restricted ? dom || dow : dom && dow;
    if (!day_ok) {
      t = day + chr::days{ 1 };
      continue;
    }
    const int minute_of_day = int((t - day).count());
    int hour = next_set(m_hours, minute_of_day / 60);
    if (hour < 0) {
      t = day + chr::days{ 1 };
      continue;
    }
    const int minute = next_set(m_minutes, hour == minute_of_day / 60 ? minute_of_day % 60 : 0);
    if (minute < 0) {
      t = day + chr::hours{ hour + 1 };
      continue;
    }
    t = day + chr::hours{ hour } + chr::minutes{ minute };

    // A gap maps its minutes to the gap's end, an overlap to the earlier instant.
    const TimePoint instant =
      utc ? TimePoint{ t.time_since_epoch() } : resolve_local(zone, chr::local_seconds{ t }).first;
    if (instant > after) {
      return instant;
    }
    t += chr::minutes{ 1 };
  }
}

} // namespace herald
