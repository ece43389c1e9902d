#include "tick.hpp"

#include "accounts.hpp"
#include "content_check.hpp"
#include "fingerprint.hpp"
#include "http/curl_api.hpp"

#include "calendar/identity.hpp"
#include "store/state_location.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::app {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path>
files_of(const store::CalendarRecord& record)
{
  std::vector<fs::path> files;
  const auto json = nlohmann::json::parse(record.files, nullptr, false);
  if (json.is_array()) {
    for (const auto& f : json) {
      files.emplace_back(f.get<std::string>());
    }
  }
  return files;
}

// How long before the horizon runs out a host refreshes it from its own copy even when another
// host synced a different one (see run_tick).
constexpr std::chrono::seconds k_horizon_takeover{ 86400 };

bool
horizon_fresh(const store::CalendarRecord& record, TimePoint now)
{
  return now + queue::k_horizon_refresh < record.horizon_until;
}

// A calendar this state knew under another identity (synced before it had `name:`, or keyed by
// its path as earlier versions did) keeps its jobs, baseline and history under the new one.
void
adopt_earlier_identity(store::Store& store, const calendar::Calendar& calendar,
                       const std::string& key)
{
  if (store.find_calendar(key)) {
    return;
  }
  const auto earlier = store.find_calendar_by_path(calendar.file.string());
  if (!earlier || earlier->key == key) {
    return;
  }
  store.rename_calendar(earlier->key, key);
  store::JobFilter one_off;
  one_off.calendar = one_off_key(key);
  one_off.limit = 1;
  if (store.list_jobs(one_off).empty()) {
    store.rename_calendar(one_off_key(earlier->key), one_off_key(key));
  }
}

// Whether the state's record still names the calendar as it is known now: a record from before
// the calendar's identity stopped depending on its path must be read again and re-keyed.
bool
identity_current(const store::CalendarRecord& record, const fs::path& main_file)
{
  return record.key.starts_with("name:") ||
         record.key == calendar::calendar_identity("", main_file);
}

// Syncs a freshly read calendar inside one write transaction and returns its record.
store::CalendarRecord
sync(store::Store& store, const calendar::Calendar& calendar, TimePoint now,
     fs::file_time_type read_started, TickReport& report)
{
  const std::string key = calendar_key(calendar);
  adopt_earlier_identity(store, calendar, key);
  const auto previous = store.find_calendar(key);
  const TimePoint baseline = previous ? previous->baseline : now;
  // Recurring posts: from where the last sync stopped expanding (so that a long pause still
  // shows its occurrences as missed), but never before the baseline.
  TimePoint from = now - longest_grace(calendar);
  if (previous && previous->horizon_until < from) {
    from = previous->horizon_until;
  }
  from = std::max(from, baseline);
  const TimePoint to = now + queue::k_horizon;
  report.sync = queue::sync_calendar(store, calendar, key, from, to, baseline, now);

  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : calendar.files) {
    files.push_back(file.string());
  }
  store::CalendarRecord record;
  record.key = key;
  record.path = calendar.file.string();
  // As git does with racily clean files: a file written since (or just before) it was read may
  // hold an edit that this sync did not see, so leave no fingerprint and let the next tick
  // read it again.
  if (!modified_since(calendar.files, read_started - std::chrono::seconds(1))) {
    record.fingerprint = stat_fingerprint(calendar.files).value_or("");
    record.content_hash = content_hash(calendar.files).value_or("");
  }
  record.files = files.dump();
  record.baseline = baseline;
  record.horizon_until = to;
  record.synced_at = now;
  store.put_calendar(record);
  return record;
}

} // namespace

std::chrono::seconds
longest_grace(const calendar::Calendar& calendar)
{
  auto grace = calendar.grace;
  for (const auto& post : calendar.posts) {
    grace = std::max(grace, post.grace.value_or(calendar.grace));
  }
  return grace;
}

std::string
calendar_key(const calendar::Calendar& calendar)
{
  return calendar::calendar_identity(calendar);
}

std::string
one_off_key(const std::string& calendar_key)
{
  return "post:" + calendar_key;
}

ExitStatus
exit_status_for(const Diagnostics& diagnostics, const std::vector<queue::Outcome>& outcomes)
{
  if (diagnostics.has_errors()) {
    return ExitStatus::usage;
  }
  for (const auto& outcome : outcomes) {
    if (outcome.is_failure) {
      return ExitStatus::job_failed;
    }
  }
  return ExitStatus::ok;
}

ExitStatus
TickReport::exit_status() const
{
  return exit_status_for(diagnostics, outcomes);
}

calendar::LoadResult
load_checked(const fs::path& file, calendar::LoadOptions options)
{
  options.check_account = check_account;
  auto loaded = calendar::load_calendar(file, options);
  if (loaded.calendar) {
    check_lengths(*loaded.calendar, loaded.diagnostics);
    check_media(*loaded.calendar, loaded.diagnostics);
    check_articles(*loaded.calendar, loaded.diagnostics);
    check_unread_articles(*loaded.calendar, loaded.diagnostics);
    loaded.diagnostics.sort();
  }
  return loaded;
}

TickReport
run_tick(const TickOptions& options, queue::AdapterSource& adapters)
{
  TickReport report;
  auto runner = options.runner;
  runner.dry_run = options.dry_run;
  const fs::path main_file = fs::absolute(options.calendar).lexically_normal();
  runner.calendar_dir = main_file.parent_path();
  const bool state_exists = store::StateLocation(options.state).exists();

  std::unique_ptr<store::Store> store;
  std::optional<store::CalendarRecord> record;
  if (state_exists) {
    store = store::open_store(options.state);
    record = store->find_calendar_by_path(main_file.string());
  }

  // The fast path of a cron tick: an unchanged calendar is not read again. This host's copy is
  // unchanged when its files' stat() is as this host last saw it, or else their bytes are.
  bool unchanged = false;
  if (record && !options.force_read && identity_current(*record, main_file)) {
    const auto files = files_of(*record);
    const auto fingerprint = stat_fingerprint(files);
    bool copy_unchanged = fingerprint && *fingerprint == record->fingerprint;
    if (!copy_unchanged && fingerprint && content_hash(files) == record->content_hash) {
      copy_unchanged = true; // touched, not edited
      if (!options.dry_run) {
        record->fingerprint = *fingerprint;
        store->begin_write();
        store->put_calendar_copy(*record, options.now);
        store->commit();
      }
    }
    // Hosts sharing a state sync the calendar when their own copy changes: the jobs follow the
    // copy edited last. A host whose copy is older does not sync it back over that one; it
    // leaves refreshing the horizon to the host that synced, unless that host is gone so long
    // that the horizon is about to run out.
    report.copy_differs = copy_unchanged && record->content_hash != record->synced_hash;
    unchanged = copy_unchanged &&
                (horizon_fresh(*record, options.now) ||
                 (report.copy_differs && options.now + k_horizon_takeover < record->horizon_until));
  }

  if (!unchanged) {
    if (!fs::exists(main_file)) {
      throw Error(fmt::format("cannot read calendar {}: no such file", options.calendar.string()));
    }
    const auto read_started = fs::file_time_type::clock::now();
    auto loaded = load_checked(options.calendar, options.load);
    report.calendar_read = true;
    report.diagnostics = std::move(loaded.diagnostics);
    // Only the accounts with due jobs need their secrets: a job whose account has none fails
    // when the runner asks for its adapter, and the others go out.
    report.diagnostics.drop_unset_secrets();
    if (report.diagnostics.has_errors() || !loaded.calendar) {
      if (!options.keep_last_good || !record || options.dry_run) {
        return report; // nothing changed, nothing fired
      }
      // The daemon: the jobs of the last good sync hold their rendered content, so they fire.
    } else {
      if (!store) {
        // A dry run must not create a state: it works on a throw-away one.
        store = store::open_store(options.dry_run ? fs::path(":memory:") : options.state);
      }
      store->begin_write();
      try {
        record = sync(*store, *loaded.calendar, options.now, read_started, report);
        if (options.dry_run) {
          report.outcomes = queue::run_due_jobs(*store, record->key, record->baseline, options.now,
                                                adapters, runner);
          store->rollback();
          return report;
        }
        store->commit();
      } catch (...) {
        store->rollback();
        throw;
      }
    }
  }

  report.calendar_key = record->key;
  runner.before_claims = http::preload_curl_api; // loads while the claims are committed
  // One-off posts queued with `herald post --at` fire on the calendar's ticks. They were asked
  // for explicitly, so no baseline holds them back; their grace still does. Both lists come
  // from one statement.
  const std::string one_off_calendar = one_off_key(record->key);
  std::vector<store::Job> calendar_jobs;
  std::vector<store::Job> one_off_jobs;
  for (auto& job : store->actionable_jobs({ record->key, one_off_calendar }, options.now)) {
    (job.calendar == one_off_calendar ? one_off_jobs : calendar_jobs).push_back(std::move(job));
  }
  report.outcomes = queue::run_found_jobs(*store, record->key, record->baseline, options.now,
                                          std::move(calendar_jobs), adapters, runner);
  auto one_off = queue::run_found_jobs(*store, one_off_calendar, TimePoint::min(), options.now,
                                       std::move(one_off_jobs), adapters, runner);
  report.outcomes.insert(report.outcomes.end(), one_off.begin(), one_off.end());
  return report;
}

} // namespace herald::app
