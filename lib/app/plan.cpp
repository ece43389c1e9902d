#include "plan.hpp"

#include "tick.hpp"

#include "queue/expand.hpp"

#include <algorithm>
#include <tuple>

namespace herald::app {

Plan
make_plan(const std::filesystem::path& file, TimePoint from, TimePoint until,
          const calendar::LoadOptions& options)
{
  Plan plan;
  plan.loaded = load_checked(file, options);
  if (!plan.loaded.calendar || plan.loaded.diagnostics.has_errors()) {
    return plan;
  }
  const calendar::Calendar& cal = *plan.loaded.calendar;
  for (const auto& post : cal.posts) {
    if (!post.enabled) {
      continue;
    }
    const auto expansion = queue::expand(post, cal.zone, from, until, from);
    for (const auto& occurrence : expansion.occurrences) {
      if (occurrence.due < from || occurrence.due > until) {
        continue;
      }
      for (const auto& account : post.to) {
        PlanEntry entry;
        entry.due = occurrence.due;
        entry.job_id = queue::job_id(post.id, occurrence.label, account);
        entry.post_id = post.id;
        entry.account = account;
        entry.platform = cal.accounts.at(account).platform;
        entry.parts = calendar::render_for(post, account);
        entry.is_thread = entry.parts.size() > 1;
        entry.recurring = !occurrence.label.empty();
        plan.entries.push_back(std::move(entry));
      }
    }
  }
  std::sort(plan.entries.begin(), plan.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.due, a.job_id) < std::tie(b.due, b.job_id);
  });
  return plan;
}

} // namespace herald::app
