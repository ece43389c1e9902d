#pragma once

#include "request.hpp"

#include "schedule/clock.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace herald::http {

// The longest wait herald takes from a server (reliability.md M6): a later time is clamped,
// so a bogus or hostile header cannot park a post for days; an earlier one becomes "now".
inline constexpr std::chrono::seconds k_max_server_wait = std::chrono::hours(1);

// `at` clamped to [now, now + k_max_server_wait].
TimePoint clamp_server_wait(TimePoint at, TimePoint now);

// A Retry-After value: delta-seconds ("120"; a negative or huge one is clamped) or an HTTP-date
// in any of the three RFC 9110 formats ("Wed, 21 Oct 2026 07:28:00 GMT"). nullopt when the
// value is neither.
std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now);

// The response's Retry-After, clamped; nullopt when absent or unparsable.
std::optional<TimePoint> retry_after(const Response& response, TimePoint now);

// A rate-limit reset header as ISO-8601 with an offset, e.g. Mastodon's
// X-RateLimit-Reset: 2026-12-01T08:00:00.000Z. Clamped; nullopt when absent or unparsable.
std::optional<TimePoint> rate_limit_reset_iso(const Response& response, TimePoint now,
                                              std::string_view header = "X-RateLimit-Reset");

// A rate-limit reset header as Unix epoch seconds, e.g. X's x-rate-limit-reset or Bluesky's
// RateLimit-Reset: 1764576000 (a fraction is ignored). Clamped; nullopt when absent or
// unparsable.
std::optional<TimePoint> rate_limit_reset_epoch(const Response& response, TimePoint now,
                                                std::string_view header = "X-RateLimit-Reset");

} // namespace herald::http
