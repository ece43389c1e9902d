#include "duration.hpp"

#include <fmt/core.h>

namespace herald {

Result<std::chrono::seconds>
parse_duration(std::string_view text)
{
  if (text.empty()) {
    return unexpected(std::string("empty duration"));
  }
  long long total = 0;
  long long last_unit = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return unexpected(fmt::format("invalid duration '{}' (expected e.g. 30m, 1h, 2d)", text));
    }
    long long value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 100'000'000) {
        return unexpected(fmt::format("duration '{}' is too long", text));
      }
      ++i;
    }
    if (i == text.size()) {
      return unexpected(
        fmt::format("duration '{}' needs a unit (s, m, h, d or w), e.g. {}m", text, value));
    }
    long long unit = 0;
    switch (text[i]) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7LL * 86400;
      break;
    default:
      return unexpected(
        fmt::format("invalid duration unit '{}' in '{}' (use s, m, h, d or w)", text[i], text));
    }
    if (last_unit != 0 && unit >= last_unit) {
      return unexpected(
        fmt::format("invalid duration '{}': units must go from large to small", text));
    }
    last_unit = unit;
    total += value * unit;
    ++i;
  }
  return std::chrono::seconds(total);
}

std::string
format_duration(std::chrono::seconds duration)
{
  long long s = duration.count();
  std::string out = s < 0 ? "-" : "";
  // Every non-zero unit, so that the text reads back as the same duration: a `timeout: 90s`
  // must not be reported as "1m".
  const unsigned long long total =
    s < 0 ? 0ULL - static_cast<unsigned long long>(s) : static_cast<unsigned long long>(s);
  const unsigned long long parts[] = { total / 86400, total % 86400 / 3600, total % 3600 / 60,
                                       total % 60 };
  const char units[] = { 'd', 'h', 'm', 's' };
  for (size_t i = 0; i < 4; ++i) {
    if (parts[i] > 0) {
      out += fmt::format("{}{}", parts[i], units[i]);
    }
  }
  return total == 0 ? "0s" : out;
}

} // namespace herald
