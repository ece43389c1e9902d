#include "jobs.hpp"

#include "tick.hpp"

#include "store/state_location.hpp"

#include <algorithm>

namespace herald::app {

namespace {

JobList
query_jobs(const JobQuery& query, store::JobFilter filter)
{
  JobList list;
  if (!store::StateLocation(query.state).exists()) {
    return list;
  }
  list.state_exists = true;
  auto store = store::open_store(query.state);
  if (query.all_calendars) {
    list.calendar_known = true;
    list.jobs = store->list_jobs(filter);
    return list;
  }
  // The calendar's own jobs and the one-off posts made with its accounts (`herald post`), which
  // exist even before the calendar's first run; a calendar without `name:` is keyed by its path.
  const auto main_file = std::filesystem::absolute(query.calendar).lexically_normal();
  const auto record = store->find_calendar_by_path(main_file.string());
  const std::string key = record ? record->key : main_file.string();
  for (const auto& calendar : { key, one_off_key(key) }) {
    filter.calendar = calendar;
    auto jobs = store->list_jobs(filter);
    list.calendar_known = list.calendar_known || record || !jobs.empty();
    list.jobs.insert(list.jobs.end(), std::make_move_iterator(jobs.begin()),
                     std::make_move_iterator(jobs.end()));
  }
  const bool by_posted = filter.order_by == "posted";
  std::stable_sort(list.jobs.begin(), list.jobs.end(), [&](const auto& a, const auto& b) {
    const auto ka = by_posted ? a.posted_at.value_or(a.due) : a.due;
    const auto kb = by_posted ? b.posted_at.value_or(b.due) : b.due;
    return filter.descending ? kb < ka : ka < kb;
  });
  if (filter.limit > 0 && list.jobs.size() > size_t(filter.limit)) {
    list.jobs.resize(size_t(filter.limit));
  }
  return list;
}

} // namespace

JobList
unpublished_jobs(const JobQuery& query)
{
  using store::JobState;
  store::JobFilter filter;
  filter.states = { JobState::pending, JobState::claimed, JobState::sending, JobState::retry_wait,
                    JobState::failed,  JobState::unknown, JobState::missed,  JobState::cancelled };
  return query_jobs(query, filter);
}

JobList
published_jobs(const JobQuery& query, int limit)
{
  store::JobFilter filter;
  filter.states = { store::JobState::posted };
  filter.order_by = "posted";
  filter.descending = true;
  filter.limit = limit;
  return query_jobs(query, filter);
}

JobList
jobs_needing_attention(const JobQuery& query)
{
  using store::JobState;
  JobList list;
  if (!store::StateLocation(query.state).exists()) {
    return list;
  }
  list.state_exists = true;
  auto store = store::open_store(query.state);
  std::vector<store::CalendarRecord> calendars;
  if (query.all_calendars) {
    // Every calendar: the baseline rule needs each job's own calendar, so go one by one.
    store::JobFilter every;
    std::vector<std::string> keys;
    for (const auto& job : store->list_jobs(every)) {
      if (std::find(keys.begin(), keys.end(), job.calendar) == keys.end()) {
        keys.push_back(job.calendar);
      }
    }
    for (const auto& key : keys) {
      if (auto record = store->find_calendar(key)) {
        calendars.push_back(*record);
      }
    }
  } else {
    const auto main_file = std::filesystem::absolute(query.calendar).lexically_normal();
    if (auto record = store->find_calendar_by_path(main_file.string())) {
      calendars.push_back(*record);
    }
  }
  list.calendar_known = !calendars.empty();
  for (const auto& record : calendars) {
    for (const auto& key : { record.key, one_off_key(record.key) }) {
      store::JobFilter filter;
      filter.calendar = key;
      filter.states = { JobState::unknown, JobState::failed, JobState::missed };
      for (auto& job : store->list_jobs(filter)) {
        const bool before_baseline = key == record.key && job.due < record.baseline;
        if (job.state != JobState::missed || !before_baseline) {
          list.jobs.push_back(std::move(job));
        }
      }
    }
  }
  std::stable_sort(list.jobs.begin(), list.jobs.end(),
                   [](const auto& a, const auto& b) { return a.due < b.due; });
  return list;
}

} // namespace herald::app
