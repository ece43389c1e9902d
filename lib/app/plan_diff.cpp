#include "plan_diff.hpp"

#include "tick.hpp"

#include "queue/sync.hpp"
#include "store/state_location.hpp"
#include "util/error.hpp"
#include "util/run_command.hpp"
#include "util/trim.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace herald::app {

namespace fs = std::filesystem;

namespace {

// What git may print for one calendar file or an error: far above the calendar size cap.
constexpr size_t k_git_output_cap = size_t(256) * 1024 * 1024;

// The calendar's files as they are at `revision` in the git work tree around `dir`.
std::function<Result<std::string, calendar::ReadFailure>(const fs::path&, size_t)>
git_reader(const std::string& revision, const fs::path& dir)
{
  return [revision, dir](const fs::path& file,
                         size_t max_bytes) -> Result<std::string, calendar::ReadFailure> {
    const fs::path relative = file.lexically_normal().lexically_relative(dir);
    auto shown = run_command(
      { "git", "-C", dir.string(), "show", revision + ":./" + relative.generic_string() },
      std::max(max_bytes, size_t(65536)) + 1);
    if (!shown) {
      return unexpected(
        calendar::ReadFailure{ calendar::ReadFailure::Kind::unreadable, shown.error() });
    }
    if (shown->exit_code != 0) {
      return unexpected(
        calendar::ReadFailure{ calendar::ReadFailure::Kind::unreadable,
                               fmt::format("not at {} ({})", revision, first_line(shown->err)) });
    }
    if (shown->out.size() > max_bytes) {
      return unexpected(calendar::ReadFailure{
        calendar::ReadFailure::Kind::too_big,
        fmt::format("file at {} is larger than the limit of {} bytes", revision, max_bytes) });
    }
    return std::move(shown->out);
  };
}

void
check_revision(const std::string& revision, const fs::path& dir)
{
  // git would take it for an option (`git show --output=...` writes a file).
  if (revision.empty() || revision.front() == '-') {
    throw Error(
      fmt::format("--against {}: a revision cannot be empty or start with '-'", revision));
  }
  const auto verified = run_command(
    { "git", "-C", dir.string(), "rev-parse", "--verify", "--quiet", revision + "^{commit}" },
    k_git_output_cap);
  if (!verified) {
    throw Error(fmt::format("--against {}: {}", revision, verified.error()));
  }
  if (verified->exit_code != 0) {
    throw Error(fmt::format(
      "--against {}: not a revision of a git repository at {}{}", revision, dir.string(),
      verified->err.empty() ? "" : " (" + std::string(first_line(verified->err)) + ")"));
  }
}

// A job that fired (or is firing): sync no longer changes it, whatever the calendar says. A
// missed or cancelled job does not follow edits either, but never went out.
bool
fired(const store::Job& job)
{
  return !queue::follows_edits(job) && job.state != store::JobState::missed &&
         job.state != store::JobState::cancelled;
}

std::vector<platforms::OutPart>
parts_of(const store::Job& job)
{
  const auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (!payload.is_object()) {
    return {};
  }
  return platforms::parts_from_json(payload.value("parts", nlohmann::json()));
}

void
sync_into(store::Store& scratch, const calendar::Calendar& cal, const std::string& key,
          TimePoint baseline, TimePoint now)
{
  const TimePoint from = std::max(now - longest_grace(cal), baseline);
  queue::sync_calendar(scratch, cal, key, from, now + queue::k_horizon, baseline, now);
}

std::vector<store::Job>
jobs_of(store::Store& store, const std::string& key)
{
  store::JobFilter filter;
  filter.calendar = key;
  return store.list_jobs(filter);
}

JobDiff
diff_of(DiffKind kind, const store::Job& job)
{
  JobDiff diff;
  diff.kind = kind;
  diff.job_id = job.id;
  diff.post_id = job.post_id;
  diff.account = job.account;
  diff.platform = job.platform;
  diff.due = job.due;
  return diff;
}

} // namespace

std::string_view
to_string(DiffKind kind)
{
  switch (kind) {
  case DiffKind::added:
    return "added";
  case DiffKind::removed:
    return "removed";
  case DiffKind::changed:
    return "changed";
  case DiffKind::rescheduled:
    return "rescheduled";
  case DiffKind::already_published:
    return "already-published";
  }
  return "changed";
}

ExitStatus
PlanDiff::exit_status() const
{
  if (loaded.diagnostics.has_errors() || !loaded.calendar || base_loaded.diagnostics.has_errors()) {
    return ExitStatus::usage;
  }
  // 1 as diff(1) has it: the calendar changes something.
  return changes.empty() ? ExitStatus::ok : ExitStatus::job_failed;
}

PlanDiff
diff_plan(const PlanDiffOptions& options)
{
  PlanDiff diff;
  diff.loaded = load_checked(options.calendar, options.load);
  diff.loaded.diagnostics.drop_unset_secrets(); // nothing is sent
  if (diff.loaded.diagnostics.has_errors() || !diff.loaded.calendar) {
    return diff;
  }
  const calendar::Calendar& cal = *diff.loaded.calendar;
  const std::string key = calendar_key(cal);

  // What the state knows: since when the calendar is synced, and its jobs.
  std::optional<store::CalendarRecord> record;
  std::vector<store::Job> state_jobs;
  if (!options.state.empty() && store::StateLocation(options.state).exists()) {
    auto state = store::open_store_for_reading(store::StateLocation(options.state));
    record = state->find_calendar(key);
    state_jobs = jobs_of(*state, key);
  }
  // Without a record, a state would start now; a revision is taken to be synced long since,
  // so that only a post's grace decides whether a time already past fires or is missed.
  const TimePoint baseline = record                    ? record->baseline
                             : options.against.empty() ? options.now
                                                       : options.now - longest_grace(cal);

  // Both sides in a scratch state, so that the real sync rules decide what changes.
  auto scratch = store::open_store(fs::path(":memory:"));
  scratch->begin_write();
  if (options.against.empty()) {
    for (const auto& job : state_jobs) {
      scratch->insert_job(job);
    }
  } else {
    const fs::path dir = fs::absolute(options.calendar).lexically_normal().parent_path();
    check_revision(options.against, dir);
    calendar::LoadOptions at_revision = options.load;
    at_revision.read_file = git_reader(options.against, dir);
    at_revision.check_media = false; // media are read from the work tree, not the revision
    diff.base_loaded = load_checked(options.calendar, at_revision);
    diff.base_loaded.diagnostics.drop_unset_secrets();
    if (diff.base_loaded.diagnostics.has_errors() || !diff.base_loaded.calendar) {
      return diff;
    }
    // Jobs that already fired stay as they are, on either side.
    for (const auto& job : state_jobs) {
      if (fired(job)) {
        scratch->insert_job(job);
      }
    }
    sync_into(*scratch, *diff.base_loaded.calendar, key, baseline, options.now);
  }
  const auto before = jobs_of(*scratch, key);
  sync_into(*scratch, cal, key, baseline, options.now);
  const auto after = jobs_of(*scratch, key);
  scratch->rollback();

  // What the calendar would give a job that already fired, to tell whether its post is edited.
  std::unordered_map<std::string, store::Job> fresh;
  if (std::any_of(before.begin(), before.end(), fired)) {
    auto clean = store::open_store(fs::path(":memory:"));
    clean->begin_write();
    sync_into(*clean, cal, key, baseline, options.now);
    for (auto& job : jobs_of(*clean, key)) {
      fresh.emplace(job.id, std::move(job));
    }
    clean->rollback();
  }

  std::unordered_map<std::string, const store::Job*> earlier;
  for (const auto& job : before) {
    earlier.emplace(job.id, &job);
  }
  using store::JobState;
  for (const auto& job : after) {
    const auto found = earlier.find(job.id);
    const store::Job* was = found == earlier.end() ? nullptr : found->second;
    const bool cancelled = job.state == JobState::cancelled;
    std::optional<JobDiff> change;
    if (was && fired(*was)) {
      const auto now_is = fresh.find(job.id);
      if (now_is != fresh.end() && now_is->second.revision != was->revision) {
        change = diff_of(DiffKind::already_published, job);
        change->before = parts_of(*was);
        change->after = parts_of(now_is->second);
      }
    } else if (!was || was->state == JobState::cancelled) {
      if (!cancelled) {
        change = diff_of(DiffKind::added, job);
        change->after = parts_of(job);
      }
    } else if (cancelled) {
      change = diff_of(DiffKind::removed, *was);
      change->before = parts_of(*was);
    } else if (job.revision != was->revision || job.due != was->due) {
      change =
        diff_of(job.revision != was->revision ? DiffKind::changed : DiffKind::rescheduled, job);
      if (job.due != was->due) {
        change->was_due = was->due;
      }
      change->before = parts_of(*was);
      change->after = parts_of(job);
    }
    if (!change) {
      continue;
    }
    if (change->kind != DiffKind::removed && change->kind != DiffKind::already_published) {
      // As the runner decides: a job due before the baseline, or more than its grace ago, is
      // missed; one due since, within its grace, goes out at the next run.
      const bool past = job.state == JobState::pending && job.due <= options.now;
      change->missed = job.state == JobState::missed ||
                       (past && (job.due < baseline || job.due + job.grace < options.now));
      change->fires_at_once = past && !change->missed;
    }
    diff.changes.push_back(std::move(*change));
  }
  std::sort(diff.changes.begin(), diff.changes.end(), [](const JobDiff& a, const JobDiff& b) {
    return std::tie(a.due, a.job_id) < std::tie(b.due, b.job_id);
  });
  return diff;
}

std::vector<std::string>
text_diff(const std::string& before, const std::string& after)
{
  const auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) {
        end = text.size();
      }
      out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  const auto a = before.empty() ? std::vector<std::string>() : lines(before);
  const auto b = after.empty() ? std::vector<std::string>() : lines(after);
  // common[i][j]: the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<size_t>> common(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      common[i][j] =
        a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::string> out;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back("  " + a[i]);
      ++i;
      ++j;
    } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      out.push_back("- " + a[i++]);
    } else {
      out.push_back("+ " + b[j++]);
    }
  }
  return out;
}

} // namespace herald::app
