#pragma once

#include "calendar/loader.hpp"
#include "queue/adapters.hpp"
#include "queue/runner.hpp"
#include "queue/sync.hpp"
#include "schedule/clock.hpp"
#include "util/diagnostics.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <vector>

namespace herald::app {

struct TickOptions
{
  std::filesystem::path calendar;
  std::filesystem::path state;
  TimePoint now{};
  bool dry_run = false;
  // Read the calendar even when its fingerprint says it is unchanged (the daemon's SIGHUP).
  bool force_read = false;
  // When the calendar is invalid, still fire the due jobs of the last good sync (the daemon)
  // instead of firing nothing (`herald run`). The state's calendar record is left as it was.
  bool keep_last_good = false;
  calendar::LoadOptions load;
  queue::RunnerOptions runner;
};

struct TickReport
{
  Diagnostics diagnostics;    // calendar problems; with errors, nothing was changed
  bool calendar_read = false; // false: the unchanged calendar was not re-read
  // This host's copy of the calendar is not the one the jobs were last synced from (another
  // host synced a different one since); it was not synced over it.
  bool copy_differs = false;
  queue::SyncStats sync;
  std::vector<queue::Outcome> outcomes;
  std::string calendar_key; // the calendar's key in the state; empty when it was never synced

  ExitStatus exit_status() const;
};

// One cron tick (`herald run`): sync the calendar into the state, unless it is unchanged since
// the last tick, then publish every due job. An invalid calendar changes nothing and fires
// nothing. Throws herald::Error when the calendar or the state cannot be read.
TickReport run_tick(const TickOptions& options, queue::AdapterSource& adapters);

// 2 when the diagnostics hold an error, else 1 when an outcome is a failure, else 0.
ExitStatus exit_status_for(const Diagnostics& diagnostics,
                           const std::vector<queue::Outcome>& outcomes);

// The identity of a calendar in the state (calendar/identity.hpp): its `name:`, else its git
// remote and path inside the repository, else its main file's absolute path.
std::string calendar_key(const calendar::Calendar& calendar);
// The longest grace of any post: how far back a sync expands recurring posts.
std::chrono::seconds longest_grace(const calendar::Calendar& calendar);
// Where `herald post` keeps the one-off posts made with a calendar's accounts.
std::string one_off_key(const std::string& calendar_key);

// Loads a calendar with the platform registry's account checks plugged in.
calendar::LoadResult load_checked(const std::filesystem::path& file, calendar::LoadOptions options);

} // namespace herald::app
