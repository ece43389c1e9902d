#pragma once

#include "schedule/clock.hpp"
#include "store/job.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <string>

namespace herald::app {

// What a person decided about one job (herald resolve, retry, cancel).
struct JobAction
{
  enum class Kind
  {
    posted,     // resolve --posted URL: it is out (an unknown job was published after all)
    not_posted, // resolve --not-posted: it is not out; publish it at the next run
    retry,      // a failed or missed job: publish it at the next run, with fresh attempts
    cancel,     // never publish it (a later edit of the calendar does not bring it back)
  };
  Kind kind = Kind::posted;
  std::filesystem::path state;
  std::filesystem::path calendar; // whose jobs, with its one-off posts
  std::string job_id;
  std::string url;       // posted
  std::string remote_id; // posted, optional
  TimePoint now{};
  // retry of a job cancelled by hand: revive it (the person confirmed, or said --yes).
  bool revive_cancelled = false;
};

struct JobActionError
{
  std::string message;
  // The action would revive a job cancelled by hand: asked again with revive_cancelled, it
  // goes ahead.
  bool needs_confirmation = false;
};

// Applies `action` with a conditional update, so that a run firing the job at the same moment
// wins and the action fails instead of overwriting it. The error says which job, in which
// state, and which states the action accepts; an unknown id gets a suggestion. A retry of a
// cancelled job needs `revive_cancelled`.
Result<store::Job, JobActionError> apply_job_action(const JobAction& action);

} // namespace herald::app
