#include "slots.hpp"

#include "expand.hpp"

#include <set>

namespace herald::queue {

namespace {

using calendar::Schedule;

// The first slot of `account` strictly after `after`.
std::optional<TimePoint>
next_slot(const calendar::Calendar& calendar, const std::string& account, TimePoint after)
{
  std::optional<TimePoint> best;
  for (const auto& rule : calendar.slots) {
    if (!rule.applies_to(account)) {
      continue;
    }
    for (const auto& time : rule.times) {
      const auto next = time.next_after(after, calendar.zone);
      if (next && (!best || *next < *best)) {
        best = next;
      }
    }
  }
  return best;
}

template<typename Visit>
void
for_each_queued_job(const calendar::Calendar& calendar, Visit&& visit)
{
  for (const auto& post : calendar.posts) {
    if (post.enabled && post.schedule.kind == Schedule::Kind::queue) {
      for (const auto& account : post.to) {
        visit(job_id(post.id, "", account), account);
      }
    }
  }
}

} // namespace

bool
holds_slot(const store::Job& job)
{
  return job.state != store::JobState::cancelled || !job.error.starts_with("removed:");
}

bool
is_slot(const calendar::Calendar& calendar, const std::string& account, TimePoint t)
{
  return next_slot(calendar, account, t - std::chrono::seconds(1)) == t;
}

SlotTimes
assign_slots(const calendar::Calendar& calendar, const SlotTimes& kept, TimePoint now)
{
  SlotTimes assigned;
  std::map<std::string, std::set<TimePoint>> taken; // account -> slots already given
  for_each_queued_job(calendar, [&](const std::string& id, const std::string& account) {
    const auto it = kept.find(id);
    if (it != kept.end() && (it->second <= now || is_slot(calendar, account, it->second))) {
      assigned.emplace(id, it->second);
      taken[account].insert(it->second);
    }
  });
  // Each account's search only moves forward: a post later in the calendar never gets an
  // earlier new slot than one before it.
  std::map<std::string, TimePoint> cursor;
  for_each_queued_job(calendar, [&](const std::string& id, const std::string& account) {
    if (assigned.contains(id)) {
      return;
    }
    const auto it = cursor.try_emplace(account, now).first;
    auto slot = next_slot(calendar, account, it->second);
    while (slot && taken[account].contains(*slot)) {
      slot = next_slot(calendar, account, *slot);
    }
    if (slot) {
      assigned.emplace(id, *slot);
      taken[account].insert(*slot);
      it->second = *slot;
    }
  });
  return assigned;
}

} // namespace herald::queue
