#include "expand.hpp"

namespace herald::queue {

using calendar::Schedule;

Expansion
expand(const calendar::Post& post, const Zone& zone, TimePoint from, TimePoint to,
       TimePoint count_origin)
{
  Expansion result;
  const Schedule& schedule = post.schedule;
  if (schedule.kind == Schedule::Kind::at) {
    result.occurrences.push_back({ schedule.at, "" });
    return result;
  }
  if (!schedule.cron) {
    return result;
  }
  const TimePoint origin = schedule.start.value_or(count_origin);
  // With a count, walk from the origin so that the n-th occurrence is always the same one,
  // whatever the window; without, start at the window (or the post's start, if later).
  const TimePoint cursor = schedule.count ? origin : std::max(from, schedule.start.value_or(from));
  const TimePoint last = schedule.until ? std::min(to, *schedule.until) : to;
  int seen = 0;
  std::optional<TimePoint> next = schedule.cron->next_after(cursor - std::chrono::seconds(1), zone);
  while (next && *next <= last) {
    if (schedule.count && ++seen > *schedule.count) {
      break;
    }
    if (*next >= from) {
      if (result.occurrences.size() >= k_max_occurrences_per_post) {
        result.truncated = true;
        break;
      }
      result.occurrences.push_back({ *next, format_local_iso(*next, zone) });
    }
    next = schedule.cron->next_after(*next, zone);
  }
  return result;
}

std::string
job_id(const std::string& post_id, const std::string& occurrence, const std::string& account)
{
  std::string id = post_id;
  if (!occurrence.empty()) {
    id += "@" + occurrence;
  }
  return id + "/" + account;
}

} // namespace herald::queue
