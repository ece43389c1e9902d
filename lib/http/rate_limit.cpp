#include "rate_limit.hpp"

#include "ascii.hpp"
#include "curl_api.hpp"

#include "schedule/zone.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <string>

namespace herald::http {

namespace {

// An optionally signed integer, saturated far beyond any sensible wait; `rest` gets what
// follows the digits.
std::optional<long long>
parse_integer(std::string_view text, std::string_view& rest)
{
  constexpr long long k_saturation = 1'000'000'000'000LL;
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  size_t i = 0;
  long long value = 0;
  for (; i < text.size() && ascii::is_digit(text[i]); ++i) {
    value = std::min(k_saturation, value * 10 + (text[i] - '0'));
  }
  if (i == 0) {
    return std::nullopt;
  }
  rest = text.substr(i);
  return negative ? -value : value;
}

} // namespace

TimePoint
clamp_server_wait(TimePoint at, TimePoint now)
{
  return std::clamp(at, now, now + k_max_server_wait);
}

std::optional<TimePoint>
parse_retry_after(std::string_view value, TimePoint now)
{
  value = ascii::trim(value);
  std::string_view rest;
  if (const auto seconds = parse_integer(value, rest); seconds && rest.empty()) {
    // Saturated above, so this cannot overflow before the clamp.
    return clamp_server_wait(now + std::chrono::seconds(*seconds), now);
  }
  const std::string text(value);
  const time_t date = curl_api().getdate(text.c_str(), nullptr);
  if (date == -1) {
    return std::nullopt;
  }
  return clamp_server_wait(TimePoint(std::chrono::seconds(date)), now);
}

std::optional<TimePoint>
retry_after(const Response& response, TimePoint now)
{
  const auto value = response.header("Retry-After");
  return value ? parse_retry_after(*value, now) : std::nullopt;
}

std::optional<TimePoint>
rate_limit_reset_iso(const Response& response, TimePoint now, std::string_view header)
{
  const auto value = response.header(header);
  if (!value) {
    return std::nullopt;
  }
  const auto at = parse_rfc3339(ascii::trim(*value));
  return at ? std::optional(clamp_server_wait(*at, now)) : std::nullopt;
}

std::optional<TimePoint>
rate_limit_reset_epoch(const Response& response, TimePoint now, std::string_view header)
{
  const auto value = response.header(header);
  if (!value) {
    return std::nullopt;
  }
  std::string_view rest;
  const auto seconds = parse_integer(ascii::trim(*value), rest);
  const bool fraction_only =
    rest.empty() || (rest.front() == '.' && std::all_of(rest.begin() + 1, rest.end(),
                                                        [](char c) { return ascii::is_digit(c); }));
  if (!seconds || !fraction_only) {
    return std::nullopt;
  }
  return clamp_server_wait(TimePoint(std::chrono::seconds(*seconds)), now);
}

} // namespace herald::http
