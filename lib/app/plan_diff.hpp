#pragma once

#include "calendar/loader.hpp"
#include "platforms/post.hpp"
#include "schedule/clock.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

// What a change to the calendar does to one job, as the next sync would make it.
enum class DiffKind
{
  added,             // a new job (or one that comes back after it was removed)
  removed,           // a pending job the calendar no longer has: cancelled
  changed,           // a pending job whose content changes (and maybe its time)
  rescheduled,       // a pending job whose time alone changes
  already_published, // the post is edited, but its job already fired: the edit is not re-sent
};

std::string_view to_string(DiffKind kind);

struct JobDiff
{
  DiffKind kind = DiffKind::added;
  std::string job_id;
  std::string post_id;
  std::string account;
  std::string platform;
  TimePoint due{};                        // after the change (before it, for `removed`)
  std::optional<TimePoint> was_due;       // changed or rescheduled: the time before
  std::vector<platforms::OutPart> before; // what the job held (empty for `added`)
  std::vector<platforms::OutPart> after;  // what it will hold (empty for `removed`)
  // added, changed or rescheduled to a time already past: it fires at the next run, or is
  // missed (due before the calendar was first synced, or more than its grace ago).
  bool fires_at_once = false;
  bool missed = false;
};

struct PlanDiffOptions
{
  std::filesystem::path calendar;
  // Empty: compare with what the state holds for the calendar. A git revision: compare with
  // the calendar's files at that revision (`git show REV:path`), and take from the state only
  // which jobs already fired.
  std::string against;
  std::filesystem::path state;
  TimePoint now{};
  calendar::LoadOptions load;
};

struct PlanDiff
{
  calendar::LoadResult loaded;      // the calendar as it is
  calendar::LoadResult base_loaded; // --against: the calendar at that revision
  std::vector<JobDiff> changes;     // by time, then job id

  // 2 when either calendar has errors, 1 when something changes, else 0.
  ExitStatus exit_status() const;
};

// What syncing the calendar would change, against the state or a git revision, without
// changing either: both sides are synced into a scratch in-memory state with the real sync
// rules, and their jobs compared. Throws herald::Error when the revision cannot be read.
PlanDiff diff_plan(const PlanDiffOptions& options);

// Line by line, the text before and after: unchanged lines start with "  ", removed ones with
// "- ", added ones with "+ " (a longest-common-subsequence diff; calendar texts are short).
std::vector<std::string> text_diff(const std::string& before, const std::string& after);

} // namespace herald::app
