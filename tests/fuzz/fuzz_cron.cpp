// Cron expressions as written in a calendar's `cron:`: parsing, then the next occurrences in a
// zone with DST changes, which walk the parsed fields.
#include "schedule/cron.hpp"
#include "schedule/zone.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto cron = herald::CronExpr::parse(text);
  if (!cron) {
    return 0;
  }
  static const auto zone = herald::Zone::locate("Europe/Berlin");
  // 2026-03-29 00:30 UTC, just before a DST gap: the walk crosses a transition.
  herald::TimePoint at{ std::chrono::seconds(1'774'744'200) };
  for (int i = 0; i < 3; ++i) {
    const auto next = cron->next_after(at, *zone);
    if (!next) {
      break;
    }
    at = *next;
  }
  return 0;
}
