#pragma once

#include "store/job.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

struct JobQuery
{
  std::filesystem::path state;
  // Only the jobs of this calendar (by its main file), unless `all_calendars`.
  std::filesystem::path calendar;
  bool all_calendars = false;
};

struct JobList
{
  bool state_exists = false;
  bool calendar_known = false; // the calendar has been synced into this state
  std::vector<store::Job> jobs;
};

// Jobs that are not (yet) published: pending, claimed, sending, retry-wait, failed, unknown,
// missed and cancelled, in due order.
JobList unpublished_jobs(const JobQuery& query);

// Published jobs, newest first.
JobList published_jobs(const JobQuery& query, int limit);

// Jobs that wait for a person: unknown, failed, and missed (except what came due before herald
// first saw the calendar, which was never meant to go out on its own), with the calendar's
// one-off posts, in due order. For `status` and `run --strict`.
JobList jobs_needing_attention(const JobQuery& query);

} // namespace herald::app
