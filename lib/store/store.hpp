#pragma once

#include "job.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::store {

struct JobFilter
{
  std::string calendar;                // empty: every calendar
  std::vector<JobState> states;        // empty: every state
  std::optional<TimePoint> due_before; // due <= this
  std::string order_by = "due";        // "due" or "posted"
  bool descending = false;
  int limit = 0; // 0: no limit
};

// A conditional change of one job: `job` is written only if the stored row is still in
// `expected_state` with `expected_token` as its lease token (see Store::update_job_if).
struct JobChange
{
  Job job;
  JobState expected_state;
  std::string expected_token;
};

// The lease a runner claims jobs under: its token, until when it holds, and the time of the claim.
struct Lease
{
  std::string token;
  TimePoint until;
  TimePoint now;
};

// `found` as a claim under `lease` leaves it: what Store::claim_jobs writes, and what the runner
// then holds.
inline Job
claimed_under(const Job& found, const Lease& lease)
{
  Job claim = found;
  claim.state = JobState::claimed;
  claim.lease_token = lease.token;
  claim.lease_until = lease.until;
  claim.updated_at = lease.now;
  return claim;
}

// The durable state. Small on purpose, so that a PostgreSQL implementation for several runners
// can follow: every state change is a conditional update checked by its row count (SQLite:
// `UPDATE ... WHERE state = ? AND lease_token = ?` then changes() == 1; PostgreSQL: the same,
// after `SELECT ... FOR UPDATE SKIP LOCKED` picks the candidates).
class Store
{
public:
  virtual ~Store() = default;

  // A write transaction takes the write lock at once (SQLite BEGIN IMMEDIATE), so it waits for
  // other writers (busy timeout) instead of failing half-way.
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  virtual std::optional<CalendarRecord> find_calendar(std::string_view key) = 0;
  // The calendar this host last read from this main file, with its copy as this host read it;
  // else the one last synced from a file at this path (a state written before hosts kept their
  // own copies, or a host reading it for the first time), with that sync's copy.
  virtual std::optional<CalendarRecord> find_calendar_by_path(std::string_view path) = 0;
  // Records a sync of `record`, read from this host's copy, and that copy.
  virtual void put_calendar(const CalendarRecord& record) = 0;
  // Records this host's copy of the calendar only (a file touched, not edited): the sync, which
  // another host may have made from another copy since, stays as it is.
  virtual void put_calendar_copy(const CalendarRecord& record, TimePoint read_at) = 0;
  // Moves everything kept under calendar key `from` (its record, its jobs, their metric
  // snapshots) to `to`, which must be unused: for a calendar whose identity changed (earlier
  // versions keyed a calendar without `name:` by its absolute path). Inside begin_write().
  virtual void rename_calendar(std::string_view from, std::string_view to) = 0;

  virtual std::vector<Job> list_jobs(const JobFilter& filter) = 0;
  virtual std::optional<Job> find_job(std::string_view calendar, std::string_view id) = 0;
  virtual void insert_job(const Job& job) = 0;

  // Writes every mutable column of `job` only if the stored row is still in `expected_state`
  // with `expected_token` as its lease token; false when another runner got there first.
  virtual bool update_job_if(const Job& job, JobState expected_state,
                             std::string_view expected_token) = 0;

  // update_job_if() for each change, in order, in one go (one round trip on PostgreSQL):
  // element i says whether change i was written.
  virtual std::vector<bool> update_jobs_if(const std::vector<JobChange>& changes) = 0;

  // Claims, in the order given, up to `at_most` of `candidates` (jobs as the runner found
  // them) whose rows are still so: each becomes `claimed` under `lease`, held by this process.
  // A row another runner is claiming right now is skipped, not waited for (PostgreSQL: FOR
  // UPDATE SKIP LOCKED), so that runners working the same backlog take different jobs instead
  // of racing for the same ones. Inside begin_write(). Returns the indexes into `candidates` of
  // the jobs claimed, in order.
  virtual std::vector<size_t> claim_jobs(const std::vector<Job>& candidates, const Lease& lease,
                                         size_t at_most) = 0;

  // Jobs that need attention at `now`: pending or retry-wait jobs due by then, and claimed or
  // sending jobs whose lease has expired (their runner died). Reads only the index. Several
  // calendars (a calendar and its one-off posts) are read in one statement: a cron tick with
  // nothing due costs one round trip for both. In due order.
  virtual std::vector<Job> actionable_jobs(const std::vector<std::string>& calendars,
                                           TimePoint now) = 0;
  std::vector<Job> actionable_jobs(std::string_view calendar, TimePoint now)
  {
    return actionable_jobs(std::vector<std::string>{ std::string(calendar) }, now);
  }

  // The earliest due time of a pending or retry-wait job, for the daemon's sleep.
  virtual std::optional<TimePoint> next_due(std::string_view calendar) = 0;
};

} // namespace herald::store
