#include "jobs.hpp"

#include "store/sqlite_store.hpp"

namespace herald::app {

namespace {

JobList
query_jobs(const JobQuery& query, store::JobFilter filter)
{
  JobList list;
  if (!std::filesystem::exists(query.state)) {
    return list;
  }
  list.state_exists = true;
  auto store = store::open_sqlite_store(query.state);
  if (!query.all_calendars) {
    const auto main_file = std::filesystem::absolute(query.calendar).lexically_normal();
    const auto record = store->find_calendar_by_path(main_file.string());
    if (!record) {
      return list;
    }
    filter.calendar = record->key;
  }
  list.calendar_known = true;
  list.jobs = store->list_jobs(filter);
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

} // namespace herald::app
