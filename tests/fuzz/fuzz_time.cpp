// Time and duration as users and servers write them: a calendar's `at:` (then turned into an
// instant in a zone with DST changes), RFC 3339 from --now and from platforms' answers,
// Retry-After values, and durations such as "1h30m". Round trips must give back what was parsed.
#include "http/rate_limit.hpp"

#include "schedule/zone.hpp"
#include "util/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace herald;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto berlin = Zone::locate("Europe/Berlin");
  const TimePoint now{ std::chrono::seconds(1'798'761'600) }; // 2027-01-01T00:00:00Z

  for (const bool date_only : { false, true }) {
    if (const auto written = parse_written_time(text, date_only)) {
      (void)to_instant(*written, *berlin);
      (void)to_instant(*written, Zone::utc());
    }
  }

  if (const auto instant = parse_rfc3339(text)) {
    // What herald writes, it must read back as the same instant.
    const auto again = parse_rfc3339(format_utc(*instant));
    if (!again || *again != *instant) {
      std::abort();
    }
    (void)format_local_iso(*instant, *berlin);
    (void)format_local_rfc3339(*instant, *berlin);
    (void)format_local_day_heading(*instant, *berlin);
  }

  if (const auto at = http::parse_retry_after(text, now)) {
    (void)http::clamp_server_wait(*at, now);
  }

  // format_duration() writes days at most, and parse_duration() takes at most 100,000,000 of a
  // unit: beyond that, the text cannot read back.
  constexpr std::chrono::seconds k_round_trip_limit{ 100'000'000LL * 86400 };
  if (const auto duration = parse_duration(text); duration && *duration < k_round_trip_limit) {
    const auto again = parse_duration(format_duration(*duration));
    if (!again || *again != *duration) {
      std::abort();
    }
  }
  return 0;
}
