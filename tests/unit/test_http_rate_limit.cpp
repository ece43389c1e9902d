#include "http/rate_limit.hpp"

#include "schedule/zone.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::http;
using namespace std::chrono_literals;

namespace {

const TimePoint k_now = parse_rfc3339("2026-12-01T08:00:00Z").value();

Response
with_header(std::string name, std::string value)
{
  Response response;
  response.status = 429;
  response.headers.push_back({ std::move(name), std::move(value) });
  return response;
}

} // namespace

TEST_SUITE("http::rate_limit")
{
  TEST_CASE("Retry-After as delta-seconds")
  {
    CHECK(parse_retry_after("120", k_now) == k_now + 120s);
    CHECK(parse_retry_after(" 0 ", k_now) == k_now);
    CHECK(parse_retry_after("-30", k_now) == k_now);
    CHECK(parse_retry_after("86400", k_now) == k_now + 1h);
    CHECK(parse_retry_after("99999999999999999999999", k_now) == k_now + 1h);
  }

  TEST_CASE("Retry-After as an HTTP-date")
  {
    CHECK(parse_retry_after("Tue, 01 Dec 2026 08:10:00 GMT", k_now) == k_now + 10min);
    CHECK(parse_retry_after("Tuesday, 01-Dec-26 08:10:00 GMT", k_now) == k_now + 10min);
    CHECK(parse_retry_after("Tue Dec  1 08:10:00 2026", k_now) == k_now + 10min);
    CHECK(parse_retry_after("Mon, 01 Nov 2010 00:00:00 GMT", k_now) == k_now);
    CHECK(parse_retry_after("Fri, 01 Jan 2027 00:00:00 GMT", k_now) == k_now + 1h);
  }

  TEST_CASE("Retry-After that is neither")
  {
    CHECK_FALSE(parse_retry_after("soon", k_now));
    CHECK_FALSE(parse_retry_after("", k_now));
    CHECK_FALSE(parse_retry_after("12abc", k_now));
  }

  TEST_CASE("retry_after reads the header case-insensitively")
  {
    CHECK(retry_after(with_header("retry-after", "30"), k_now) == k_now + 30s);
    CHECK_FALSE(retry_after(Response{}, k_now));
  }

  TEST_CASE("X-RateLimit-Reset as ISO-8601 (Mastodon)")
  {
    CHECK(rate_limit_reset_iso(with_header("X-RateLimit-Reset", "2026-12-01T08:05:00.000Z"),
                               k_now) == k_now + 5min);
    CHECK(rate_limit_reset_iso(with_header("x-ratelimit-reset", "2026-12-01T09:05:00+01:00"),
                               k_now) == k_now + 5min);
    CHECK(rate_limit_reset_iso(with_header("X-RateLimit-Reset", "2030-01-01T00:00:00Z"), k_now) ==
          k_now + 1h);
    CHECK(rate_limit_reset_iso(with_header("X-RateLimit-Reset", "2000-01-01T00:00:00Z"), k_now) ==
          k_now);
    CHECK_FALSE(rate_limit_reset_iso(with_header("X-RateLimit-Reset", "1764576300"), k_now));
    CHECK_FALSE(rate_limit_reset_iso(Response{}, k_now));
  }

  TEST_CASE("rate-limit reset as epoch seconds (X, Bluesky)")
  {
    const auto epoch = k_now.time_since_epoch().count();
    CHECK(rate_limit_reset_epoch(with_header("x-rate-limit-reset", std::to_string(epoch + 90)),
                                 k_now, "X-Rate-Limit-Reset") == k_now + 90s);
    CHECK(rate_limit_reset_epoch(with_header("RateLimit-Reset", std::to_string(epoch + 90) + ".5"),
                                 k_now, "ratelimit-reset") == k_now + 90s);
    CHECK(rate_limit_reset_epoch(with_header("X-RateLimit-Reset", "1"), k_now) == k_now);
    CHECK(rate_limit_reset_epoch(with_header("X-RateLimit-Reset", "-5"), k_now) == k_now);
    CHECK(rate_limit_reset_epoch(with_header("X-RateLimit-Reset", "99999999999999"), k_now) ==
          k_now + 1h);
    CHECK_FALSE(
      rate_limit_reset_epoch(with_header("X-RateLimit-Reset", "2026-12-01T08:05:00Z"), k_now));
  }
}
