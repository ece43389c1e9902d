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
  std::string sign = s < 0 ? "-" : "";
  s = s < 0 ? -s : s;
  const long long d = s / 86400;
  const long long h = (s % 86400) / 3600;
  const long long m = (s % 3600) / 60;
  const long long sec = s % 60;
  if (d > 0) {
    return h > 0 ? fmt::format("{}{}d{}h", sign, d, h) : fmt::format("{}{}d", sign, d);
  }
  if (h > 0) {
    return m > 0 ? fmt::format("{}{}h{}m", sign, h, m) : fmt::format("{}{}h", sign, h);
  }
  if (m > 0) {
    return fmt::format("{}{}m", sign, m);
  }
  return fmt::format("{}{}s", sign, sec);
}

} // namespace herald
