#include "jobs.hpp"

#include "calendar_key.hpp"

#include "store/state_location.hpp"

#include <algorithm>
#include <map>

namespace herald::app {

namespace {

bool
wanted_account(const JobQuery& query, const store::Job& job)
{
  return query.accounts.empty() || std::find(query.accounts.begin(), query.accounts.end(),
                                             job.account) != query.accounts.end();
}

// The calendar keys a query covers: the calendar's own and its one-off posts', or every one
// (an empty key) with --all.
std::vector<std::string>
keys_of(const JobQuery& query, store::Store& store)
{
  if (query.all_calendars) {
    return { "" };
  }
  return stored_calendar_keys(store, query.calendar);
}

JobList
query_jobs(store::Store* store, const JobQuery& query, store::JobFilter filter)
{
  JobList list;
  if (!store) {
    return list;
  }
  list.state_exists = true;
  const auto keys = keys_of(query, *store);
  list.calendar_known = query.all_calendars || store->find_calendar(keys.front()).has_value();
  for (const auto& calendar : keys) {
    filter.calendar = calendar;
    for (auto& job : store->list_jobs(filter)) {
      list.calendar_known = true;
      if (wanted_account(query, job)) {
        list.jobs.push_back(std::move(job));
      }
    }
  }
  const bool by_posted = filter.order_by == "posted";
  std::stable_sort(list.jobs.begin(), list.jobs.end(), [&](const auto& a, const auto& b) {
    const auto ka = by_posted ? a.posted_at.value_or(a.due) : a.due;
    const auto kb = by_posted ? b.posted_at.value_or(b.due) : b.due;
    return filter.descending ? kb < ka : ka < kb;
  });
  if (query.limit > 0 && list.jobs.size() > size_t(query.limit)) {
    list.jobs.resize(size_t(query.limit));
  }
  return list;
}

// The state opened for reading, or nothing when there is none yet.
std::unique_ptr<store::Store>
open_if_any(const JobQuery& query)
{
  if (!store::StateLocation(query.state).exists()) {
    return nullptr;
  }
  return store::open_store_for_reading(query.state);
}

store::JobFilter
unpublished_filter(const JobQuery& query)
{
  using store::JobState;
  store::JobFilter filter;
  filter.states = query.states;
  if (filter.states.empty()) {
    filter.states = {
      JobState::pending, JobState::claimed, JobState::sending, JobState::retry_wait,
      JobState::failed,  JobState::unknown, JobState::missed,  JobState::cancelled
    };
  }
  return filter;
}

JobList needing_attention(store::Store* store, const JobQuery& query);

} // namespace

JobList
unpublished_jobs(const JobQuery& query)
{
  const auto store = open_if_any(query);
  return query_jobs(store.get(), query, unpublished_filter(query));
}

JobList
published_jobs(const JobQuery& query)
{
  store::JobFilter filter;
  filter.states = { store::JobState::posted };
  filter.order_by = "posted";
  filter.descending = true;
  const auto store = open_if_any(query);
  return query_jobs(store.get(), query, filter);
}

JobList
jobs_needing_attention(const JobQuery& query)
{
  const auto store = open_if_any(query);
  return needing_attention(store.get(), query);
}

StatusLists
status_lists(const JobQuery& query)
{
  const auto store = open_if_any(query);
  JobQuery attention = query;
  attention.states.clear();
  attention.limit = 0;
  return { query_jobs(store.get(), query, unpublished_filter(query)),
           needing_attention(store.get(), attention) };
}

namespace {

JobList
needing_attention(store::Store* store, const JobQuery& query)
{
  using store::JobState;
  JobList list;
  if (!store) {
    return list;
  }
  list.state_exists = true;
  // The baseline of each job's calendar; one-off posts have none: they were asked for.
  std::map<std::string, std::optional<TimePoint>> baselines;
  const auto baseline_of = [&](const std::string& key) {
    auto it = baselines.find(key);
    if (it == baselines.end()) {
      const auto record = store->find_calendar(key);
      it = baselines.emplace(key, record ? std::optional(record->baseline) : std::nullopt).first;
    }
    return it->second;
  };
  for (const auto& key : keys_of(query, *store)) {
    store::JobFilter filter;
    filter.calendar = key;
    filter.states = { JobState::unknown, JobState::failed, JobState::missed };
    for (auto& job : store->list_jobs(filter)) {
      list.calendar_known = true;
      const auto baseline = baseline_of(job.calendar);
      const bool before_baseline = baseline && job.due < *baseline;
      if ((job.state != JobState::missed || !before_baseline) && wanted_account(query, job)) {
        list.jobs.push_back(std::move(job));
      }
    }
  }
  std::stable_sort(list.jobs.begin(), list.jobs.end(),
                   [](const auto& a, const auto& b) { return a.due < b.due; });
  return list;
}

} // namespace

} // namespace herald::app
