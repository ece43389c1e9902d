#include "timing_check.hpp"

#include "schedule/zone.hpp"

#include <fmt/core.h>

namespace herald::app {

void
check_timing(const calendar::Calendar& calendar, const std::string& display, TimePoint now,
             Diagnostics& diagnostics)
{
  using Kind = calendar::Schedule::Kind;
  if (calendar.accounts.empty()) {
    diagnostics.warning({ display, 1, 1 },
                        "the calendar has no accounts: nothing can be published (add 'accounts:')");
  }
  for (const auto& post : calendar.posts) {
    if (!post.enabled) {
      continue;
    }
    const auto& schedule = post.schedule;
    if (schedule.kind == Kind::at && schedule.at < now) {
      diagnostics.warning(schedule.pos,
                          fmt::format("post '{}' is due at {}, in the past: herald run lists it as "
                                      "missed (herald post publishes a one-off post now)",
                                      post.id, format_utc(schedule.at)));
    }
    if (schedule.kind == Kind::cron && schedule.cron) {
      // From the later of now and the post's start: a cron that has no next time never fires.
      const TimePoint from = std::max(now, schedule.start.value_or(now));
      const auto next = schedule.cron->next_after(from, calendar.zone);
      if (!next) {
        diagnostics.warning(schedule.pos, fmt::format("post '{}': its cron '{}' never fires",
                                                      post.id, schedule.cron->text()));
      } else if (schedule.until && *schedule.until > now && *next > *schedule.until) {
        diagnostics.warning(
          schedule.pos, fmt::format("post '{}': its cron '{}' does not fire again before its "
                                    "'until:' {}",
                                    post.id, schedule.cron->text(), format_utc(*schedule.until)));
      }
    }
  }
}

} // namespace herald::app
