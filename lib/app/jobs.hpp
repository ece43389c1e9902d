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
  // Only the jobs of this calendar (by its main file) and its one-off posts (`herald post`),
  // unless `all_calendars`.
  std::filesystem::path calendar;
  bool all_calendars = false;
  std::vector<std::string> accounts;   // empty: every account
  std::vector<store::JobState> states; // empty: the command's own choice of states
  int limit = 0;                       // 0: no limit
};

struct JobList
{
  bool state_exists = false;
  bool calendar_known = false; // the calendar was synced into this state, or has one-off posts
  std::vector<store::Job> jobs;
};

// Jobs that are not (yet) published: pending, claimed, sending, retry-wait, failed, unknown,
// missed and cancelled (or `query.states`), in due order.
JobList unpublished_jobs(const JobQuery& query);

// Published jobs, newest first.
JobList published_jobs(const JobQuery& query);

// Jobs that wait for a person: unknown, failed, and missed (except what came due before herald
// first saw the calendar, which was never meant to go out on its own), with the calendar's
// one-off posts, in due order. For `status` and `run --strict`. Honours `query.accounts`.
JobList jobs_needing_attention(const JobQuery& query);

// What `status` shows, from one opening of the state: unpublished_jobs(query), and
// jobs_needing_attention of the same query with every state and no limit.
struct StatusLists
{
  JobList unpublished;
  JobList attention;
};
StatusLists status_lists(const JobQuery& query);

} // namespace herald::app
