#include "job_actions.hpp"

#include "calendar_key.hpp"

#include "store/state_location.hpp"
#include "util/edit_distance.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

namespace herald::app {

namespace {

using store::Job;
using store::JobState;
using Kind = JobAction::Kind;

std::vector<JobState>
accepted_states(Kind kind)
{
  switch (kind) {
  case Kind::posted:
    return { JobState::unknown, JobState::failed, JobState::missed };
  case Kind::not_posted:
    return { JobState::unknown };
  case Kind::retry:
    return { JobState::failed, JobState::missed, JobState::retry_wait, JobState::cancelled };
  case Kind::cancel:
    return { JobState::pending, JobState::retry_wait, JobState::failed, JobState::missed,
             JobState::unknown };
  }
  return {};
}

std::string_view
verb(Kind kind)
{
  switch (kind) {
  case Kind::posted:
    return "resolve --posted";
  case Kind::not_posted:
    return "resolve --not-posted";
  case Kind::retry:
    return "retry";
  case Kind::cancel:
    return "cancel";
  }
  return "";
}

std::string
join_states(const std::vector<JobState>& states)
{
  std::string out;
  for (size_t i = 0; i < states.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == states.size() ? " or " : ", ");
    out += store::to_string(states[i]);
  }
  return out;
}

// The job as the action leaves it.
Job
acted(const JobAction& action, Job job)
{
  job.lease_token.clear();
  job.lease_until.reset();
  job.updated_at = action.now;
  switch (action.kind) {
  case Kind::posted:
    job.state = JobState::posted;
    job.url = action.url;
    job.remote_id = action.remote_id;
    job.posted_at = action.now;
    job.next_attempt.reset();
    job.error = "resolved by hand: posted";
    break;
  case Kind::retry:
    if (job.state == JobState::cancelled && job.due > action.now) {
      // Revived before it came due: it goes out at its time, as if never cancelled.
      job.state = JobState::pending;
      job.next_attempt.reset();
      job.error = "revived by hand";
      break;
    }
    [[fallthrough]];
  case Kind::not_posted:
    // retry-wait jobs fire at the next run whatever their age, so a job long past its grace
    // still goes out when a person asks for it. Ready since it came due, not since now: the
    // next run may be on a host whose clock is behind this one's (or given --now).
    job.state = JobState::retry_wait;
    job.next_attempt = std::min(action.now, job.due);
    job.error = action.kind == Kind::retry ? "retry asked by hand" : "resolved by hand: not posted";
    if (action.kind == Kind::retry) {
      job.attempts = 0;
    }
    break;
  case Kind::cancel:
    job.state = JobState::cancelled;
    job.next_attempt.reset();
    // Not "removed:", which is what sync revives when a deleted post comes back.
    job.error = "cancelled by hand";
    break;
  }
  return job;
}

} // namespace

Result<Job, JobActionError>
apply_job_action(const JobAction& action)
{
  if (!store::StateLocation(action.state).exists()) {
    return unexpected(
      JobActionError{ fmt::format("no state at {}: nothing has run yet", action.state.string()) });
  }
  auto store = store::open_store(action.state);
  const auto keys = stored_calendar_keys(*store, action.calendar);
  std::optional<Job> job;
  for (const auto& k : keys) {
    if ((job = store->find_job(k, action.job_id))) {
      break;
    }
  }
  if (!job) {
    std::vector<std::string> ids;
    for (const auto& k : keys) {
      store::JobFilter filter;
      filter.calendar = k;
      for (const auto& j : store->list_jobs(filter)) {
        ids.push_back(j.id);
      }
    }
    const std::vector<std::string_view> views(ids.begin(), ids.end());
    std::string message = fmt::format("no job '{}' in this state", action.job_id);
    if (const auto match = closest_match(action.job_id, views)) {
      message += fmt::format(", did you mean '{}'?", *match);
    } else {
      message += " (herald status lists the jobs)";
    }
    return unexpected(JobActionError{ message });
  }
  const auto accepted = accepted_states(action.kind);
  if (std::find(accepted.begin(), accepted.end(), job->state) == accepted.end()) {
    return unexpected(JobActionError{ fmt::format("job {} is {}; {} applies only to {} jobs",
                                                  job->id, store::to_string(job->state),
                                                  verb(action.kind), join_states(accepted)) });
  }
  if (job->state == JobState::cancelled && !action.revive_cancelled) {
    return unexpected(JobActionError{
      fmt::format("job {} was cancelled by hand; herald retry --yes {} publishes it after all",
                  job->id, job->id),
      true });
  }
  const Job after = acted(action, *job);
  store->begin_write();
  bool updated = false;
  try {
    updated = store->update_job_if(after, job->state, job->lease_token);
    store->commit();
  } catch (...) {
    store->rollback();
    throw;
  }
  if (!updated) {
    return unexpected(JobActionError{
      fmt::format("job {} changed while this command ran (a run fired it?); look again with "
                  "herald status",
                  job->id) });
  }
  return after;
}

} // namespace herald::app
